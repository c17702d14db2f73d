import { describe, expect, test } from "bun:test";
import { CONNECTION_STATES, type ConnectionEvent, type ConnectionState, transition } from "../../src/client/connection-state.ts";

describe("transition", () => {
  const valid: [ConnectionState, ConnectionEvent, ConnectionState][] = [
    ["connecting", "transport_open", "awaiting_challenge"],
    ["awaiting_challenge", "challenge", "signing"],
    ["signing", "signed", "authenticating"],
    ["authenticating", "auth_ok", "open"],
    ...CONNECTION_STATES.filter((state) => state !== "closed").map((state): [ConnectionState, ConnectionEvent, ConnectionState] => [state, "end", "closed"]),
  ];

  test("the handshake moves one step at a time; any state but closed can end", () => {
    for (const [state, event, next] of valid) expect(transition(state, event)).toBe(next);
  });

  test("everything else is out of order, and closed is final", () => {
    const events = ["transport_open", "challenge", "signed", "auth_ok", "end"] as const;
    for (const state of CONNECTION_STATES) {
      for (const event of events) {
        if (valid.some(([s, e]) => s === state && e === event)) continue;
        expect([state, event, transition(state, event)]).toEqual([state, event, undefined]);
      }
    }
  });
});
