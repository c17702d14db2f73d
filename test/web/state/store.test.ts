import { describe, expect, test } from "bun:test";
import type { AuthOkMessage, PermissionRequestMessage, SessionView } from "../../../src/client/client.ts";
import type { SessionInfo } from "../../../src/web/state/session-words.ts";
import { AppStore, type PageMemory } from "../../../src/web/state/store.ts";

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

/** A session as the client's model reports it (sessionView). */
const view = (sessionId: string, extra: Partial<SessionView> = {}): SessionView => ({
  sessionId,
  lastSeq: 0,
  pendingPermissions: [],
  state: { state: "ready", claudePid: 1, clients: 1 },
  ...extra,
});

function memory(initial: Record<string, string> = {}): PageMemory & { saved: Map<string, string> } {
  const saved = new Map(Object.entries(initial));
  return { saved, load: (name) => saved.get(name) ?? null, save: (name, value) => void saved.set(name, value) };
}

describe("AppStore", () => {
  test("a login: authorized, with the key as the relay knows it; a new client starts the mirror afresh (its first login replays what the relay holds)", () => {
    const store = new AppStore();
    store.authenticated(authOk("c1", "s1", [info("s1"), info("a")]));
    expect(store.access.value).toBe("authorized");
    expect(store.loginKey.value?.comment).toBe("claude-relay:phone 2026-11-25");
    store.event({ type: "user.prompt", sessionId: "s1", seq: 7, text: "hi", by: "c1" });
    store.sessionView(view("s1", { lastSeq: 7 }));
    store.clientStarted();
    expect(store.conversations.value.size).toBe(0);
    expect(store.sessionViews.value.size).toBe(0);
  });

  test("each session keeps its own conversation and its own view, as the client reports it", () => {
    const store = new AppStore();
    store.event({ type: "user.prompt", sessionId: "a", seq: 3, text: "to a", by: "c1" });
    store.event({ type: "user.prompt", sessionId: "b", seq: 9, text: "to b", by: "c1" });
    store.sessionView(view("a", { lastSeq: 3 }));
    store.sessionView(view("b", { lastSeq: 9 }));
    expect(store.conversations.value.get("a")?.items).toMatchObject([{ kind: "prompt", text: "to a" }]);
    expect(store.conversations.value.get("b")?.items).toMatchObject([{ kind: "prompt", text: "to b" }]);
    expect(store.sessionViews.value.get("a")?.lastSeq).toBe(3);
    expect(store.sessionViews.value.get("b")?.lastSeq).toBe(9);
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

  test("a session leaves the list: its conversation and view go, its waiting prompts fail, and the page shows the default session with a note", () => {
    const store = new AppStore();
    store.authenticated(authOk("c1", "s1", [info("s1"), info("a", { title: "Fix the parser" })]));
    store.show("a");
    store.event({ type: "user.prompt", sessionId: "a", seq: 1, text: "hi", by: "c1" });
    store.sessionView(view("a", { lastSeq: 1 }));
    store.queuePrompt({ id: "p1", sessionId: "a", text: "more", state: "waiting" });
    store.sessionsChanged([info("s1")]);
    expect(store.conversations.value.has("a")).toBe(false);
    expect(store.sessionViews.value.has("a")).toBe(false);
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

  test("the pending requests and state are the client's; pendingElsewhere counts those of the sessions not shown; unchanged requests keep their identity", () => {
    const store = new AppStore();
    store.authenticated(authOk("c1", "s1", [info("s1"), info("a"), info("b")]));
    const waiting = [request("a", "r1", 4)];
    store.sessionView(view("a", { lastSeq: 5, pendingPermissions: waiting, state: { state: "waiting_permission", claudePid: 2, clients: 2 } }));
    store.sessionView(view("b", { lastSeq: 3, pendingPermissions: [request("b", "r2", 3)] }));
    store.sessionView(view("s1", { lastSeq: 2, pendingPermissions: [request("s1", "r3", 2)] }));
    expect(store.pendingCount("a")).toBe(1);
    expect(store.pendingElsewhere.value).toBe(2);
    store.show("a");
    expect(store.pendingElsewhere.value).toBe(2);
    expect(store.activeStatus.value).toMatchObject({ state: "waiting_permission", clients: 2 });
    const shown = store.activePending.value;
    store.sessionView(view("a", { lastSeq: 6, pendingPermissions: waiting, state: { state: "waiting_permission", claudePid: 2, clients: 2 } }));
    expect(store.activePending.value).toBe(shown);
  });

  test("a resolution lands on its tool call: the event is applied with the requests mirrored before it", () => {
    const store = new AppStore();
    store.event({
      type: "claude.event",
      sessionId: "a",
      seq: 1,
      event: { type: "assistant", message: { content: [{ type: "tool_use", id: "t-r1", name: "Write", input: {} }] } },
    });
    store.sessionView(view("a", { lastSeq: 2, pendingPermissions: [request("a", "r1", 2)] }));
    store.event({ type: "permission.resolved", sessionId: "a", seq: 3, requestId: "r1", behavior: "allow", by: "c2" });
    expect(store.conversations.value.get("a")?.items[0]).toMatchObject({ kind: "tool", permission: { behavior: "allow", by: "c2" } });
  });

  test("catching up: the shown session's replay as the client reports it (where it is, where it ends)", () => {
    const store = new AppStore();
    store.authenticated(authOk("c1", "s1", [info("s1"), info("a")]));
    store.sessionView(view("s1", { lastSeq: 0, replayEnd: 3 }));
    expect(store.catchingUp.value).toEqual({ at: 0, end: 3 });
    expect(store.replaying.value).toBe(true);
    store.sessionView(view("s1", { lastSeq: 1, replayEnd: 3 }));
    expect(store.catchingUp.value).toEqual({ at: 1, end: 3 });
    store.sessionView(view("s1", { lastSeq: 3 }));
    expect(store.catchingUp.value).toBeUndefined();
    store.show("a");
    store.sessionView(view("a", { lastSeq: 0, replayEnd: 9 }));
    expect(store.catchingUp.value).toEqual({ at: 0, end: 9 });
  });

  test("creating a session: the answer to the create asked for shows the new session and remembers the directory; a refusal is told in words", () => {
    const kept = memory();
    const store = new AppStore(kept);
    store.authenticated(authOk("c1", "s1", [info("s1")]));
    const k1 = { cwd: "/nope", origin: "form" as const };
    store.forms.createStarted(k1);
    store.forms.createRefused(k1, { code: "invalid_session_dir", message: 'no such directory: "/nope"' });
    expect(store.forms.createError.value).toBe('That directory cannot be used: no such directory: "/nope".');
    expect(store.forms.creating.value).toBeUndefined();
    const k2 = { cwd: "/home/me/x", origin: "form" as const };
    store.forms.createStarted(k2);
    expect(store.forms.createError.value).toBeUndefined();
    store.forms.createRefused(k2, { code: "too_many_sessions", message: "the relay already runs 8 sessions; stop one first" });
    expect(store.forms.createError.value).toBe("No room for another session: the relay already runs 8 sessions; stop one first.");

    const k3 = { cwd: "/home/me/x", origin: "form" as const };
    store.forms.createStarted(k3);
    store.view.value = "sessions";
    expect(store.forms.created(k2, "n")).toBe(false);
    expect(store.forms.created(k3, "new-session")).toBe(true);
    expect(store.activeSessionId.value).toBe("new-session");
    expect(store.view.value as string).toBe("conversation");
    expect(store.forms.recentDirectories.value).toEqual(["/home/me/x"]);
    expect(new AppStore(kept).directorySuggestions.value).toEqual(["/home/me/x"]);

    // "New conversation here" refused: a note (the form is not on screen), the form's error untouched.
    const k4 = { cwd: "/home/me/gone", origin: "restart" as const };
    store.forms.createStarted(k4);
    store.forms.createRefused(k4, { code: "invalid_session_dir", message: 'no such directory: "/home/me/gone"' });
    expect(store.forms.createError.value).toBeUndefined();
    expect(store.errors.value.at(-1)).toBe('No new conversation in /home/me/gone: That directory cannot be used: no such directory: "/home/me/gone".');
  });
});
