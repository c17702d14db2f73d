// The relay's frames are built from the protocol's types and validate against its schemas.
import { expect, test } from "bun:test";
import { encodeAuthOk, encodeClaudeEvent, encodeServerMessage, encodeSessionEvent } from "../../src/protocol/encode.ts";
import { errorFrame } from "../../src/protocol/errors.ts";
import { serverMessages } from "../../src/protocol/messages.ts";

const S = "6f1c0000-0000-4000-8000-000000000000";
const valid = (frame: string) => {
  const value = JSON.parse(frame);
  return serverMessages[value.type as keyof typeof serverMessages].parse(value);
};

test("session events put type, sessionId and seq first and validate against the schema", () => {
  const frames = [
    encodeSessionEvent(S, 3, { type: "user.prompt", text: "hi", by: "c1", id: "p1" }),
    encodeSessionEvent(S, 4, { type: "permission.resolved", requestId: "r1", behavior: "cancelled", by: "relay" }),
    encodeSessionEvent(S, 5, {
      type: "session.state",
      state: "ready",
      claudePid: 0,
      restarts: 0,
      clients: 1,
      claudeAuthError: { reason: "not_logged_in", message: "log in" },
    }),
  ];
  expect(frames[0]).toBe(`{"type":"user.prompt","sessionId":"${S}","seq":3,"text":"hi","by":"c1","id":"p1"}`);
  for (const frame of frames) expect(valid(frame)).toMatchObject({ ok: true });
});

test("claude.event carries Claude's line verbatim (spacing and key order kept)", () => {
  const line = '{"type":"result", "z":1,"a":{"b":[1,2]}}';
  const frame = encodeClaudeEvent(S, 9, line);
  expect(frame).toBe(`{"type":"claude.event","sessionId":"${S}","seq":9,"event":${line}}`);
  expect(valid(frame)).toMatchObject({ ok: true, value: { event: { type: "result", z: 1, a: { b: [1, 2] } } } });
});

test("other server messages and errors validate too", () => {
  expect(valid(encodeServerMessage({ type: "pong", id: "7" }))).toMatchObject({ ok: true });
  expect(valid(encodeServerMessage({ type: "replay.gap", sessionId: S, fromSeq: 2, toSeq: 5, reason: "evicted" }))).toMatchObject({ ok: true });
  expect(valid(errorFrame("unknown_permission", "no such request", "x"))).toEqual({
    ok: true,
    value: { type: "error", code: "unknown_permission", message: "no such request", id: "x" },
  });
});

test("auth.ok from pre-serialized sessions and capabilities: the very bytes of the whole message encoded at once", () => {
  const head = {
    type: "auth.ok" as const,
    clientId: "c1",
    sessionId: S,
    key: { type: "ssh-ed25519", fingerprint: "SHA256:abc", comment: 'laptop "quoted" ✓' },
    state: { state: "ready" as const, claudePid: 42, clients: 2, pendingPermissions: [], permissionMode: "default" },
    lastSeq: 7,
  };
  const sessions = [
    {
      sessionId: S,
      cwd: "/home/me/app",
      title: "Fix \u2028 it",
      state: "ready" as const,
      clients: 2,
      permissionMode: "default",
      lastActivity: "2026-11-28T00:00:00.000Z",
    },
  ];
  const capabilities = { models: [{ value: "default", displayName: "Default", description: "the usual" }], permissionModes: ["default", "plan"], commands: [] };
  const cases: Array<[typeof sessions | undefined, typeof capabilities | undefined]> = [
    [sessions, capabilities],
    [sessions, undefined],
    [undefined, capabilities],
    [undefined, undefined],
  ];
  for (const [list, caps] of cases) {
    const whole = encodeServerMessage({ ...head, ...(list && { sessions: list }), ...(caps && { capabilities: caps }) } as Parameters<
      typeof encodeServerMessage
    >[0]);
    const spliced = encodeAuthOk(head, list && JSON.stringify(list), caps && JSON.stringify(caps));
    expect(spliced).toBe(whole);
    expect(valid(spliced)).toMatchObject({ ok: true });
  }
});
