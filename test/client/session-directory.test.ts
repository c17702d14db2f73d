/**
 * The client's model of the relay, fed messages directly (no socket): positions (duplicates
 * dropped, gaps detected and announced), the focus and the sessions followed, pending requests and
 * state, pickers, and requests settled by id (reply, error, lost connection).
 */
import { describe, expect, test } from "bun:test";
import type { SessionView } from "../../src/client/attached-session.ts";
import type { RelayClientEvents } from "../../src/client/client-types.ts";
import { RelayClientError, RelayRequestError } from "../../src/client/errors.ts";
import type { AuthOkMessage, PermissionRequestMessage, SessionEventMessage, SessionInfo } from "../../src/client/messages.ts";
import { SessionDirectory } from "../../src/client/session-directory.ts";
import type { ClientMessage } from "../../src/protocol/messages.ts";

const DEFAULT = "d0000000-0000-4000-8000-000000000000";
const OTHER = "a2c4e6f8-0000-4000-8000-000000000000";

const info = (sessionId: string, state: SessionInfo["state"] = "ready"): SessionInfo => ({
  sessionId,
  cwd: `/srv/${sessionId.slice(0, 4)}`,
  state,
  clients: 1,
  permissionMode: "default",
  lastActivity: "2026-01-01T00:00:00Z",
});
const state = (pending: PermissionRequestMessage[] = []) => ({ state: "ready" as const, claudePid: 7, clients: 1, pendingPermissions: pending });
const authOk = (extra: Partial<AuthOkMessage> = {}): AuthOkMessage => ({
  type: "auth.ok",
  clientId: "c1",
  sessionId: DEFAULT,
  key: { type: "ssh-ed25519", fingerprint: "SHA256:x", comment: "" },
  state: state(),
  lastSeq: 4,
  sessions: [info(DEFAULT), info(OTHER)],
  ...extra,
});
const prompt = (seq: number, sessionId = DEFAULT): SessionEventMessage => ({ type: "user.prompt", sessionId, seq, text: `p${seq}`, by: "c2" });
const request = (requestId: string, seq: number, sessionId = DEFAULT): PermissionRequestMessage => ({
  type: "permission.request",
  sessionId,
  seq,
  requestId,
  toolName: "Write",
  input: {},
  toolUseId: `t-${requestId}`,
});

/** A directory with its output recorded: events emitted, messages sent, the error it stopped with. */
function directory(options: ConstructorParameters<typeof SessionDirectory>[0] = {}) {
  const events: Array<[keyof RelayClientEvents, unknown]> = [];
  const sent: ClientMessage[] = [];
  const stopped: RelayClientError[] = [];
  const model = new SessionDirectory(options, {
    emit: (name, ...args) => events.push([name, args[0]]),
    sendNow: (message) => sent.push(message),
    stop: (error) => stopped.push(error),
  });
  const named = (name: keyof RelayClientEvents) => events.filter(([event]) => event === name).map(([, payload]) => payload);
  const login = (ok = authOk(), resumed = false) => {
    if (model.loggedIn(ok, { resumed })) model.join(ok, { resumed });
  };
  return { model, events, sent, stopped, named, login };
}

describe("position in a session", () => {
  test("auth.ok sets the baseline; each seq is delivered once, in order; a jump is a detected gap", () => {
    const { model, named, login } = directory();
    login();
    expect(model.sessionId).toBe(DEFAULT);
    expect(named("joined")).toEqual([expect.objectContaining({ sessionId: DEFAULT, lastSeq: 4 })]);
    model.receive(prompt(5));
    model.receive(prompt(5));
    model.receive(prompt(4));
    model.receive(prompt(8));
    expect(named("event").map((event) => (event as SessionEventMessage).seq)).toEqual([5, 8]);
    expect(named("warning")).toEqual(["dropped a duplicate of seq 5", "dropped a duplicate of seq 4", "seqs 6…7 never arrived"]);
    expect(named("replay.gap")).toEqual([{ type: "replay.gap", sessionId: DEFAULT, fromSeq: 6, toSeq: 7, reason: "detected" }]);
    expect(model.lastSeq).toBe(8);
    expect(model.resume()).toEqual({ sessionId: DEFAULT, lastSeq: 8 });
  });

  test("an announced gap moves the position past it: the next seq is no detected gap", () => {
    const { model, named, login } = directory({ resume: { sessionId: DEFAULT, lastSeq: 2 } });
    login(authOk({ lastSeq: 10 }), true);
    model.receive({ type: "replay.gap", sessionId: DEFAULT, fromSeq: 3, toSeq: 6, reason: "evicted" });
    model.receive(prompt(7));
    expect(named("replay.gap")).toEqual([{ type: "replay.gap", sessionId: DEFAULT, fromSeq: 3, toSeq: 6, reason: "evicted" }]);
    expect(named("event")).toHaveLength(1);
    expect(model.lastSeq).toBe(7);
  });

  test("events of a session not followed are dropped with a warning", () => {
    const { model, named, login } = directory();
    login();
    model.receive(prompt(1, OTHER));
    expect(named("event")).toEqual([]);
    expect(named("warning")).toEqual([`dropped seq 1 of session ${OTHER}, which this client does not follow`]);
  });
});

describe("pending requests, state, pickers", () => {
  test("pending permissions: auth.ok's snapshot, then requests and resolutions; the state as reported", () => {
    const { model, login } = directory();
    login(authOk({ state: state([request("a", 3)]) }));
    expect(model.pendingPermissions.map((pending) => pending.requestId)).toEqual(["a"]);
    model.receive(request("b", 5));
    model.receive({ type: "permission.resolved", sessionId: DEFAULT, seq: 6, requestId: "a", behavior: "allow", by: "c2" });
    expect(model.pendingPermissions.map((pending) => pending.requestId)).toEqual(["b"]);
    model.receive({ type: "session.state", sessionId: DEFAULT, seq: 7, state: "busy", claudePid: 7, restarts: 0, clients: 2, permissionMode: "plan" });
    expect(model.sessionState).toMatchObject({ state: "busy", clients: 2, permissionMode: "plan", restarts: 0 });
  });

  test("pickers per session: from auth.ok, then session.capabilities", () => {
    const { model, login, named } = directory();
    const pickers = { models: [], commands: [], permissionModes: ["default", "plan"] as const };
    login(authOk({ capabilities: { ...pickers, permissionModes: [...pickers.permissionModes] } }));
    expect(model.capabilitiesOf(DEFAULT)?.permissionModes).toEqual(["default", "plan"]);
    model.receive({
      type: "session.capabilities",
      sessionId: OTHER,
      models: [],
      commands: [{ name: "compact", description: "", argumentHint: "" }],
      permissionModes: ["default"],
    });
    expect(model.capabilitiesOf(OTHER)?.commands.map((command) => command.name)).toEqual(["compact"]);
    expect(named("session.capabilities")).toHaveLength(1);
  });
});

describe("focus and sessions followed", () => {
  test("the session option names a session by the start of its id: the default one is left, the other joined at its session.attached", () => {
    const { model, sent, named, login } = directory({ session: "a2c4" });
    login();
    expect(model.sessionId).toBe(OTHER);
    expect(sent[0]).toEqual({ type: "session.detach", sessionId: DEFAULT });
    expect(sent[1]).toMatchObject({ type: "session.attach", sessionId: OTHER, lastSeq: Number.MAX_SAFE_INTEGER, id: "c-1" });
    expect(model.sessionField()).toEqual({ sessionId: OTHER });
    expect(named("joined")).toEqual([]);
    model.receive({ type: "session.attached", id: "c-1", sessionId: OTHER, lastSeq: 9, state: state([request("q", 9, OTHER)]) });
    expect(named("joined")).toEqual([expect.objectContaining({ sessionId: OTHER, lastSeq: 9 })]);
    expect(model.pendingPermissions.map((pending) => pending.requestId)).toEqual(["q"]);
    model.receive(prompt(10, OTHER));
    expect(model.lastSeq).toBe(10);
  });

  test("a session option that names none stops the client with unknown_session", () => {
    const { stopped, named, login } = directory({ session: "ffff" });
    login();
    expect(stopped.map((error) => error.code)).toEqual(["unknown_session"]);
    expect(named("auth.ok")).toEqual([]);
  });

  test("attached sessions: re-attached at every login from where each stands; forgotten when the list drops them", () => {
    const { model, sent, named, login } = directory();
    login();
    expect(model.attach(OTHER, 3)).toBe(3);
    model.receive(prompt(4, OTHER));
    sent.length = 0;
    login(authOk(), true);
    expect(sent).toEqual([{ type: "session.attach", sessionId: OTHER, lastSeq: 4 }]);
    model.receive({ type: "sessions", sessions: [info(DEFAULT)] });
    expect(model.attachedSessions).toEqual([]);
    expect(named("warning")).toContain(`session ${OTHER} is no longer listed by the relay; no longer following it`);
  });
});

describe("session views (what a page mirrors)", () => {
  test("each followed session is reported after every change, after the event itself; unchanged parts keep their identity", () => {
    const { model, events, login } = directory();
    login(authOk({ state: state([request("a", 3)]) }));
    const views = () => events.filter(([name]) => name === "sessionView").map(([, view]) => view as SessionView);
    expect(views()).toEqual([{ sessionId: DEFAULT, lastSeq: 4, pendingPermissions: [request("a", 3)], state: expect.objectContaining({ state: "ready" }) }]);
    model.receive(prompt(5));
    expect(events.slice(-2).map(([name]) => name)).toEqual(["event", "sessionView"]);
    const [first, second] = views();
    expect(second?.lastSeq).toBe(5);
    expect(second?.pendingPermissions).toBe(first!.pendingPermissions);
    expect(second?.state).toBe(first!.state);
    model.receive({ type: "permission.resolved", sessionId: DEFAULT, seq: 6, requestId: "a", behavior: "allow", by: "c2" });
    expect(views().at(-1)?.pendingPermissions).toEqual([]);
    expect(model.views.map((view) => view.sessionId)).toEqual([DEFAULT]);
  });

  test("replayEnd while catching up: from the lastSeq auth.ok or session.attached named until the session gets there; a lost connection ends it", () => {
    const { model, login } = directory({ replayHeld: true });
    login(authOk({ lastSeq: 3 }), true);
    expect(model.views[0]).toMatchObject({ lastSeq: 0, replayEnd: 3 });
    model.receive(prompt(1));
    expect(model.views[0]).toMatchObject({ lastSeq: 1, replayEnd: 3 });
    model.receive({ type: "replay.gap", sessionId: DEFAULT, fromSeq: 2, toSeq: 3, reason: "evicted" });
    expect(model.views[0]?.replayEnd).toBeUndefined();
    model.attach(OTHER, 0);
    model.receive({ type: "session.attached", sessionId: OTHER, lastSeq: 9, state: state() });
    expect(model.views[1]).toMatchObject({ sessionId: OTHER, lastSeq: 0, replayEnd: 9 });
    model.connectionLost(new Error("gone"));
    expect(model.views[1]?.replayEnd).toBeUndefined();
  });

  test("session.configured changes the state's mode and model; pickers come with the view", () => {
    const { model, login, named } = directory();
    const pickers = { models: [], commands: [], permissionModes: ["default" as const, "plan" as const] };
    login(authOk({ state: { ...state(), permissionMode: "default" }, capabilities: pickers }));
    model.receive({ type: "session.configured", sessionId: DEFAULT, permissionMode: "plan", model: "haiku", id: "x" });
    expect(model.views[0]?.state).toMatchObject({ permissionMode: "plan", model: "haiku" });
    expect(model.views[0]?.capabilities).toEqual(pickers);
    expect(named("session.configured")).toHaveLength(1);
  });

  test("a session detached and attached again goes on from where it stood; after it left the list, from everything held", () => {
    const { model, login } = directory();
    login();
    model.attach(OTHER, 3);
    model.receive(prompt(4, OTHER));
    model.detach(OTHER);
    expect(model.attach(OTHER)).toBe(4);
    model.detach(OTHER);
    model.receive({ type: "sessions", sessions: [info(DEFAULT)] });
    expect(model.attach(OTHER)).toBe(0);
  });
});

describe("requests matched by id", () => {
  test("the reply of the awaited type carrying the id resolves; listeners see it first", async () => {
    const { model, named, login } = directory();
    login();
    const out: ClientMessage[] = [];
    const created = model.request<{ sessionId: string }>({ type: "session.create", cwd: "/srv/api" }, "session.created", (message) => out.push(message));
    expect(out).toEqual([{ type: "session.create", cwd: "/srv/api", id: "c-1" }]);
    model.receive({ type: "session.created", id: "c-9", sessionId: OTHER });
    model.receive({ type: "session.created", id: "c-1", sessionId: OTHER });
    expect((await created).sessionId).toBe(OTHER);
    expect(named("session.created")).toHaveLength(2);
  });

  test("an error carrying the id rejects with the relay's code and words", async () => {
    const { model, login } = directory();
    login();
    const configured = model.request({ type: "session.configure", sessionId: DEFAULT, model: "gpt-4" }, "session.configured", () => {});
    model.receive({ type: "error", code: "invalid_message", message: 'session.configure: unknown model "gpt-4"', id: "c-1" });
    const error = await configured.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RelayRequestError);
    expect(error).toMatchObject({ code: "invalid_message", message: expect.stringContaining("gpt-4") });
  });

  test("a lost connection fails every request waiting; a send that throws leaves none waiting", async () => {
    const { model, login } = directory();
    login();
    const listed = model.request({ type: "history.list" }, "history", () => {});
    model.connectionLost(new RelayClientError("closed", "the connection ended"));
    expect(await listed.catch((error: RelayClientError) => error.code)).toBe("closed");
    expect(() =>
      model.request({ type: "history.list" }, "history", () => {
        throw new RelayClientError("queue_full", "full");
      }),
    ).toThrow("full");
    // Nothing was left waiting: a reply with the next id settles nothing (no unhandled rejection either).
    model.connectionLost(new Error("again"));
  });

  test("the focused session refused at the first login (stopped meanwhile): the client stops with unknown_session", async () => {
    const { model, stopped, login } = directory({ session: OTHER });
    login();
    model.receive({ type: "error", code: "unknown_session", message: "no such session", id: "c-1" });
    await Promise.resolve();
    expect(stopped.map((error) => error.code)).toEqual(["unknown_session"]);
    expect(model.sessions.map((session) => session.sessionId)).toEqual([DEFAULT]);
  });
});
