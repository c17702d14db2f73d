/**
 * The session's state and presence in words for people (pure): "waiting for your permission", not
 * `waiting_permission`.
 *
 * @example
 * ```ts
 * stateInWords("waiting_permission"); // "waiting for your permission"
 * othersInWords(3);                    // "2 other devices connected"
 * ```
 */
import { durationWords } from "../shared/live-status-words.ts";

const WORDS: Record<string, string> = {
  starting: "starting",
  ready: "ready for a prompt",
  busy: "working",
  waiting_permission: "waiting for your permission",
  restarting: "restarting (it exited or stopped answering)",
  failed: "failed (it crashed repeatedly; see the relay's log)",
  stopping: "stopping",
  idle: "idle (stopped until the next prompt)",
};

/**
 * What Claude is doing, as the end of "Claude is …".
 *
 * @example
 * `Claude is ${stateInWords("busy")}`; // "Claude is working"
 */
export function stateInWords(state: string): string {
  return WORDS[state] ?? state.replaceAll("_", " ");
}

/**
 * Who else is connected, from the session's client count (which includes this client) and the
 * names of the other devices, when the relay gave them (two connections with one key are one name).
 *
 * @example
 * othersInWords(1);                          // "no other device connected"
 * othersInWords(3, ["me@laptop", "phone"]);  // "2 other devices connected: me@laptop, phone"
 */
export function othersInWords(clients: number, names: readonly string[] = []): string {
  const others = Math.max(0, clients - 1);
  if (others === 0) return "no other device connected";
  const count = others === 1 ? "1 other device connected" : `${others} other devices connected`;
  return names.length > 0 ? `${count}: ${names.join(", ")}` : count;
}

/**
 * A duration as people read it: "12s", "1m 05s", "1h 02m".
 *
 * @example
 * elapsedInWords(65_000); // "1m 05s"
 */
export function elapsedInWords(ms: number): string {
  return durationWords(ms, COMPACT_UNITS);
}

/** "12s", "3m 05s", "2h 07m": room is short on a status line. */
const COMPACT_UNITS = { s: "s", min: "m", h: "h" };
