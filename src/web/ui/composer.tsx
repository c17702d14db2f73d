/**
 * The prompt box: a labelled multi-line textbox (16 px text, so iOS does not zoom), Send, and
 * Interrupt while Claude is working. Enter sends on devices with a keyboard and a fine pointer
 * (Shift+Enter for a new line); on phones Enter is a new line and Send sends.
 *
 * @example
 * ```tsx
 * <Composer busy={true} actions={actions} />
 * ```
 */
import { useRef, useState } from "preact/hooks";
import type { OutgoingPrompt } from "../state/store.ts";
import type { Actions } from "./actions.ts";

const enterSends = () => typeof matchMedia === "function" && matchMedia("(hover: hover) and (pointer: fine)").matches;

export function Composer({ busy, outbox, actions }: { busy: boolean; outbox: readonly OutgoingPrompt[]; actions: Actions }) {
  const [text, setText] = useState("");
  const box = useRef<HTMLTextAreaElement>(null);
  const send = () => {
    // The box, not `text`: the page renders once per animation frame, so Enter pressed right
    // after typing would otherwise see the text as of the last frame (or nothing).
    const value = (box.current?.value ?? text).trim();
    if (!value) return;
    actions.prompt(value);
    setText("");
    box.current?.focus();
  };
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      {outbox.length > 0 && (
        <ul class="outbox" aria-label="Prompts not yet delivered">
          {outbox.map((prompt) => (
            <li key={prompt.id} class={prompt.state}>
              <span>{prompt.state === "failed" ? `Not sent: ${prompt.error ?? "refused"}` : prompt.state === "waiting" ? "Waiting for the connection…" : "Sending…"}</span> {prompt.text.slice(0, 200)}
              {prompt.state === "failed" && (
                <button type="button" class="secondary" onClick={() => actions.dismissPrompt(prompt.id)}>
                  Dismiss
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <label for="prompt" class="visually-hidden">
        Message Claude
      </label>
      <textarea
        id="prompt"
        ref={box}
        rows={2}
        value={text}
        placeholder="Message Claude"
        enterkeyhint="send"
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.isComposing && enterSends()) {
            event.preventDefault();
            send();
          }
        }}
      />
      <div class="composer-buttons">
        {busy && (
          <button type="button" class="secondary" onClick={() => actions.interrupt()}>
            Interrupt
          </button>
        )}
        <button type="submit" disabled={!text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}
