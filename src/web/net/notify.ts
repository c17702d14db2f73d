/**
 * Tells the user about a permission request while the page is in the background: a system
 * notification (when they allowed notifications) and a vibration (where the device can), closed
 * again once the request is answered from anywhere.
 *
 * @example
 * ```ts
 * const notifier = new PermissionNotifier();
 * notifier.requested(request);          // only does something while the page is hidden
 * notifier.resolved(request.requestId); // closes its notification
 * ```
 */
import type { PermissionRequestMessage } from "../../client/client.ts";

export class PermissionNotifier {
  readonly #open = new Map<string, Notification>();

  /** Whether notifications can be asked for here and have not been decided yet. */
  get canAsk(): boolean {
    return typeof Notification !== "undefined" && Notification.permission === "default";
  }

  /** Asks for permission to notify (must run in a click handler). */
  async ask(): Promise<NotificationPermission | "unsupported"> {
    if (typeof Notification === "undefined") return "unsupported";
    return Notification.requestPermission();
  }

  requested(request: PermissionRequestMessage): void {
    if (document.visibilityState !== "hidden") return;
    navigator.vibrate?.([200, 100, 200]);
    if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
    // Text only: notifications do not render HTML, and the body is cut short by the system anyway.
    const notification = new Notification(`Claude asks to use ${request.toolName}`, { body: request.description ?? summary(request.input), tag: request.requestId });
    notification.onclick = () => {
      window.focus();
      notification.close();
    };
    this.#open.set(request.requestId, notification);
  }

  resolved(requestId: string): void {
    this.#open.get(requestId)?.close();
    this.#open.delete(requestId);
  }
}

function summary(input: Record<string, unknown>): string {
  const value = input.command ?? input.file_path ?? input.path ?? input.url;
  return typeof value === "string" ? value.slice(0, 200) : "";
}
