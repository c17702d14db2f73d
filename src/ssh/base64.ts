/**
 * Standard base64 (RFC 4648 §4, with padding) without Node's Buffer, so the browser app can use it.
 *
 * @example
 * ```ts
 * toBase64(new Uint8Array([0, 0, 0, 11])); // "AAAACw=="
 * ```
 */

/** Encodes bytes as padded standard base64. */
export function toBase64(bytes: Uint8Array): string {
  // Chunked: String.fromCharCode(...bytes) overflows the call stack for large inputs.
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
