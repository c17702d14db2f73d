/**
 * The whole page: the top bar, then either what is needed to authorize this device (pairing, or
 * the key to add by hand), or the session bar with the conversation shown (its pending permission
 * requests and the prompt box), the session's Changes view (its permission requests stay below it)
 * or the list of sessions.
 *
 * Only the components that show the conversation itself read it: the rest read values that change
 * when they do (the pending requests, the state), so an event redraws just the conversation, and
 * a long replay redraws only its progress line until it is all there.
 *
 * @example
 * ```tsx
 * render(<App store={store} push={push.view} actions={actions} review={review} />, document.getElementById("app")!);
 * ```
 */
import type { ReadonlySignal } from "@preact/signals";
import { useMemo } from "preact/hooks";
import type { PushView } from "../net/push.ts";
import type { ReviewState } from "../state/changes.ts";
import type { SlashCommand } from "../state/commands.ts";
import { authorWords } from "../state/device-words.ts";
import type { LiveText } from "../state/live.ts";
import type { SessionStatuses } from "../state/status.ts";
import type { AppStore } from "../state/store.ts";
import type { Actions } from "./actions.ts";
import { ChangesView } from "./changes-view.tsx";
import { Composer } from "./composer.tsx";
import { ConversationView } from "./conversation-view.tsx";
import { Header } from "./header.tsx";
import { KeySetup } from "./key-setup.tsx";
import { LiveStatusLine } from "./live-status.tsx";
import { PairPanel } from "./pair-panel.tsx";
import { PermissionCard } from "./permission-card.tsx";
import { SessionList } from "./session-list.tsx";
import type { Who } from "./tool-view.tsx";

const NO_COMMANDS: readonly SlashCommand[] = [];

function Conversation({ store, who, review, live }: { store: AppStore; who: Who; review: ReviewState; live: LiveView | undefined }) {
  return (
    <ConversationView
      key={store.activeSessionId.value}
      conversation={store.active.value}
      who={who}
      models={store.activeCapabilities.value?.models}
      review={review}
      {...(live && { live: live.text.drafts })}
    />
  );
}

function CatchingUp({ store }: { store: AppStore }) {
  const progress = store.catchingUp.value;
  return (
    <p class="empty log" role="status" data-testid="catching-up">
      Catching up{progress ? `: ${progress.at} of ${progress.end} events` : ""}…
    </p>
  );
}

/** The live view's state (v3): Claude's text being written, and the sessions' status. */
export interface LiveView {
  text: LiveText;
  statuses: SessionStatuses;
}

export function App({
  store,
  push,
  actions,
  review,
  live,
}: {
  store: AppStore;
  push: ReadonlySignal<PushView>;
  actions: Actions;
  review: ReviewState;
  live?: LiveView;
}) {
  const access = store.access.value;
  const key = store.key.value;
  const pairing = store.pairing.value;
  const mine = store.ownClientIds.value;
  // Stable while our ids are: items only re-render when they change.
  const who = useMemo<Who>(() => (by, device) => authorWords(by, device, (id) => mine.has(id)), [mine]);
  const errors = store.errors.value;
  const state = store.activeStatus.value?.state;
  const sessionId = store.activeSessionId.value;
  const reviewing = review.open.value?.sessionId === sessionId && sessionId !== undefined;
  return (
    <>
      <Header store={store} push={push} actions={actions} />
      <main id="main">
        {access === "unsupported" && (
          <section class="panel" role="alert">
            <h2>This page cannot work here</h2>
            <p>{store.problem.value}</p>
          </section>
        )}
        {access === "starting" && <p class="empty">{key ? "Logging in…" : "Preparing this device's key…"}</p>}
        {access === "pairing" && key && pairing && <PairPanel deviceKey={key} pairing={pairing} actions={actions} />}
        {access === "unauthorized" && key && <KeySetup deviceKey={key} actions={actions} />}
        {access === "authorized" && errors.length > 0 && (
          <div class="errors" role="alert">
            {errors.map((error, index) => (
              <p key={index}>{error}</p>
            ))}
            <button type="button" class="secondary" onClick={() => actions.dismissErrors()}>
              Dismiss
            </button>
          </div>
        )}
        {access === "authorized" && store.view.value === "sessions" && <SessionList store={store} actions={actions} />}
        {access === "authorized" && store.view.value === "conversation" && (
          <>
            {/* A long replay is drawn once it is all there, not once per animation frame on the way. */}
            {reviewing ? (
              <ChangesView review={review} />
            ) : store.replaying.value ? (
              <CatchingUp store={store} />
            ) : (
              <Conversation store={store} who={who} review={review} live={live} />
            )}
            {!reviewing && live && sessionId !== undefined && <LiveStatusLine statuses={live.statuses} sessionId={sessionId} actions={actions} />}
            {store.activePending.value.map((request) => (
              <PermissionCard key={request.requestId} request={request} actions={actions} />
            ))}
            {!reviewing && (
              <Composer
                key={sessionId}
                busy={state === "busy" || state === "waiting_permission"}
                outbox={store.outbox.value.filter((prompt) => prompt.sessionId === sessionId)}
                commands={store.activeCapabilities.value?.commands ?? NO_COMMANDS}
                actions={actions}
              />
            )}
          </>
        )}
      </main>
    </>
  );
}
