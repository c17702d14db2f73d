/**
 * Tells the user about a permission request while the page is in the background: a system
 * notification (when they allowed notifications, and where the browser shows them for a page:
 * desktop browsers do, Chrome on Android and Safari on iOS only through a service worker, which
 * this app does not have) and a vibration (where the device can), closed again once the request
 * is answered from anywhere.
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

  /** Whether notifications are allowed, refused, not decided yet (`default`) or not available here. */
  get permission(): NotificationPermission | "unsupported" {
    return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
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
    let notification: Notification;
    try {
      // Text only: notifications do not render HTML, and the body is cut short by the system anyway.
      notification = new Notification(`Claude asks to use ${request.toolName}`, {
        body: request.description ?? summary(request.input),
        tag: request.requestId,
      });
    } catch {
      return; // Chrome on Android shows notifications only through a service worker: the vibration has to do
    }
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
