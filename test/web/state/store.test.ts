import { describe, expect, test } from "bun:test";
import type { AuthOkMessage, PermissionRequestMessage } from "../../../src/client/client.ts";
import type { SessionInfo } from "../../../src/web/state/session-words.ts";
import { AppStore, FULL_REPLAY, type PageMemory } from "../../../src/web/state/store.ts";

const info = (sessionId: string, extra: Partial<SessionInfo> = {}): SessionInfo => ({
  sessionId,
  cwd: `/home/me/${sessionId}`,
  state: "ready",
  clients: 1,
  permissionMode: "default",
  lastActivity: "2026-11-25T20:00:00.000Z",
  ...extra,
});

const authOk = (clientId: string, sessionId = "s1", sessions?: SessionInfo[]): AuthOkMessage => ({
  type: "auth.ok",
  clientId,
  sessionId,
  key: { type: "ssh-ed25519", fingerprint: "SHA256:x", comment: "claude-relay:phone 2026-11-25" },
  state: { state: "ready", claudePid: 1, clients: 1, pendingPermissions: [] },
  ...(sessions && { sessions }),
});

const request = (sessionId: string, requestId: string, seq: number): PermissionRequestMessage => ({
  type: "permission.request",
  sessionId,
  seq,
  requestId,
  toolName: "Write",
  input: {},
  toolUseId: `t-${requestId}`,
});

function memory(initial: Record<string, string> = {}): PageMemory & { saved: Map<string, string> } {
  const saved = new Map(Object.entries(initial));
  return { saved, load: (name) => saved.get(name) ?? null, save: (name, value) => void saved.set(name, value) };
}

describe("AppStore", () => {
  test("before any session: resume asks for the whole buffer; after events: the default session from its lastSeq, whichever is shown", () => {
    const store = new AppStore();
    expect(store.resume()).toEqual(FULL_REPLAY);
    store.authenticated(authOk("c1", "s1", [info("s1"), info("a")]));
    store.event({ type: "user.prompt", sessionId: "s1", seq: 7, text: "hi", by: "c1" });
    store.event({ type: "user.prompt", sessionId: "a", seq: 30, text: "there", by: "c1" });
    store.show("a");
    expect(store.resume()).toEqual({ sessionId: "s1", lastSeq: 7 });
    expect(store.access.value).toBe("authorized");
    expect(store.loginKey.value?.comment).toBe("claude-relay:phone 2026-11-25");
  });

  test("each session keeps its own conversation and lastSeq", () => {
    const store = new AppStore();
    store.event({ type: "user.prompt", sessionId: "a", seq: 3, text: "to a", by: "c1" });
    store.event({ type: "user.prompt", sessionId: "b", seq: 9, text: "to b", by: "c1" });
    expect(store.conversations.value.get("a")?.lastSeq).toBe(3);
    expect(store.conversations.value.get("b")?.lastSeq).toBe(9);
  });

  test("own client ids are remembered across page loads, bounded", () => {
    const kept = memory({ "claude-relay:client-ids": JSON.stringify(["old"]) });
    const store = new AppStore(kept);
    expect(store.ownClientIds.value.has("old")).toBe(true);
    for (let i = 0; i < 120; i++) store.authenticated(authOk(`c${i}`));
    const saved = JSON.parse(kept.saved.get("claude-relay:client-ids")!) as string[];
    expect(saved).toHaveLength(100);
    expect(saved.at(-1)).toBe("c119");
    expect(new AppStore(kept).ownClientIds.value.has("c119")).toBe(true);
    expect(new AppStore(memory({ "claude-relay:client-ids": "not json" })).ownClientIds.value.size).toBe(0);
  });

  test("a prompt waits in the outbox until the relay echoes its id; an error for it marks it failed", () => {
    const store = new AppStore();
    store.queuePrompt({ id: "p1", sessionId: "s1", text: "one", state: "waiting" });
    store.queuePrompt({ id: "p2", sessionId: "s1", text: "two", state: "waiting" });
    store.markSent("p1");
    expect(store.outbox.value.map((prompt) => prompt.state)).toEqual(["sent", "waiting"]);
    store.event({ type: "user.prompt", sessionId: "s1", seq: 1, text: "one", by: "c1", id: "p1" });
    expect(store.outbox.value.map((prompt) => prompt.id)).toEqual(["p2"]);
    store.relayError({ type: "error", code: "claude_unavailable", message: "Claude has failed", id: "p2" });
    expect(store.outbox.value[0]).toMatchObject({ state: "failed", error: "Claude has failed" });
    store.relayError({ type: "error", code: "unknown_permission", message: "already answered" });
    expect(store.errors.value).toEqual(["unknown_permission: already answered"]);
  });

  test("the session shown: the default at first, the remembered one when it is still listed, kept across logins", () => {
    const kept = memory();
    const first = new AppStore(kept);
    first.authenticated(authOk("c1", "s1", [info("s1"), info("a")]));
    expect(first.activeSessionId.value).toBe("s1");
    first.show("a");
    expect(kept.saved.get("claude-relay:shown-session")).toBe("a");
    first.authenticated(authOk("c2", "s1", [info("s1"), info("a")]));
    expect(first.activeSessionId.value).toBe("a");

    expect(
      (() => {
        const reloaded = new AppStore(kept);
        reloaded.authenticated(authOk("c3", "s1", [info("s1"), info("a")]));
        return reloaded.activeSessionId.value;
      })(),
    ).toBe("a");
    const gone = new AppStore(kept);
    gone.authenticated(authOk("c4", "s1", [info("s1")]));
    expect(gone.activeSessionId.value).toBe("s1");
  });

  test("a session leaves the list: its conversation goes, its waiting prompts fail, and the page shows the default session with a note", () => {
    const store = new AppStore();
    store.authenticated(authOk("c1", "s1", [info("s1"), info("a", { title: "Fix the parser" })]));
    store.show("a");
    store.event({ type: "user.prompt", sessionId: "a", seq: 1, text: "hi", by: "c1" });
    store.queuePrompt({ id: "p1", sessionId: "a", text: "more", state: "waiting" });
    store.sessionsChanged([info("s1")]);
    expect(store.conversations.value.has("a")).toBe(false);
    expect(store.conversations.value.has("s1")).toBe(true);
    expect(store.activeSessionId.value).toBe("s1");
    expect(store.errors.value).toEqual(["The session “Fix the parser” was stopped; showing the default session."]);
    expect(store.outbox.value[0]).toMatchObject({ state: "failed", error: "its session was stopped" });

    // Stopped by this page: no note.
    store.sessionsChanged([info("s1"), info("b")]);
    store.show("b");
    store.stopRequested("b");
    store.sessionsChanged([info("s1")]);
    expect(store.activeSessionId.value).toBe("s1");
    expect(store.errors.value).toHaveLength(1);
  });

  test("session.attached takes the pending requests as they are; pendingElsewhere counts those of the sessions not shown", () => {
    const store = new AppStore();
    store.authenticated(authOk("c1", "s1", [info("s1"), info("a"), info("b")]));
    store.attached({
      type: "session.attached",
      sessionId: "a",
      lastSeq: 5,
      state: { state: "waiting_permission", claudePid: 2, clients: 2, pendingPermissions: [request("a", "r1", 4)] },
    });
    store.event(request("b", "r2", 3));
    store.event(request("s1", "r3", 2));
    expect(store.pendingCount("a")).toBe(1);
    expect(store.pendingElsewhere.value).toBe(2);
    store.show("a");
    expect(store.pendingElsewhere.value).toBe(2);
    expect(store.active.value?.status).toMatchObject({ state: "waiting_permission", clients: 2 });
  });

  test("catching up: the shown session's replay until its conversation reaches the end auth.ok or session.attached named; a lost connection ends it", () => {
    const store = new AppStore();
    store.authenticated({ ...authOk("c1", "s1", [info("s1"), info("a")]), lastSeq: 3 });
    expect(store.catchingUp.value).toEqual({ at: 0, end: 3 });
    store.event({ type: "user.prompt", sessionId: "s1", seq: 1, text: "one", by: "c1" });
    expect(store.catchingUp.value).toEqual({ at: 1, end: 3 });
    store.gap({ type: "replay.gap", sessionId: "s1", fromSeq: 2, toSeq: 3 });
    expect(store.catchingUp.value).toBeUndefined();
    store.show("a");
    store.attached({ type: "session.attached", sessionId: "a", lastSeq: 9, state: { state: "ready", claudePid: 1, clients: 1, pendingPermissions: [] } });
    expect(store.catchingUp.value).toEqual({ at: 0, end: 9 });
    store.connectionLost({ status: "reconnecting" });
    expect(store.catchingUp.value).toBeUndefined();
    expect(store.connection.value.status).toBe("reconnecting");
  });

  test("creating a session: the answer to the create asked for shows the new session and remembers the directory; a refusal is told in words", () => {
    const kept = memory();
    const store = new AppStore(kept);
    store.authenticated(authOk("c1", "s1", [info("s1")]));
    const k1 = { cwd: "/nope", origin: "form" as const };
    store.createStarted(k1);
    store.createRefused(k1, { code: "invalid_session_dir", message: 'no such directory: "/nope"' });
    expect(store.createError.value).toBe('That directory cannot be used: no such directory: "/nope".');
    expect(store.creating.value).toBeUndefined();
    const k2 = { cwd: "/home/me/x", origin: "form" as const };
    store.createStarted(k2);
    expect(store.createError.value).toBeUndefined();
    store.createRefused(k2, { code: "too_many_sessions", message: "the relay already runs 8 sessions; stop one first" });
    expect(store.createError.value).toBe("No room for another session: the relay already runs 8 sessions; stop one first.");

    const k3 = { cwd: "/home/me/x", origin: "form" as const };
    store.createStarted(k3);
    store.view.value = "sessions";
    expect(store.created(k2, "n")).toBe(false);
    expect(store.created(k3, "new-session")).toBe(true);
    expect(store.activeSessionId.value).toBe("new-session");
    expect(store.view.value as string).toBe("conversation");
    expect(store.recentDirectories.value).toEqual(["/home/me/x"]);
    expect(new AppStore(kept).directorySuggestions.value).toEqual(["/home/me/x"]);

    // "New conversation here" refused: a note (the form is not on screen), the form's error untouched.
    const k4 = { cwd: "/home/me/gone", origin: "restart" as const };
    store.createStarted(k4);
    store.createRefused(k4, { code: "invalid_session_dir", message: 'no such directory: "/home/me/gone"' });
    expect(store.createError.value).toBeUndefined();
    expect(store.errors.value.at(-1)).toBe('No new conversation in /home/me/gone: That directory cannot be used: no such directory: "/home/me/gone".');
  });
});
