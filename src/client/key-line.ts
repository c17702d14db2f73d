/**
 * The `authorized_keys` line that lets a key in (pure, and free of Node APIs so browser bundles of
 * the client can use it): what a person adds on the relay's machine when the relay refuses a key.
 *
 * @example
 * ```ts
 * authorizedKeysLine(signer.publicKey, "me@laptop"); // "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA… me@laptop"
 * ```
 */

/**
 * `<type> <base64 of the blob>[ <comment>]`, as in a `.pub` file. A comment with line breaks is
 * left out (it would split the line).
 *
 * @example
 * authorizedKeysLine(blob); // "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH…"
 */
export function authorizedKeysLine(publicKey: Uint8Array, comment?: string): string {
  const note = comment !== undefined && comment.trim() !== "" && !/[\r\n]/.test(comment) ? ` ${comment.trim()}` : "";
  return `${keyType(publicKey)} ${base64(publicKey)}${note}`;
}

/** The type name a public key blob starts with (an SSH string: uint32 length, then the name). */
function keyType(blob: Uint8Array): string {
  if (blob.length < 4) return "ssh-unknown";
  const length = ((blob[0]! << 24) | (blob[1]! << 16) | (blob[2]! << 8) | blob[3]!) >>> 0;
  if (length === 0 || length > 64 || 4 + length > blob.length) return "ssh-unknown";
  return new TextDecoder().decode(blob.subarray(4, 4 + length));
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
