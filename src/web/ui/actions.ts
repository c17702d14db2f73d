/**
 * What the UI can ask for; implemented in main.tsx over the connection and the key store, so the
 * components stay plain views of the store.
 */
import type { PermissionRequestMessage } from "../../client/client.ts";

export interface Actions {
  prompt(text: string): void;
  allow(request: PermissionRequestMessage): void;
  deny(request: PermissionRequestMessage, reason: string): void;
  interrupt(): void;
  /** Try to connect now (e.g. right after adding the key). */
  retry(): void;
  /** Deletes the device key and makes a new one; the new one must be authorized again. */
  forgetKey(): Promise<void>;
  /** Undefined where notifications cannot be asked for (unsupported, or already decided). */
  enableNotifications?: () => Promise<void>;
  dismissPrompt(id: string): void;
  dismissErrors(): void;
}
