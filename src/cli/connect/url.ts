/**
 * A relay address as users type it → the WebSocket URL (pure).
 *
 * @example
 * ```ts
 * normalizeRelayUrl("laptop.local:7717"); // "ws://laptop.local:7717/ws"
 * ```
 */
import { UsageError } from "../usage-error.ts";

/**
 * `host:port` → `ws://host:port/ws`, `http(s)://` → `ws(s)://`, an empty path → `/ws`. Anything
 * else is a UsageError naming the input.
 *
 * @example
 * normalizeRelayUrl("https://relay.example"); // "wss://relay.example/ws"
 */
export function normalizeRelayUrl(input: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `ws://${input}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`not a relay URL: ${JSON.stringify(input)} (expected e.g. ws://127.0.0.1:7717/ws)`);
  }
  const schemes: Record<string, string> = { "ws:": "ws:", "wss:": "wss:", "http:": "ws:", "https:": "wss:" };
  const scheme = schemes[url.protocol];
  if (!scheme) throw new UsageError(`not a relay URL: ${JSON.stringify(input)} (use ws:// or wss://)`);
  url.protocol = scheme;
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/ws";
  return url.toString();
}
