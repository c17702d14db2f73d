/**
 * authorized_keys parser following sshd(8) "AUTHORIZED_KEYS FILE FORMAT": each line is
 * `[options] keytype base64-key [comment]`; `#` comments, blank lines and CRLF are ignored. Options
 * are comma-separated, `name` or `name="value"` (spaces and commas allowed inside quotes, `\"`
 * escapes a quote), case-insensitive names; an unknown option makes sshd skip the line.
 *
 * The parser is pure: it reports problems as diagnostics instead of logging. Lines that parse but
 * must not open a Claude session (command=, restrict, no-pty, cert-authority, principals=, a broken
 * from= list, an invalid expiry-time) are returned with `refused` set.
 *
 * @example
 * ```ts
 * const { entries, diagnostics } = parseAuthorizedKeys(await readFile(path, "utf8"));
 * const usable = entries.filter((e) => !e.refused);
 * ```
 */
import { fingerprintOf, isSupportedKeyType, keyTypeOfBlob, PublicKeyError, publicKeyFromBlob, type SshKeyType } from "../ssh/public-key.ts";
import { parseExpiryTime, validateFromList } from "./key-options.ts";

export interface KeyOption {
  /** Lower-cased option name. */
  name: string;
  /** Dequoted value for `name="value"` options. */
  value?: string;
}

/** A line that holds a supported key. */
export interface AuthorizedKey {
  /** 1-based line number. */
  line: number;
  type: SshKeyType;
  /** Raw public key blob (base64-decoded key field). */
  blob: Uint8Array;
  comment: string;
  /** As `ssh-keygen -l` prints it. */
  fingerprint: string;
  options: KeyOption[];
  /** from= pattern list, when present. */
  from?: string;
  /** expiry-time, the earliest when given more than once. */
  expiresAt?: Date;
  /** FIDO keys: `no-touch-required` waives the user-presence check. */
  noTouchRequired: boolean;
  /** FIDO keys: `verify-required` demands user verification. */
  verifyRequired: boolean;
  /** Why this key may not open a session, when it may not. */
  refused?: string;
}

/** A line that was skipped: unknown key type, or unparseable. */
export interface AuthorizedKeysDiagnostic {
  line: number;
  severity: "warning" | "error";
  message: string;
  /** The key type named on the line, when one was recognisable. */
  type?: string;
  fingerprint?: string;
  comment?: string;
}

export interface ParsedAuthorizedKeys {
  entries: AuthorizedKey[];
  diagnostics: AuthorizedKeysDiagnostic[];
}

/** Options that refuse the key: a Claude session runs shell commands, so restricted keys were not meant for it. */
const REFUSING_OPTIONS: Record<string, string> = {
  command: "command= restricts this key to one command",
  restrict: "restrict disables features this key would need",
  "no-pty": "no-pty marks this key as not for interactive use",
  "cert-authority": "cert-authority keys sign certificates; certificates are not supported",
  principals: "principals= applies to certificates; certificates are not supported",
};

/** Every option sshd accepts; flags take no value, the others require `="value"`. */
const FLAG_OPTIONS = new Set([
  "agent-forwarding",
  "cert-authority",
  "no-agent-forwarding",
  "no-port-forwarding",
  "no-pty",
  "no-user-rc",
  "no-x11-forwarding",
  "no-touch-required",
  "port-forwarding",
  "pty",
  "restrict",
  "user-rc",
  "verify-required",
  "x11-forwarding",
]);
const VALUE_OPTIONS = new Set(["command", "environment", "expiry-time", "from", "permitlisten", "permitopen", "principals", "tunnel"]);

/** Keys larger than this are not real SSH public keys (16384-bit RSA is ~2 KiB). */
const MAX_KEY_BLOB_BYTES = 8 * 1024;

class LineError extends Error {}

/**
 * Parses the text of an authorized_keys file.
 *
 * @example
 * parseAuthorizedKeys('from="10.0.0.0/8" ssh-ed25519 AAAAC3Nza… laptop\n').entries[0]?.from // "10.0.0.0/8"
 */
export function parseAuthorizedKeys(text: string): ParsedAuthorizedKeys {
  const entries: AuthorizedKey[] = [];
  const diagnostics: AuthorizedKeysDiagnostic[] = [];
  text.split("\n").forEach((rawLine, index) => {
    const line = index + 1;
    const content = rawLine.replace(/\r$/, "").replace(/^[ \t]+/, "");
    if (content === "" || content.startsWith("#")) return;
    try {
      const parsed = parseLine(content, line);
      if ("severity" in parsed) diagnostics.push(parsed);
      else entries.push(parsed);
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      diagnostics.push({ line, severity: "error", message: error.message });
    }
  });
  return { entries, diagnostics };
}

function parseLine(content: string, line: number): AuthorizedKey | AuthorizedKeysDiagnostic {
  // sshd first tries to read a key at the start of the line; only if that fails is the first field options.
  const bare = readKeyFields(content);
  if (bare) return keyEntry(bare, [], line);
  expectNotBareKeyType(content);
  const { options, rest } = splitOptions(content);
  const keyFields = readKeyFields(rest);
  if (!keyFields) {
    expectNotBareKeyType(rest);
    const first = rest.split(/[ \t]/, 1)[0] ?? "";
    throw new LineError(first === "" ? "options without a key" : `no valid key after options (found ${JSON.stringify(first.slice(0, 40))})`);
  }
  try {
    return keyEntry(keyFields, parseOptions(options), line);
  } catch (error) {
    if (!(error instanceof LineError)) throw error;
    const { type, blob, comment } = keyFields;
    return { line, severity: "error", type, fingerprint: fingerprintOf(blob), comment, message: `bad options: ${error.message}` };
  }
}

/** A line starting with a supported key type name whose key field did not parse: say so, rather than blame options. */
function expectNotBareKeyType(text: string): void {
  const first = text.split(/[ \t]/, 1)[0] ?? "";
  if (isSupportedKeyType(first)) throw new LineError(`missing or invalid base64 key data after ${first}`);
}

interface KeyFields {
  type: string;
  blob: Uint8Array;
  comment: string;
}

/** Reads `keytype base64 [comment]` when the text starts with one; undefined when it does not look like a key. */
function readKeyFields(text: string): KeyFields | undefined {
  const m = /^([^ \t]+)[ \t]+([A-Za-z0-9+/]+={0,2})(?:[ \t]+(.*))?$/.exec(text);
  if (!m) return undefined;
  const [, type = "", base64 = "", comment = ""] = m;
  if (base64.length % 4 !== 0 || base64.length > (MAX_KEY_BLOB_BYTES * 4) / 3) return undefined;
  const blob = new Uint8Array(Buffer.from(base64, "base64"));
  const innerType = keyTypeOfBlob(blob);
  // A key field whose blob names no type at all is not a key; let the caller treat the field as options.
  if (innerType === undefined) return isSupportedKeyType(type) ? { type, blob, comment: comment.trim() } : undefined;
  if (!isSupportedKeyType(type) && innerType !== type) return undefined;
  return { type, blob, comment: comment.trim() };
}

function keyEntry(fields: KeyFields, options: KeyOption[], line: number): AuthorizedKey | AuthorizedKeysDiagnostic {
  const { type, blob, comment } = fields;
  const fingerprint = fingerprintOf(blob);
  const innerType = keyTypeOfBlob(blob);
  if (innerType !== type) {
    return {
      line,
      severity: "error",
      type,
      comment,
      message: innerType === undefined ? `key data for ${type} is not a public key blob` : `key type mismatch: line says ${type}, key data is ${innerType}`,
    };
  }
  if (!isSupportedKeyType(type)) {
    return { line, severity: "warning", type, fingerprint, comment, message: `unsupported key type ${type}; line skipped` };
  }
  try {
    publicKeyFromBlob(blob);
  } catch (error) {
    if (!(error instanceof PublicKeyError)) throw error;
    return { line, severity: "error", type, fingerprint, comment, message: error.message };
  }
  return { line, type, blob, comment, fingerprint, options, ...optionSemantics(options) };
}

function optionSemantics(options: KeyOption[]): Omit<AuthorizedKey, "line" | "type" | "blob" | "comment" | "fingerprint" | "options"> {
  const refusals: string[] = [];
  let from: string | undefined;
  let expiresAt: Date | undefined;
  for (const { name, value = "" } of options) {
    const refusal = REFUSING_OPTIONS[name];
    if (refusal) refusals.push(refusal);
    if (name === "from") {
      if (from !== undefined) refusals.push("more than one from= option");
      from = value;
      const problem = validateFromList(value);
      if (problem) refusals.push(problem);
    } else if (name === "expiry-time") {
      const date = parseExpiryTime(value);
      if (!date) refusals.push(`invalid expiry-time ${JSON.stringify(value)}`);
      else if (!expiresAt || date < expiresAt) expiresAt = date;
    }
  }
  const names = new Set(options.map((o) => o.name));
  return {
    ...(from !== undefined && { from }),
    ...(expiresAt && { expiresAt }),
    noTouchRequired: names.has("no-touch-required"),
    verifyRequired: names.has("verify-required"),
    ...(refusals.length > 0 && { refused: refusals.join("; ") }),
  };
}

/** Splits off the options field: everything up to the first space or tab outside double quotes. */
function splitOptions(content: string): { options: string; rest: string } {
  let quoted = false;
  let i = 0;
  for (; i < content.length && (quoted || (content[i] !== " " && content[i] !== "\t")); i++) {
    if (content[i] === "\\" && content[i + 1] === '"') i++;
    else if (content[i] === '"') quoted = !quoted;
  }
  if (quoted) throw new LineError("unterminated quoted string in options");
  return { options: content.slice(0, i), rest: content.slice(i).replace(/^[ \t]+/, "") };
}

/** Parses `name[="value"](,name[="value"])*` with sshd's quoting rules. */
function parseOptions(text: string): KeyOption[] {
  const options: KeyOption[] = [];
  let i = 0;
  while (i < text.length) {
    const nameMatch = /^[A-Za-z0-9-]+/.exec(text.slice(i));
    if (!nameMatch) throw new LineError(`bad option syntax at ${JSON.stringify(text.slice(i, i + 20))}`);
    const name = nameMatch[0].toLowerCase();
    i += nameMatch[0].length;
    let value: string | undefined;
    if (text[i] === "=") {
      if (text[i + 1] !== '"') throw new LineError(`option ${name}= value must be in double quotes`);
      ({ value, end: i } = dequote(text, i + 1));
    }
    if (FLAG_OPTIONS.has(name)) {
      if (value !== undefined) throw new LineError(`option ${name} takes no value`);
    } else if (VALUE_OPTIONS.has(name)) {
      if (value === undefined) throw new LineError(`option ${name} needs a ="value"`);
    } else {
      throw new LineError(`unknown option ${JSON.stringify(name)}`);
    }
    options.push(value === undefined ? { name } : { name, value });
    if (i < text.length) {
      if (text[i] !== ",") throw new LineError(`expected "," after option ${name}`);
      i++;
      if (i === text.length) throw new LineError("trailing comma in options");
    }
  }
  return options;
}

/** Reads a quoted value starting at the opening quote; `\"` stands for `"`, other backslashes are literal. */
function dequote(text: string, start: number): { value: string; end: number } {
  let value = "";
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && text[i + 1] === '"') {
      value += '"';
      i++;
    } else if (c === '"') {
      return { value, end: i + 1 };
    } else {
      value += c;
    }
  }
  throw new LineError("unterminated quoted string in options");
}
