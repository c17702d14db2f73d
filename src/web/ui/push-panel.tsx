/**
 * "Notify me on this device" in the Device menu: Web Push while the app is closed (net/push.ts),
 * what this device is subscribed to (permission requests and questions always; turn ends and
 * failures as chosen), turning it off, and where it cannot work, why and what to do. The menu
 * stays open after these taps: the result (on, or what went wrong) is read right there.
 *
 * @example
 * ```tsx
 * <PushPanel view={push.view} actions={actions} />
 * ```
 */
import type { ReadonlySignal } from "@preact/signals";
import type { PushView } from "../net/push.ts";
import { PUSH_BLOCKER_WORDS, type PushChoices, subscribedWords } from "../state/push-words.ts";
import type { Actions } from "./actions.ts";

const CHOICE_LABELS: Record<keyof PushChoices, string> = { done: "Also when a turn ends", failed: "Also when a session fails" };

export function PushPanel({ view, actions }: { view: ReadonlySignal<PushView>; actions: Actions }) {
  const { support, subscribed, choices, busy, error } = view.value;
  return (
    <section class="push-panel" aria-labelledby="push-title" data-testid="push" data-support={support} data-subscribed={String(subscribed)}>
      <h3 id="push-title">Notifications when the app is closed</h3>
      {support === "checking" && <p class="hint">Checking whether this device can be notified while the app is closed…</p>}
      {support !== "checking" && support !== "ready" && (
        <p class="hint" data-testid="push-blocked">
          {PUSH_BLOCKER_WORDS[support]}
        </p>
      )}
      {support === "ready" && (
        <>
          <p class="hint" data-testid="push-status">
            {subscribed ? subscribedWords(choices) : "Get a notification on this device when Claude needs you, even with the app closed."}
          </p>
          {(Object.keys(CHOICE_LABELS) as (keyof PushChoices)[]).map((kind) => (
            <label key={kind} class="push-choice">
              <input
                type="checkbox"
                checked={choices[kind]}
                disabled={busy}
                onChange={(event) => void actions.choosePush({ ...choices, [kind]: event.currentTarget.checked })}
              />
              {CHOICE_LABELS[kind]}
            </label>
          ))}
          {subscribed ? (
            <button type="button" class="secondary" disabled={busy} onClick={() => void actions.disablePush()}>
              Stop notifying this device
            </button>
          ) : (
            <button type="button" disabled={busy} onClick={() => void actions.enablePush()}>
              Notify me on this device
            </button>
          )}
        </>
      )}
      {error && (
        <p class="hint push-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
