import { describe, expect, test } from "bun:test";
import { AttachedSession } from "../../src/client/attached-session.ts";
import type { AuthOkMessage, PermissionRequestMessage, SessionEventMessage } from "../../src/client/messages.ts";

const request = (requestId: string, seq: number, sessionId = "s1"): PermissionRequestMessage => ({
  type: "permission.request",
  sessionId,
  seq,
  requestId,
  toolName: "Write",
  input: {},
  toolUseId: `t-${requestId}`,
});
const resolved = (requestId: string, seq: number): SessionEventMessage => ({
  type: "permission.resolved",
  sessionId: "s1",
  seq,
  requestId,
  behavior: "allow",
  by: "c2",
});
const authOk = (sessionId: string, pending: PermissionRequestMessage[], lastSeq?: number): AuthOkMessage => ({
  type: "auth.ok",
  clientId: "c1",
  sessionId,
  key: { type: "ssh-ed25519", fingerprint: "SHA256:x", comment: "" },
  state: { state: "waiting_permission", claudePid: 1, clients: 2, pendingPermissions: pending },
  ...(lastSeq !== undefined && { lastSeq }),
});

describe("AttachedSession", () => {
  test("auth.ok sets the position and the pending requests, replacing what was known", () => {
    const session = new AttachedSession();
    expect(session.resume()).toBeUndefined();
    expect(session.joined(authOk("s1", [request("b", 9), request("a", 4)], 10), { resumed: false })).toBe(false);
    expect(session.resume()).toEqual({ sessionId: "s1", lastSeq: 10 });
    expect(session.pendingPermissions.map((r) => r.requestId)).toEqual(["a", "b"]);
    session.joined(authOk("s1", [request("b", 9)]), { resumed: true });
    expect(session.pendingPermissions.map((r) => r.requestId)).toEqual(["b"]);
  });

  test("delivered requests are pending until resolved; a duplicate never brings one back", () => {
    const session = new AttachedSession();
    session.joined(authOk("s1", [], 0), { resumed: false });
    expect(session.accept(request("a", 1))).toEqual({ deliver: true });
    expect(session.pendingPermissions.map((r) => r.requestId)).toEqual(["a"]);
    expect(session.accept(resolved("a", 2))).toEqual({ deliver: true });
    expect(session.accept(request("a", 1))).toEqual({ deliver: false });
    expect(session.pendingPermissions).toEqual([]);
  });

  test("a resumed join into another session is reported (seqs start over); a fresh join is not", () => {
    const session = new AttachedSession({ sessionId: "old", lastSeq: 50 });
    expect(session.joined(authOk("new", []), { resumed: true })).toBe(true);
    expect(session.lastSeq).toBe(0);
    expect(new AttachedSession({ sessionId: "old", lastSeq: 50 }).joined(authOk("new", []), { resumed: false })).toBe(false);
  });

  test("an announced gap moves the position past it", () => {
    const session = new AttachedSession({ sessionId: "s1", lastSeq: 3 });
    session.gapAnnounced({ type: "replay.gap", sessionId: "s1", fromSeq: 4, toSeq: 20, reason: "evicted" });
    expect(session.accept(request("z", 21))).toEqual({ deliver: true });
    expect(session.resume()).toEqual({ sessionId: "s1", lastSeq: 21 });
  });

  test("the state: auth.ok's snapshot, then each session.state (credential problem kept and cleared)", () => {
    const session = new AttachedSession();
    expect(session.state).toBeUndefined();
    session.joined(authOk("s1", [], 3), { resumed: false });
    expect(session.state).toEqual({ state: "waiting_permission", claudePid: 1, clients: 2 });
    const problem = { reason: "rejected" as const, message: "set ANTHROPIC_API_KEY" };
    session.accept({ type: "session.state", sessionId: "s1", seq: 4, state: "ready", claudePid: 9, restarts: 1, clients: 3, claudeAuthError: problem });
    expect(session.state).toEqual({ state: "ready", claudePid: 9, clients: 3, restarts: 1, claudeAuthError: problem });
    session.accept({ type: "session.state", sessionId: "s1", seq: 5, state: "busy", claudePid: 9, restarts: 1, clients: 3 });
    expect(session.state).toEqual({ state: "busy", claudePid: 9, clients: 3, restarts: 1 });
  });

  test("replayHeld: the first login asks for everything held; what is missing is reported as evicted, an empty gap not at all", () => {
    const session = new AttachedSession(undefined, { replayHeld: true });
    expect(session.resume()).toEqual({ sessionId: "", lastSeq: 0 });
    expect(session.joined(authOk("s1", [], 40), { resumed: true })).toBe(false);
    expect(session.gapAnnounced({ type: "replay.gap", sessionId: "s1", fromSeq: 1, toSeq: 29, reason: "session_changed" })).toEqual({
      type: "replay.gap",
      sessionId: "s1",
      fromSeq: 1,
      toSeq: 29,
      reason: "evicted",
    });
    expect(session.accept(request("a", 30))).toEqual({ deliver: true });
    // later logins resume from where it stands, and their gaps are reported as they come
    expect(session.resume()).toEqual({ sessionId: "s1", lastSeq: 30 });
    const later = { type: "replay.gap" as const, sessionId: "s1", fromSeq: 31, toSeq: 35, reason: "evicted" as const };
    session.joined(authOk("s1", [], 50), { resumed: true });
    expect(session.gapAnnounced(later)).toEqual(later);

    const fresh = new AttachedSession(undefined, { replayHeld: true });
    fresh.joined(authOk("s1", [], 5), { resumed: true });
    expect(fresh.gapAnnounced({ type: "replay.gap", sessionId: "s1", fromSeq: 1, toSeq: 0, reason: "session_changed" })).toBeUndefined();
    expect(new AttachedSession({ sessionId: "s0", lastSeq: 3 }, { replayHeld: true }).resume()).toEqual({ sessionId: "s0", lastSeq: 3 });
  });

  test("session.attached replaces the pending requests and the state; the position stays where the attach asked", () => {
    const session = new AttachedSession({ sessionId: "s2", lastSeq: 7 });
    session.accept(request("old", 8, "s2"));
    session.attached({
      type: "session.attached",
      sessionId: "s2",
      lastSeq: 12,
      state: { state: "waiting_permission", claudePid: 4, clients: 2, pendingPermissions: [request("new", 11, "s2")] },
    });
    expect(session.pendingPermissions.map((r) => r.requestId)).toEqual(["new"]);
    expect(session.state).toEqual({ state: "waiting_permission", claudePid: 4, clients: 2 });
    expect(session.lastSeq).toBe(8);
    expect(session.accept(request("new", 9, "s2"))).toEqual({ deliver: true }); // the replay after the answer
  });
});
