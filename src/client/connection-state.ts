/**
 * The states of one connection attempt and the events that move it (pure):
 *
 *     connecting ──transport_open──▶ awaiting_challenge ──challenge──▶ signing ──signed──▶ authenticating ──auth_ok──▶ open
 *          └──────────────┴───────────────── end ─────────────┴──────────────────┴──────────────▶ closed
 *
 * `signing` covers the check before signing (e.g. TLS channel binding) and the signer itself (an
 * ssh-agent may ask its user to confirm). `end` is any close: by the relay, the network, a
 * timeout, or this side giving up.
 *
 * @example
 * ```ts
 * transition("connecting", "transport_open"); // "awaiting_challenge"
 * transition("signing", "auth_ok");           // undefined: auth.ok before our signature is out of order
 * ```
 */

export const CONNECTION_STATES = ["connecting", "awaiting_challenge", "signing", "authenticating", "open", "closed"] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

export type ConnectionEvent = "transport_open" | "challenge" | "signed" | "auth_ok" | "end";

const TRANSITIONS: { readonly [E in ConnectionEvent]: Partial<Record<ConnectionState, ConnectionState>> } = {
  transport_open: { connecting: "awaiting_challenge" },
  challenge: { awaiting_challenge: "signing" },
  signed: { signing: "authenticating" },
  auth_ok: { authenticating: "open" },
  end: { connecting: "closed", awaiting_challenge: "closed", signing: "closed", authenticating: "closed", open: "closed" },
};

/**
 * The state `event` leads to from `state`, or undefined when the event is out of order there.
 *
 * @example
 * transition("open", "end"); // "closed"
 */
export function transition(state: ConnectionState, event: ConnectionEvent): ConnectionState | undefined {
  return TRANSITIONS[event][state];
}
