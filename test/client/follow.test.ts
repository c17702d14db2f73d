/**
 * RelayClient's focus on one session of a real relay (real Claude CLI behind the fake API): the
 * `session` option (an id's start is enough; an unknown one rejects connect), `follow` with and
 * without the past, `createSession` and its refusals, `runTurn` with a `sessionId`, prompts and
 * answers going to the focused session, and the focus surviving a dropped connection; and (v2)
 * its pickers, `configure`, prompt images and "allow for this session".
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { RelayClientError, RelayRequestError, type SessionEventMessage } from "../../src/client/client.ts";
import { allowAll } from "../../src/client/permission-policy.ts";
import { runTurn } from "../../src/client/turn.ts";
import { text, toolUse } from "../support/fake-anthropic.ts";
import { IMAGES } from "../support/images.ts";
import { startMitmRelay } from "../support/mitm-relay.ts";
import type { TestRelay } from "../support/relay.ts";
import { relayWithClients, stopSession } from "../support/relay-clients.ts";
import { waitFor } from "../support/wait.ts";

const world = relayWithClients();
const client = world.client;
let relay: TestRelay;
beforeAll(() => {
  relay = world.relay();
});

let counter = 0;
function projectDir(): string {
  const cwd = join(relay.dir, "home", `focus-${++counter}`);
  mkdirSync(cwd, { recursive: true });
  return cwd;
}

const isResult = (event: SessionEventMessage) => event.type === "claude.event" && (event.event as { type?: string }).type === "result";

describe("createSession", () => {
  test("resolves with the new session's id; refusals are RelayRequestErrors with the relay's code and words", async () => {
    const c = client();
    await c.connect(relay.url);
    const id = await c.createSession(projectDir());
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => c.sessions.some((session) => session.sessionId === id), 10_000, "the new session in the list");

    const outside = await c.createSession("/").catch((error: unknown) => error);
    expect(outside).toBeInstanceOf(RelayRequestError);
    expect(outside).toMatchObject({ code: "invalid_session_dir" });
    expect((outside as Error).message).toContain("outside every allowed directory");
    const relative = await c.createSession("code/api").catch((error: unknown) => error);
    expect(relative).toMatchObject({ code: "invalid_session_dir", message: 'cwd must be an absolute path, got "code/api"' });
  });
});

describe("the session option", () => {
  test("the start of an id: the client follows that session — events, state, prompts and answers are its", async () => {
    const creator = client();
    await creator.connect(relay.url);
    const cwd = projectDir();
    const id = await creator.createSession(cwd);
    await waitFor(() => creator.sessions.some((session) => session.sessionId === id), 10_000, "the new session in the list");

    const focused = client({ session: id.slice(0, 8) });
    const seen: SessionEventMessage[] = [];
    focused.on("event", (event) => seen.push(event));
    await focused.connect(relay.url);
    expect(focused.sessionId).toBe(id);
    expect(focused.defaultSessionId).not.toBe(id);
    expect(focused.sessionState?.state).toBeDefined();

    const file = join(cwd, "focused.txt");
    relay.api.enqueue(toolUse("Write", { file_path: file, content: "in the focused session" }), text("written there"));
    const turn = await runTurn(focused, "write in this session", { permissionPolicy: allowAll });
    expect(turn).toMatchObject({ ok: true, text: "written there\n" });
    expect(await Bun.file(file).text()).toBe("in the focused session");
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((event) => event.sessionId === id)).toBe(true);
    expect(seen.find((event) => event.type === "user.prompt")).toMatchObject({ text: "write in this session", by: focused.clientId });
  });

  test("a session the relay does not run: connect rejects with unknown_session, and the list is still there to show", async () => {
    const lost = client({ session: "zzzz" });
    const error = await lost.connect(relay.url).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(RelayClientError);
    expect(error).toMatchObject({ code: "unknown_session" });
    expect((error as Error).message).toMatch(/^the relay has no session "zzzz" \(it runs \d+ sessions\)$/);
    expect(lost.sessions.length).toBeGreaterThan(0);
    expect(lost.state).toBe("closed");
  });

  test("a session stopped between the list auth.ok carries and the attach: connect rejects with unknown_session naming it, in the relay's words", async () => {
    const creator = client();
    await creator.connect(relay.url);
    const id = await creator.createSession(projectDir());
    await waitFor(() => creator.sessions.some((session) => session.sessionId === id), 10_000, "the new session in the list");
    // The forwarder holds auth.ok back until the session is stopped: the client finds it listed, the relay no longer has it.
    const mitm = await startMitmRelay({ url: relay.url, hold: (frame) => (frame.type === "auth.ok" ? stopSession(creator, id) : undefined) });
    const late = client({ session: id.slice(0, 8) });
    const error = await late.connect(mitm.url).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(RelayClientError);
    expect(error).toMatchObject({ code: "unknown_session" });
    expect((error as Error).message).toBe(
      `the relay refused to join session ${id} (stopped since it was listed?): unknown_session: no session "${id}"; the sessions message lists the open ones`,
    );
    expect((error as Error).cause).toBeInstanceOf(RelayRequestError);
    expect(late.state).toBe("closed");
    // What is left to show: the relay's sessions without the one it refused.
    expect(late.sessions.some((session) => session.sessionId === id)).toBe(false);
    expect(late.sessions.some((session) => session.sessionId === late.defaultSessionId)).toBe(true);
    await mitm.stop();
  });
});

describe("follow", () => {
  test("with the past (replay held): the session's earlier events come first, up to the join's lastSeq, then live ones; the default session's stop", async () => {
    const other = client();
    await other.connect(relay.url);
    const id = await other.createSession(projectDir());
    await other.follow(id);
    relay.api.enqueue(text("an earlier answer"));
    expect((await runTurn(other, "earlier question")).ok).toBe(true);

    const follower = client();
    const joins: Array<{ lastSeq: number; resumed: boolean; first: boolean }> = [];
    follower.on("joined", (join, info) => joins.push({ lastSeq: join.lastSeq, ...info }));
    const seen: SessionEventMessage[] = [];
    follower.on("event", (event) => seen.push(event));
    await follower.connect(relay.url);
    expect(joins).toEqual([expect.objectContaining({ first: true })]);
    const attached = await follower.follow(id.slice(0, 6), { replay: "held" });
    expect(follower.sessionId).toBe(id);
    expect(joins[1]).toEqual({ lastSeq: attached.lastSeq, resumed: true, first: true });
    await waitFor(() => seen.some((event) => event.sessionId === id && event.seq === attached.lastSeq), 10_000, "the replay");
    expect(seen.filter((event) => event.sessionId === id).map((event) => event.seq)).toEqual(Array.from({ length: attached.lastSeq }, (_, i) => i + 1));

    // The default session's turns no longer reach it.
    const before = seen.length;
    relay.api.enqueue(text("on the default session"));
    const defaultTurn = client();
    await defaultTurn.connect(relay.url);
    expect((await runTurn(defaultTurn, "default question")).ok).toBe(true);
    relay.api.enqueue(text("a later answer"));
    await runTurn(follower, "later question");
    expect(seen.slice(before).every((event) => event.sessionId === id)).toBe(true);
    expect(seen.slice(before).some(isResult)).toBe(true);
  });

  test("live (the default): nothing from before; a name that matches no session is refused before anything is sent", async () => {
    const other = client();
    await other.connect(relay.url);
    const id = await other.createSession(projectDir());
    await other.follow(id);
    relay.api.enqueue(text("before the follower came"));
    await runTurn(other, "old question");

    const follower = client();
    await follower.connect(relay.url);
    const seen: SessionEventMessage[] = [];
    follower.on("event", (event) => seen.push(event));
    const attached = await follower.follow(id);
    expect(follower.lastSeq).toBe(attached.lastSeq);
    relay.api.enqueue(text("after the follower came"));
    await runTurn(other, "new question");
    await waitFor(() => seen.some(isResult), 30_000, "the live turn");
    expect(seen[0]!.seq).toBe(attached.lastSeq + 1);

    await expect(follower.follow("nothing-like-it")).rejects.toThrow(/^the relay has no session "nothing-like-it"/);
    expect(follower.sessionId).toBe(id);
  });

  test("runTurn with a sessionId follows that session first; the focus survives a dropped connection", async () => {
    const c = client();
    await c.connect(relay.url);
    const id = await c.createSession(projectDir());
    relay.api.enqueue(text("answered in the new session"));
    const turn = await runTurn(c, "hello there", { sessionId: id });
    expect(turn).toMatchObject({ ok: true, text: "answered in the new session\n" });
    expect(c.sessionId).toBe(id);

    const joins: Array<{ first: boolean; resumed: boolean }> = [];
    c.on("joined", (_, info) => joins.push(info));
    for (const connection of relay.relay.gateway.connections) if (connection.clientId === c.clientId) connection.terminate();
    await waitFor(() => joins.length === 1, 30_000, "the join after reconnecting");
    expect(joins[0]).toEqual({ first: false, resumed: true });
    expect(c.sessionId).toBe(id);
    relay.api.enqueue(text("still the new session"));
    const again = await runTurn(c, "after the drop");
    expect(again.ok).toBe(true);
    const info = c.sessions.find((session) => session.sessionId === id);
    expect(info?.title).toBe("hello there");
  });

  test("a focused session stopped between a reconnect's auth.ok and its re-attach: the client falls back to the default session", async () => {
    const creator = client();
    await creator.connect(relay.url);
    const id = await creator.createSession(projectDir());
    await waitFor(() => creator.sessions.some((session) => session.sessionId === id), 10_000, "the new session in the list");
    let stopAtLogin = false;
    const mitm = await startMitmRelay({ url: relay.url, hold: (frame) => (frame.type === "auth.ok" && stopAtLogin ? stopSession(creator, id) : undefined) });
    const c = client({ session: id });
    await c.connect(mitm.url);
    expect(c.sessionId).toBe(id);

    const joins: Array<{ sessionId: string; first: boolean }> = [];
    c.on("joined", (join, info) => joins.push({ sessionId: join.sessionId, first: info.first }));
    const warnings: string[] = [];
    c.on("warning", (warning) => warnings.push(warning));
    stopAtLogin = true;
    for (const connection of relay.relay.gateway.connections) if (connection.clientId === c.clientId) connection.terminate();
    await waitFor(() => joins.length === 1, 30_000, "the join after reconnecting");
    expect(joins).toEqual([{ sessionId: c.defaultSessionId!, first: true }]);
    expect(c.sessionId).toBe(c.defaultSessionId);
    expect(c.attachedSessions).toEqual([]);
    expect(warnings).toContain(
      `session ${id} is no longer open on the relay (unknown_session: no session "${id}"; the sessions message lists the open ones); following the default session`,
    );
    relay.api.enqueue(text("on the default session again"));
    const turn = await runTurn(c, "where am I?");
    expect(turn).toMatchObject({ ok: true, text: "on the default session again\n" });
    await c.close();
    await mitm.stop();
  });
});

describe("pickers, configure, images, allow for this session", () => {
  test("capabilities of the focused session; configure switches its mode (and refusals are the relay's words)", async () => {
    const c = client();
    await c.connect(relay.url);
    const id = await c.createSession(projectDir());
    await c.follow(id);
    await waitFor(() => c.capabilities !== undefined, 60_000, "the new session's pickers");
    expect(c.capabilities!.permissionModes).toEqual(["default", "acceptEdits", "plan"]);
    expect(c.capabilities!.models.length).toBeGreaterThan(0);
    const configured = await c.configure({ permissionMode: "plan" });
    expect(configured).toMatchObject({ type: "session.configured", sessionId: id, permissionMode: "plan" });
    await waitFor(() => c.sessionState?.permissionMode === "plan", 10_000, "the state in plan mode");
    const refused = await c.configure({ model: "gpt-4" }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RelayRequestError);
    expect((refused as Error).message).toContain('unknown model "gpt-4"');
  });

  test("runTurn with images: they reach the API; allow with the suggestions spares the same question", async () => {
    const c = client();
    await c.connect(relay.url);
    const cwd = projectDir();
    await c.follow(await c.createSession(cwd));
    relay.api.enqueue(text("one pixel"));
    const asked = relay.api.messageRequests().length;
    const seen = await runTurn(c, "look", { images: [{ mediaType: "image/png", data: IMAGES["image/png"] }] });
    expect(seen.ok).toBe(true);
    const lastUser = relay.api
      .messageRequests()
      [asked]!.messages.filter((message) => message.role === "user")
      .at(-1);
    expect(JSON.stringify(lastUser)).toContain(`"media_type":"image/png","data":"${IMAGES["image/png"]}"`);

    relay.api.enqueue(toolUse("Write", { file_path: join(cwd, "a.txt"), content: "a" }), text("a written"));
    // Allowed with Claude's suggestions: here, accept edits for the rest of the session.
    const first = await runTurn(c, "write a", { permissionPolicy: (request) => ({ behavior: "allow", updatedPermissions: request.suggestions }) });
    expect(first.ok).toBe(true);
    expect(first.permissions).toHaveLength(1);
    relay.api.enqueue(toolUse("Write", { file_path: join(cwd, "b.txt"), content: "b" }), text("b written"));
    const second = await runTurn(c, "write b");
    expect(second.permissions).toEqual([]);
    expect(await Bun.file(join(cwd, "b.txt")).text()).toBe("b");
  });
});
