/**
 * The known-relays file on disk (format in known-relays.ts): where it lives, reading it, and
 * appending a pin. A pin is only ever added: a changed certificate is refused, never written
 * over, and the user removes the old line themselves (as with ssh's known_hosts).
 *
 * @example
 * ```ts
 * const file = defaultKnownRelaysPath(process.env, homedir()); // ~/.config/claude-relay/known_relays
 * const entries = readKnownRelays(file);
 * const line = appendKnownRelay(file, "192.168.1.20:7717", "SHA256:…"); // its line number
 * ```
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { writeFileAtomically } from "../shared/atomic-write.ts";
import { KNOWN_RELAYS_HEADER, type KnownRelay, knownRelayLine, parseKnownRelays } from "./known-relays.ts";

/**
 * `$XDG_CONFIG_HOME/claude-relay/known_relays`, else `~/.config/claude-relay/known_relays`.
 *
 * @example
 * defaultKnownRelaysPath({}, "/home/me"); // "/home/me/.config/claude-relay/known_relays"
 */
export function defaultKnownRelaysPath(env: Record<string, string | undefined>, home: string): string {
  const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, ".config");
  return join(config, "claude-relay", "known_relays");
}

/**
 * The pins in `file`; none when it does not exist yet.
 *
 * @example
 * readKnownRelays("/home/me/.config/claude-relay/known_relays").length; // 2
 */
export function readKnownRelays(file: string): KnownRelay[] {
  return existsSync(file) ? parseKnownRelays(readFileSync(file, "utf8")) : [];
}

/**
 * Adds the line pinning `fingerprint` for `address`, keeping everything already in the file byte
 * for byte (a missing file is created 0600 with a header comment, in a 0700 directory); returns
 * its line number.
 *
 * @example
 * appendKnownRelay(file, "laptop.local:7717", "SHA256:…"); // 3
 */
export function appendKnownRelay(file: string, address: string, fingerprint: string): number {
  const existing = existsSync(file) ? readFileSync(file, "utf8") : `${KNOWN_RELAYS_HEADER}\n`;
  const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
  const text = `${existing}${separator}${knownRelayLine(address, fingerprint)}\n`;
  writeFileAtomically(file, text, existsSync(file) ? statSync(file).mode & 0o777 : 0o600);
  return text.split("\n").length - 1;
}
