/**
 * The name a device goes by in a session — who sent a prompt, who allowed a tool, who is
 * connected — taken from the authorized_keys line its key was proved against, so it is what the
 * user named it and stays the same across reconnects. Pure.
 *
 * - A key added by `claude-relay pair` (comment `claude-relay:<name> <date>`) or by the web app's
 *   copied line (`claude-relay:<browser>-on-<platform> <date>`) goes by `<name>`: the prefix and
 *   the date say how the key got there, not which device it is.
 * - Any other comment goes by the comment itself (`me@laptop`), spaces collapsed.
 * - No comment: the start of the key's fingerprint, `SHA256:` and 8 characters.
 *
 * Control characters and bidirectional overrides are dropped (the name is printed in terminals
 * and shown in pages), and a long name is cut to {@link MAX_DEVICE_NAME_CHARS}.
 *
 * @example
 * ```ts
 * deviceNameOf({ comment: "claude-relay:phone 2026-11-28", fingerprint: "SHA256:…" }); // "phone"
 * deviceNameOf({ comment: "me@laptop", fingerprint: "SHA256:…" });                     // "me@laptop"
 * deviceNameOf({ comment: "", fingerprint: "SHA256:qL3p9T0nXy…" });                     // "SHA256:qL3p9T0n"
 * ```
 */
import { cutWithEllipsis } from "../shared/ellipsis.ts";

/** Longest device name, in characters (code points); longer comments are cut with an ellipsis. */
export const MAX_DEVICE_NAME_CHARS = 48;

/** The comment prefix `claude-relay pair` and the web app give a device's key. */
const PAIRED_PREFIX = "claude-relay:";

/** Characters of the base64 fingerprint kept when a key has no comment: enough to tell keys apart. */
const FINGERPRINT_CHARS = 8;

/** C0 and C1 controls (escape sequences, newlines) and the bidi embeddings, overrides and isolates. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g;

/**
 * A device's name from its authorized_keys entry's comment and fingerprint (see the module comment).
 *
 * @example
 * deviceNameOf({ comment: "claude-relay:Safari-on-iPhone 2026-11-28", fingerprint }) // "Safari-on-iPhone"
 */
export function deviceNameOf(key: { comment: string; fingerprint: string }): string {
  const comment = key.comment.replace(UNPRINTABLE, " ").trim().replace(/\s+/g, " ");
  const paired = comment.startsWith(PAIRED_PREFIX) ? comment.slice(PAIRED_PREFIX.length).split(" ", 1)[0] : undefined;
  const name = paired || comment;
  if (name) return cutWithEllipsis(name, MAX_DEVICE_NAME_CHARS);
  const [algorithm, hash = ""] = key.fingerprint.split(":", 2);
  return `${algorithm}:${hash.slice(0, FINGERPRINT_CHARS)}`;
}
