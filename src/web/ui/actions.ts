/**
 * What the UI can ask for; implemented in main.tsx over the connection and the key store, so the
 * components stay plain views of the store.
 */
import type { PermissionRequestMessage } from "../../client/client.ts";
import type { PromptImage } from "../../protocol/message-parts.ts";
import type { PendingConfigure } from "../state/forms.ts";
import type { PushChoices } from "../state/push-words.ts";

export interface Actions {
  /** Sends a prompt (with images, downscaled already) to the session shown. */
  prompt(text: string, images?: readonly PromptImage[]): void;
  allow(request: PermissionRequestMessage): void;
  /** Allows it with Claude's suggestions, so the same request is not asked again in this session. */
  allowForSession(request: PermissionRequestMessage): void;
  /** Answers Claude's AskUserQuestion (question text → chosen label(s) or typed text). */
  answer(request: PermissionRequestMessage, answers: Record<string, string>): void;
  /** Switches the shown session's permission mode or model. */
  configure(change: PendingConfigure["change"]): void;
  /** Lists Claude's earlier conversations in a directory (undefined: the default session's). */
  listHistory(cwd?: string): void;
  /** Starts a session continuing one of those conversations. */
  resumeConversation(cwd: string, sessionId: string): void;
  deny(request: PermissionRequestMessage, reason: string): void;
  /** Interrupts Claude in the session shown. */
  interrupt(): void;
  /** Try to connect now (e.g. right after adding the key). */
  retry(): void;
  /** Deletes the device key and makes a new one; the new one must be authorized again. */
  forgetKey(): Promise<void>;
  /** Asks the browser to allow notifications (from a click: browsers ask only on a user gesture). */
  enableNotifications(): Promise<void>;
  /** Web Push on this device, from a tap (the browser asks the permission then). */
  enablePush(): Promise<void>;
  /** No more Web Push on this device. */
  disablePush(): Promise<void>;
  /** Which optional kinds of push this device wants. */
  choosePush(choices: PushChoices): Promise<void>;
  dismissPrompt(id: string): void;
  dismissErrors(): void;
  /** Shows a session's conversation. */
  show(sessionId: string): void;
  /** Between the conversation and the list of sessions. */
  toggleSessions(): void;
  /** Starts a session in a directory of the relay's computer (in a new worktree on branch `worktree`). */
  createSession(cwd: string, worktree?: string): void;
  /** Stops a running task (sub-agent, background command) of a session (live view). */
  stopTask(sessionId: string, taskId: string): void;
  /** Stops a session; `removeWorktree`: and removes its worktree (refused while it has uncommitted changes). */
  stopSession(sessionId: string, options?: { removeWorktree?: boolean }): void;
  /** Opens a session's Changes view (the files changed against git's HEAD). */
  openChanges(sessionId: string): void;
  /** Stops the session and starts a new one in its directory (the default session: only the latter). */
  newConversation(sessionId: string): void;
  /** Asks the relay to add this device's key, under `name` (opened through a pairing link). */
  pair(name: string): Promise<void>;
  /** Leaves the pairing link aside and shows the key to add by hand. */
  skipPairing(): void;
}
