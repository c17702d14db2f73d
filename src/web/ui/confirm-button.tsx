/**
 * A button whose action needs a second, deliberate tap: the first shows the question with the
 * confirming button (focused, so a keyboard user answers with Enter) and Cancel.
 *
 * @example
 * ```tsx
 * <ConfirmButton label="Stop" question="Stop “api”? Claude stops." confirm="Stop session" onConfirm={() => actions.stopSession(id)} />
 * ```
 */
import { useEffect, useRef, useState } from "preact/hooks";

export interface ConfirmButtonProps {
  label: string;
  question: string;
  confirm: string;
  /** Runs on the confirming tap, given that button (e.g. to close the menu it is in). */
  onConfirm: (button: HTMLElement) => void;
  /** Class of the first button (default `secondary`). */
  kind?: string;
}

export function ConfirmButton({ label, question, confirm, onConfirm, kind = "secondary" }: ConfirmButtonProps) {
  const [asking, setAsking] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmButton.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" class={kind} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    // biome-ignore lint/a11y/useSemanticElements: a fieldset would bring its own border and legend layout; this is a row of two buttons.
    <div class="confirm" role="group" aria-label={question}>
      <p>{question}</p>
      <div class="confirm-buttons">
        <button
          type="button"
          class="danger"
          ref={confirmButton}
          onClick={(event) => {
            const button = event.currentTarget;
            setAsking(false);
            onConfirm(button);
          }}
        >
          {confirm}
        </button>
        <button type="button" class="secondary" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </div>
    </div>
  );
}
