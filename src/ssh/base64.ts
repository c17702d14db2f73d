/**
 * Standard base64 (RFC 4648 §4, with padding) and base64url (§5) without Node's Buffer, so the browser app can use it.
 *
 * @example
 * ```ts
 * toBase64(new Uint8Array([0, 0, 0, 11])); // "AAAACw=="
 * toBase64Url(new Uint8Array([251, 255])); // "-_8"
 * ```
 */

/** Encodes bytes as padded standard base64. */
export function toBase64(bytes: Uint8Array): string {
  // Chunked: String.fromCharCode(...bytes) overflows the call stack for large inputs.
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Encodes bytes as base64url without padding (RFC 4648 §5), as Web Push writes keys.
 *
 * @example
 * toBase64Url(new Uint8Array([251, 255])); // "-_8"
 */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes base64url (padding optional); throws a SyntaxError on any other character.
 *
 * @example
 * fromBase64Url("-_8"); // Uint8Array [251, 255]
 */
export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new SyntaxError("not base64url");
  const binary = atob(text.replace(/=+$/, "").replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
