import { describe, expect, test } from "bun:test";
import { findSession } from "../../src/client/session-lookup.ts";
import type { SessionInfo } from "../../src/protocol/messages.ts";

const session = (sessionId: string): SessionInfo => ({
  sessionId,
  cwd: "/w",
  state: "ready",
  clients: 0,
  permissionMode: "default",
  lastActivity: "2026-11-25T20:00:00.000Z",
});
const list = [
  session("7f0c3d0e-1111-2222-3333-444455556666"),
  session("a2c4e6f8-1111-2222-3333-444455556666"),
  session("a2c4ffff-1111-2222-3333-444455556666"),
];

describe("findSession", () => {
  test("a whole id, or the start of exactly one (any case)", () => {
    expect(findSession(list, "a2c4e6f8-1111-2222-3333-444455556666")).toEqual({ ok: true, session: list[1]! });
    expect(findSession(list, "7F0C")).toEqual({ ok: true, session: list[0]! });
    expect(findSession(list, " a2c4e ")).toEqual({ ok: true, session: list[1]! });
  });

  test("the start of several: ambiguous, naming them; of none, or empty: unknown, saying how many there are", () => {
    expect(findSession(list, "a2c4")).toEqual({
      ok: false,
      problem: "ambiguous",
      matches: [list[1]!, list[2]!],
      message: '"a2c4" is the start of 2 sessions\' ids (a2c4e6f8-1111-2222-3333-444455556666, a2c4ffff-1111-2222-3333-444455556666): give more of it',
    });
    expect(findSession(list, "beef")).toEqual({ ok: false, problem: "unknown", matches: [], message: 'the relay has no session "beef" (it runs 3 sessions)' });
    expect(findSession(list.slice(0, 1), "")).toMatchObject({ ok: false, problem: "unknown", message: 'the relay has no session "" (it runs 1 session)' });
  });
});
