/**
 * The session manager with fake supervisors, recording clients and a fake clock (real Session
 * objects, real temp directories for the --allow-dir checks): routing by sessionId, attach with
 * replay, detach, stop, the refusals (unknown session, too many, bad directory), isolation between
 * sessions, the coalesced `sessions` updates, persistence and restoring sessions idle.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, realpathSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLogger } from "../../src/log/logger.ts";
import type { Notification } from "../../src/notify/notifier.ts";
import { conversationHistory } from "../../src/session/history.ts";
import { Session } from "../../src/session/session.ts";
import type { SessionRecord } from "../../src/session/session-list.ts";
import { type OpenSession, SessionManager } from "../../src/session/session-manager.ts";
import { FakeClock } from "../support/fake-clock.ts";
import { FakeClaude, FakeClient, FakeStore, settle } from "../support/fake-ports.ts";
import { messagesNaming } from "../support/session-messages.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

const root = realpathSync(makeTempDir("relay-manager-"));
const home = join(root, "home");
const work = join(root, "work"); // the default session's --cwd: outside --allow-dir, as an operator may choose
/** Claude's config directory, where the tests put the transcripts history.list reads. */
const claudeEnv = { CLAUDE_CONFIG_DIR: join(root, "claude") };
const other = join(root, "other"); // outside --allow-dir and not the default session's: refused
for (const dir of [join(home, "a"), join(home, "b"), work, other]) mkdirSync(dir, { recursive: true });
writeFileSync(join(home, "file.txt"), "x");
afterAll(() => removeTempDir(root));

const DEFAULT_ID = "5e55104e-0000-4000-8000-000000000000";
const id = (n: number) => `5e55104e-0000-4000-8000-${String(n).padStart(12, "0")}`;

interface Opened {
  claude: FakeClaude;
  session: Session;
  store: FakeStore;
}

interface SetupOptions {
  maxSessions?: number;
  restored?: SessionRecord[];
  saved?: Record<string, string[]>;
  cannotOpen?: Set<string>;
  idleTimeoutMs?: number;
  notify?: (notification: Notification) => void;
  permissionModes?: string[];
}

function setup(options: SetupOptions = {}) {
  const clock = new FakeClock();
  const logs: Array<Record<string, any>> = [];
  const log = createLogger({ level: "debug", format: "json", write: (line) => logs.push(JSON.parse(line)) });
  const opened = new Map<string, Opened>();
  const open: OpenSession<FakeClaude> = ({ sessionId, cwd, observer }) => {
    if (options.cannotOpen?.has(sessionId)) throw new Error("EACCES: permission denied, open 'events.jsonl'");
    const claude = new FakeClaude();
    claude.state = "stopped"; // as a supervisor before start()
    claude.pid = undefined;
    const store = new FakeStore();
    const session = new Session({
      sessionId,
      claude,
      observer,
      log: log.child({ sessionId, cwd }),
      replay: { maxEvents: 5, maxBytes: 1 << 20 },
      presenceIntervalMs: 3_600_000, // presence broadcasts are not what these tests look at
      store: { store, saved: options.saved?.[sessionId] ?? [] },
      ...(options.permissionModes && { permissionModes: options.permissionModes }),
    });
    opened.set(sessionId, { claude, session, store });
    return { session, claude };
  };
  let next = 1;
  const persisted: SessionRecord[][] = [];
  const manager = new SessionManager({
    open,
    defaultSession: { sessionId: DEFAULT_ID, cwd: work },
    restored: options.restored ?? [],
    maxSessions: options.maxSessions ?? 8,
    allowDirs: [home],
    log,
    persist: (records) => persisted.push(records),
    clock,
    newId: () => id(next++),
    history: conversationHistory(claudeEnv),
    ...(options.idleTimeoutMs !== undefined && { idleTimeoutMs: options.idleTimeoutMs }),
    ...(options.notify && { notify: options.notify }),
    ...(options.permissionModes && { permissionModes: options.permissionModes }),
  });
  const clients: FakeClient[] = [];
  /** An authenticated client, joined as the gateway does it. */
  const connect = (name: string) => {
    const client = new FakeClient(name);
    clients.push(client);
    manager.join(client, undefined);
    return client;
  };
  /** Claude of `sessionId` answered initialize. */
  const ready = (sessionId: string, pid = 1000 + opened.size) => {
    const { claude } = opened.get(sessionId)!;
    claude.pid = pid;
    claude.setState("ready");
  };
  /** Lets the sessions publish (microtasks) and the manager's update run (the clock). */
  const tick = async (ms = 100) => {
    await settle();
    clock.advance(ms);
    await settle();
  };
  /** Creates a session in `dir` for `client` and returns its id. */
  const create = async (client: FakeClient, dir: string) => {
    manager.handle(client, { type: "session.create", cwd: dir, id: `create-${dir}` });
    const created = client.all("session.created").at(-1);
    if (!created) throw new Error(`not created: ${JSON.stringify(client.frames.at(-1))}`);
    ready(created.sessionId);
    await tick();
    return created.sessionId as string;
  };
  opened.get(DEFAULT_ID)!.claude.setState("starting");
  ready(DEFAULT_ID, 999);
  return { manager, opened, clock, logs, persisted, connect, ready, tick, create, clients };
}

const eventsOf = (client: FakeClient, sessionId: string) => client.events().filter((frame) => frame.sessionId === sessionId);
const errors = (client: FakeClient) => client.all("error");

// abridged from Claude Code 2.1.197's initialize answer
const INITIALIZE = {
  models: [
    { value: "default", resolvedModel: "claude-opus-4-8[1m]", displayName: "Default (recommended)" },
    { value: "haiku", resolvedModel: "claude-haiku-4-5-20251001", displayName: "Haiku" },
  ],
  commands: [
    { name: "compact", description: "Free up context by summarizing the conversation so far", argumentHint: "<optional custom summarization instructions>" },
  ],
};

describe("the default session, as in v1", () => {
  test("a client that never names a session is attached to the default one: auth.ok lists the sessions, its prompts go there", async () => {
    const { manager, opened, connect, tick } = setup();
    await tick();
    const phone = connect("phone");
    const ok = phone.frames[0]!;
    expect(ok).toMatchObject({ type: "auth.ok", sessionId: DEFAULT_ID, state: { state: "ready", clients: 1, permissionMode: "default" } });
    expect(ok.sessions).toEqual([
      { sessionId: DEFAULT_ID, cwd: work, state: "ready", clients: 1, devices: ["test"], permissionMode: "default", lastActivity: expect.any(String) },
    ]);
    manager.handle(phone, { type: "prompt", text: "hello there" });
    await settle();
    expect(opened.get(DEFAULT_ID)!.claude.prompts).toEqual(["hello there"]);
    expect(eventsOf(phone, DEFAULT_ID).map((frame) => frame.type)).toEqual(["user.prompt", "session.state"]);
    expect(errors(phone)).toEqual([]);
  });

  test("the default session cannot be stopped; it says why and what to do", async () => {
    const { manager, opened, connect } = setup();
    const phone = connect("phone");
    manager.handle(phone, { type: "session.stop", sessionId: DEFAULT_ID, id: "s1" });
    expect(errors(phone)).toEqual([{ type: "error", code: "invalid_message", message: expect.stringContaining("default session"), id: "s1" }]);
    expect(errors(phone)[0]!.message).toContain("--new-session");
    expect(opened.get(DEFAULT_ID)!.claude.stops).toBe(0);
    expect(manager.list()).toHaveLength(1);
  });
});

describe("session.create", () => {
  test("session.created to the sender, then sessions to all; Claude starts; the session runs in the real path", async () => {
    const { manager, opened, connect, tick } = setup();
    const [phone, laptop] = [connect("phone"), connect("laptop")];
    await tick();
    manager.handle(phone, { type: "session.create", cwd: `${home}/b/../a`, id: "c1" });
    expect(phone.frames.at(-1)).toEqual({ type: "session.created", sessionId: id(1), id: "c1" });
    expect(laptop.all("session.created")).toEqual([]);
    expect(opened.get(id(1))!.claude.starts).toBe(1);
    await tick();
    for (const client of [phone, laptop]) {
      expect(
        client
          .all("sessions")
          .at(-1)!
          .sessions.map((info: any) => [info.sessionId, info.cwd, info.state]),
      ).toEqual([
        [DEFAULT_ID, work, "ready"],
        [id(1), join(home, "a"), "starting"],
      ]);
    }
    // the sender's reply came before the list
    const types = phone.frames.map((frame) => frame.type);
    expect(types.indexOf("session.created")).toBeLessThan(types.lastIndexOf("sessions"));
  });

  test("two sessions may share a directory", async () => {
    const { manager, connect, create } = setup();
    const phone = connect("phone");
    await create(phone, join(home, "a"));
    await create(phone, join(home, "a"));
    expect(manager.list().map((info) => info.cwd)).toEqual([work, join(home, "a"), join(home, "a")]);
  });

  test("bad directories are refused with invalid_session_dir and nothing is created", async () => {
    const { manager, opened, persisted, connect, tick } = setup();
    const phone = connect("phone");
    await tick();
    const before = persisted.length;
    const cases: Array<[string, string]> = [
      ["a/relative", "absolute path"],
      [join(home, "missing"), "no such directory"],
      [join(home, "file.txt"), "is a file"],
      [root, "outside every allowed directory"],
      [`${home}/../other`, "outside every allowed directory"],
    ];
    for (const [cwd, words] of cases) {
      manager.handle(phone, { type: "session.create", cwd, id: cwd });
      expect(phone.frames.at(-1)).toEqual({ type: "error", code: "invalid_session_dir", message: expect.stringContaining(words), id: cwd });
    }
    await tick();
    expect(opened.size).toBe(1);
    expect(manager.list()).toHaveLength(1);
    expect(persisted.length).toBe(before);
    expect(phone.all("sessions")).toEqual([]);
  });

  test("--max-sessions (the default session included): one more is too_many_sessions, nothing created; a stopped one makes room", async () => {
    const { manager, opened, connect, create, tick } = setup({ maxSessions: 2 });
    const phone = connect("phone");
    const first = await create(phone, join(home, "a"));
    manager.handle(phone, { type: "session.create", cwd: join(home, "b"), id: "one-too-many" });
    expect(phone.frames.at(-1)).toEqual({ type: "error", code: "too_many_sessions", message: expect.stringContaining("--max-sessions 2"), id: "one-too-many" });
    expect(opened.size).toBe(2);
    manager.handle(phone, { type: "session.stop", sessionId: first });
    // until its Claude has exited it still counts
    manager.handle(phone, { type: "session.create", cwd: join(home, "b") });
    expect(phone.frames.at(-1)).toMatchObject({ type: "error", code: "too_many_sessions" });
    await tick();
    expect(phone.all("session.stopped")).toHaveLength(1);
    await create(phone, join(home, "b"));
    expect(manager.list()).toHaveLength(2);
  });

  test("a session that cannot be opened (e.g. its event log) is refused; the relay and the list go on", async () => {
    const { manager, opened, logs, connect, tick } = setup({ cannotOpen: new Set([id(1)]) });
    const phone = connect("phone");
    manager.handle(phone, { type: "session.create", cwd: join(home, "a"), id: "c" });
    expect(phone.frames.at(-1)).toEqual({ type: "error", code: "claude_unavailable", message: expect.stringContaining("EACCES"), id: "c" });
    await tick();
    expect(manager.list()).toHaveLength(1);
    expect(opened.size).toBe(1);
    expect(logs.some((line) => line.level === "error" && line.msg === "cannot open a new session")).toBe(true);
  });
});

describe("attach, detach and routing", () => {
  test("a client gets only the events of sessions it is attached to; a v1 client sees only the default session's", async () => {
    const { manager, opened, connect, create } = setup();
    const [v1, phone] = [connect("v1"), connect("phone")];
    const other = await create(phone, join(home, "a"));
    manager.handle(phone, { type: "session.attach", sessionId: other });
    manager.handle(phone, { type: "prompt", text: "in a", sessionId: other });
    manager.handle(v1, { type: "prompt", text: "in default" });
    opened.get(other)!.claude.emitLine({ type: "assistant", where: "a" });
    await settle();
    expect(opened.get(other)!.claude.prompts).toEqual(["in a"]);
    expect(opened.get(DEFAULT_ID)!.claude.prompts).toEqual(["in default"]);
    expect(v1.events().every((frame) => frame.sessionId === DEFAULT_ID)).toBe(true);
    expect(v1.events().some((frame) => frame.type === "user.prompt" && frame.text === "in default")).toBe(true);
    expect(
      eventsOf(phone, other)
        .filter((frame) => frame.type === "user.prompt")
        .map((frame) => frame.text),
    ).toEqual(["in a"]);
    expect(
      eventsOf(phone, DEFAULT_ID)
        .filter((frame) => frame.type === "user.prompt")
        .map((frame) => frame.text),
    ).toEqual(["in default"]);
    // each session numbers its own events from 1, without gaps
    for (const sessionId of [DEFAULT_ID, other]) {
      const seqs = eventsOf(phone, sessionId).map((frame) => frame.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0] + i));
    }
  });

  test("attach: session.attached (newest seq, state with pending permissions) then the events after lastSeq, then live", async () => {
    const { manager, opened, connect, create } = setup();
    const phone = connect("phone");
    const other = await create(phone, join(home, "a"));
    const { claude, session } = opened.get(other)!;
    claude.emitLine({ type: "assistant", n: 1 });
    const request = claude.askPermission("r1");
    await settle();
    const newest = session.events.lastSeq;
    manager.handle(phone, { type: "session.attach", sessionId: other, lastSeq: newest - 2, id: "a1" });
    const at = phone.frames.findIndex((frame) => frame.type === "session.attached");
    expect(phone.frames[at]).toEqual({
      type: "session.attached",
      sessionId: other,
      lastSeq: newest,
      state: {
        state: "waiting_permission",
        claudePid: claude.pid,
        clients: 1,
        devices: ["test"],
        pendingPermissions: [{ type: "permission.request", sessionId: other, seq: newest - 1, ...request }],
        permissionMode: "default",
      },
      id: "a1",
    });
    expect(phone.frames.slice(at + 1).map((frame) => frame.seq)).toEqual([newest - 1, newest]);
    claude.emitLine({ type: "assistant", n: 2 });
    await settle();
    expect(phone.frames.at(-1)).toMatchObject({ type: "claude.event", sessionId: other, seq: newest + 1 });
    // the permission is answered through the session it belongs to
    manager.handle(phone, { type: "permission.response", sessionId: other, requestId: "r1", behavior: "allow" });
    expect(claude.answers).toHaveLength(1);
  });

  test("attach without lastSeq replays the whole buffer; events no longer held come as replay.gap first", async () => {
    const { manager, opened, connect, create } = setup();
    const phone = connect("phone");
    const other = await create(phone, join(home, "a"));
    for (let n = 0; n < 8; n++) opened.get(other)!.claude.emitLine({ type: "assistant", n });
    await settle();
    const { events } = opened.get(other)!.session;
    manager.handle(phone, { type: "session.attach", sessionId: other });
    const at = phone.frames.findIndex((frame) => frame.type === "session.attached");
    expect(phone.frames[at + 1]).toEqual({ type: "replay.gap", sessionId: other, fromSeq: 1, toSeq: events.oldestSeq - 1, reason: "evicted" });
    expect(phone.frames.slice(at + 2).map((frame) => frame.seq)).toEqual([
      events.oldestSeq,
      events.oldestSeq + 1,
      events.oldestSeq + 2,
      events.oldestSeq + 3,
      events.lastSeq,
    ]);
  });

  test("detach: session.detached, then no more events of that session; the default session can be detached too", async () => {
    const { manager, opened, connect, create } = setup();
    const phone = connect("phone");
    const other = await create(phone, join(home, "a"));
    manager.handle(phone, { type: "session.attach", sessionId: other });
    manager.handle(phone, { type: "session.detach", sessionId: other, id: "d1" });
    manager.handle(phone, { type: "session.detach", sessionId: DEFAULT_ID });
    expect(phone.all("session.detached")).toEqual([
      { type: "session.detached", sessionId: other, id: "d1" },
      { type: "session.detached", sessionId: DEFAULT_ID },
    ]);
    const before = phone.events().length;
    opened.get(other)!.claude.emitLine({ type: "assistant" });
    opened.get(DEFAULT_ID)!.claude.emitLine({ type: "assistant" });
    await settle();
    expect(phone.events()).toHaveLength(before);
    expect(opened.get(other)!.session.clients.size).toBe(0);
    // prompting a session one is not attached to still works: any client may drive any session
    manager.handle(phone, { type: "prompt", text: "blind", sessionId: other });
    expect(opened.get(other)!.claude.prompts).toEqual(["blind"]);
  });

  test("a client that disconnects leaves every session it was attached to", async () => {
    const { manager, opened, connect, create } = setup();
    const phone = connect("phone");
    const other = await create(phone, join(home, "a"));
    manager.handle(phone, { type: "session.attach", sessionId: other });
    expect(manager.clientCount).toBe(1);
    manager.leave(phone);
    expect(opened.get(other)!.session.clients.size).toBe(0);
    expect(opened.get(DEFAULT_ID)!.session.clients.size).toBe(0);
    expect(manager.clientCount).toBe(0);
  });

  test("an unknown sessionId anywhere is unknown_session, echoing id; nothing reaches any Claude", async () => {
    const { manager, opened, connect } = setup();
    const phone = connect("phone");
    const nope = "00000000-0000-4000-8000-000000000000";
    const messages = messagesNaming(nope);
    for (const message of messages) manager.handle(phone, message);
    expect(errors(phone).map((error) => [error.code, error.id])).toEqual(messages.map((message) => ["unknown_session", message.id]));
    expect(errors(phone)[0]!.message).toContain(nope);
    expect(opened.get(DEFAULT_ID)!.claude.prompts).toEqual([]);
    expect(opened.get(DEFAULT_ID)!.claude.interrupts).toBe(0);
  });
});

describe("permission mode, model and pickers", () => {
  test("session.configure: the session's Claude is told; the sender gets session.configured, everyone the list with the new mode and model", async () => {
    const { manager, opened, connect, create, tick } = setup();
    const [phone, v1] = [connect("phone"), connect("v1")];
    const other = await create(phone, join(home, "a"));
    opened.get(other)!.claude.initialized(INITIALIZE);
    manager.handle(phone, { type: "session.configure", sessionId: other, permissionMode: "acceptEdits", model: "haiku", id: "k1" });
    await tick();
    expect(opened.get(other)!.claude.controls.map((control) => control.subtype)).toEqual(["set_permission_mode", "set_model"]);
    expect(opened.get(DEFAULT_ID)!.claude.controls).toEqual([]);
    expect(phone.all("session.configured")).toEqual([
      { type: "session.configured", sessionId: other, permissionMode: "acceptEdits", model: "haiku", id: "k1" },
    ]);
    for (const client of [phone, v1])
      expect(client.all("sessions").at(-1)!.sessions[1]).toMatchObject({ sessionId: other, permissionMode: "acceptEdits", model: "haiku" });
  });

  test("refused with invalid_message, echoing id, nothing sent to any Claude and nothing changed: bypassPermissions (off), an unknown model, an alias before any Claude listed models, nothing to change; an unknown session is unknown_session", async () => {
    const { manager, opened, connect, create, tick } = setup();
    const phone = connect("phone");
    const other = await create(phone, join(home, "a"));
    const configure = (fields: Record<string, string>, sessionId = other) => {
      manager.handle(phone, { type: "session.configure", sessionId, id: "k", ...fields });
      return phone.frames.at(-1)!;
    };
    expect(configure({ model: "haiku" }).message).toBe(
      'session.configure: Claude has not listed its models yet (it is starting): try "haiku" again in a moment, or name a full model id (claude-…); nothing changed',
    );
    opened.get(DEFAULT_ID)!.claude.initialized(INITIALIZE); // any session's Claude lists the models for all
    expect(configure({ permissionMode: "bypassPermissions" })).toEqual({
      type: "error",
      code: "invalid_message",
      message: expect.stringContaining("--allow-bypass-permissions"),
      id: "k",
    });
    expect(configure({ model: "nonsense-model" })).toEqual({
      type: "error",
      code: "invalid_message",
      message: 'session.configure: unknown model "nonsense-model": choose one of default, haiku, or a full model id (claude-…); nothing changed',
      id: "k",
    });
    expect(configure({})).toEqual({ type: "error", code: "invalid_message", message: "session.configure: give permissionMode, model or both", id: "k" });
    expect(configure({ model: "haiku" }, "no-such-session").code).toBe("unknown_session");
    await tick();
    expect([...opened.values()].flatMap(({ claude }) => claude.controls)).toEqual([]);
    expect(manager.list()[1]).toMatchObject({ permissionMode: "default" });
    expect(manager.list()[1]).not.toHaveProperty("model");
  });

  test("with --allow-bypass-permissions, bypassPermissions may be chosen (and shows among the pickers' modes)", async () => {
    const modes = ["default", "acceptEdits", "plan", "bypassPermissions"];
    const { manager, opened, connect, create, tick } = setup({ permissionModes: modes });
    const phone = connect("phone");
    const other = await create(phone, join(home, "a"));
    opened.get(other)!.claude.initialized(INITIALIZE);
    manager.handle(phone, { type: "session.configure", sessionId: other, permissionMode: "bypassPermissions", id: "k" });
    await tick();
    expect(phone.all("session.configured").at(-1)).toMatchObject({ permissionMode: "bypassPermissions" });
    expect(opened.get(other)!.session.capabilities?.permissionModes).toEqual(modes);
  });

  test("session.create with a mode and model: checked before anything is created; listed with them at once; Claude told right after initialize", async () => {
    const { manager, opened, connect, ready, tick } = setup();
    const phone = connect("phone");
    manager.handle(phone, { type: "session.create", cwd: join(home, "a"), permissionMode: "bypassPermissions", id: "c0" });
    expect(phone.frames.at(-1)).toMatchObject({ type: "error", code: "invalid_message", id: "c0" });
    expect(phone.frames.at(-1)!.message).toEndWith("; nothing was created");
    manager.handle(phone, { type: "session.create", cwd: join(home, "a"), model: "haiku", id: "c1" }); // no Claude has listed models yet
    expect(phone.frames.at(-1)).toMatchObject({ type: "error", code: "invalid_message", id: "c1" });
    expect(opened.size).toBe(1);

    opened.get(DEFAULT_ID)!.claude.initialized(INITIALIZE);
    manager.handle(phone, { type: "session.create", cwd: join(home, "a"), permissionMode: "plan", model: "haiku", id: "c2" });
    const { sessionId } = phone.all("session.created").at(-1)!;
    expect(manager.list()[1]).toMatchObject({ sessionId, permissionMode: "plan", model: "haiku" });
    const { claude } = opened.get(sessionId)!;
    expect([claude.starts, claude.controls]).toEqual([1, []]);
    ready(sessionId);
    claude.initialized(INITIALIZE);
    expect(claude.controls).toEqual([
      { subtype: "set_permission_mode", fields: { mode: "plan" } },
      { subtype: "set_model", fields: { model: "haiku" } },
    ]);
    await tick();
    expect(phone.all("session.configured")).toEqual([]); // session.created is the answer to a create
  });

  test("they survive a relay restart: saved with the list, restored quietly, told to the restored session's Claude when it starts; a mode no longer allowed is dropped", async () => {
    const first = setup({ permissionModes: ["default", "acceptEdits", "plan", "bypassPermissions"] });
    const phone = first.connect("phone");
    const [a, b] = [await first.create(phone, join(home, "a")), await first.create(phone, join(home, "b"))];
    first.opened.get(DEFAULT_ID)!.claude.initialized(INITIALIZE);
    first.manager.handle(phone, { type: "session.configure", sessionId: a, permissionMode: "plan", model: "haiku" });
    first.manager.handle(phone, { type: "session.configure", sessionId: b, permissionMode: "bypassPermissions" });
    await first.tick();
    first.opened.get(a)!.claude.emitLine({ type: "system", subtype: "status", status: null, permissionMode: "acceptEdits" }); // Claude switched itself
    await first.tick();
    const saved = first.persisted.at(-1)!;
    expect(saved.map((record) => record.settings)).toEqual([
      undefined,
      { permissionMode: "acceptEdits", model: "haiku" },
      { permissionMode: "bypassPermissions" },
    ]);

    const { manager, opened, logs, connect, ready, tick } = setup({ restored: saved }); // restarted without --allow-bypass-permissions
    await tick();
    expect(manager.list().map((info) => [info.state, info.permissionMode, info.model])).toEqual([
      ["ready", "default", undefined],
      ["idle", "acceptEdits", "haiku"],
      ["idle", "default", undefined],
    ]);
    expect(opened.get(a)!.session.events.lastSeq).toBe(0); // nothing numbered at boot
    expect(logs.find((line) => line.level === "warn" && line.sessionId === b)?.msg).toStartWith(
      "session's saved permission mode not restored: permission mode bypassPermissions",
    );
    const tablet = connect("tablet");
    manager.handle(tablet, { type: "prompt", text: "go on", sessionId: a });
    ready(a);
    opened.get(a)!.claude.initialized(INITIALIZE);
    expect(opened.get(a)!.claude.controls).toEqual([
      { subtype: "set_permission_mode", fields: { mode: "acceptEdits" } },
      { subtype: "set_model", fields: { model: "haiku" } },
    ]);
  });

  test("pickers: session.attached carries them; session.capabilities reaches the attached clients that use sessions when they change, not v1 clients", async () => {
    const { manager, opened, connect, create } = setup();
    const [phone, v1] = [connect("phone"), connect("v1")];
    const other = await create(phone, join(home, "a"));
    manager.handle(phone, { type: "session.attach", sessionId: other });
    manager.handle(phone, { type: "session.attach", sessionId: DEFAULT_ID });
    opened.get(DEFAULT_ID)!.claude.initialized(INITIALIZE);
    opened.get(other)!.claude.initialized(INITIALIZE);
    opened.get(other)!.claude.initialized(INITIALIZE); // unchanged: not sent again
    const capabilities = {
      models: [
        { value: "default", displayName: "Default (recommended)", resolvedModel: "claude-opus-4-8[1m]" },
        { value: "haiku", displayName: "Haiku", resolvedModel: "claude-haiku-4-5-20251001" },
      ],
      commands: INITIALIZE.commands,
      permissionModes: ["default", "acceptEdits", "plan"],
    };
    expect(phone.all("session.capabilities")).toEqual([
      { type: "session.capabilities", sessionId: DEFAULT_ID, ...capabilities },
      { type: "session.capabilities", sessionId: other, ...capabilities },
    ]);
    expect(v1.all("session.capabilities")).toEqual([]);
    const tablet = connect("tablet");
    manager.handle(tablet, { type: "session.attach", sessionId: other, id: "a" });
    expect(tablet.all("session.attached")[0]).toMatchObject({ sessionId: other, capabilities });
    expect(tablet.frames[0]).toMatchObject({ type: "auth.ok", capabilities }); // the default session's
  });
});

describe("session.stop", () => {
  test("its Claude is stopped, attached clients get the final session.state, the sender session.stopped; it leaves the list; its id is unknown after", async () => {
    const { manager, opened, connect, create, tick } = setup();
    const [phone, watcher] = [connect("phone"), connect("watcher")];
    const other = await create(phone, join(home, "a"));
    manager.handle(watcher, { type: "session.attach", sessionId: other });
    manager.handle(phone, { type: "session.stop", sessionId: other, id: "s1" });
    expect(manager.list().map((info) => info.sessionId)).toEqual([DEFAULT_ID]);
    await tick();
    expect(opened.get(other)!.claude.stops).toBe(1);
    expect(eventsOf(watcher, other).at(-1)).toMatchObject({ type: "session.state", state: "stopping", claudePid: 0 });
    expect(phone.all("session.stopped")).toEqual([{ type: "session.stopped", sessionId: other, id: "s1" }]);
    expect(watcher.all("session.stopped")).toEqual([]);
    expect(opened.get(other)!.store.closed).toBe(true);
    for (const client of [phone, watcher])
      expect(
        client
          .all("sessions")
          .at(-1)!
          .sessions.map((info: any) => info.sessionId),
      ).toEqual([DEFAULT_ID]);
    manager.handle(watcher, { type: "prompt", text: "anyone?", sessionId: other, id: "p" });
    expect(watcher.frames.at(-1)).toMatchObject({ type: "error", code: "unknown_session", id: "p" });
    manager.handle(phone, { type: "session.stop", sessionId: other, id: "again" });
    expect(phone.frames.at(-1)).toMatchObject({ type: "error", code: "unknown_session", id: "again" });
  });
});

describe("isolation", () => {
  test("Claude failing in one session leaves the others serving", async () => {
    const { manager, opened, connect, create } = setup();
    const phone = connect("phone");
    const [a, b] = [await create(phone, join(home, "a")), await create(phone, join(home, "b"))];
    manager.handle(phone, { type: "session.attach", sessionId: a });
    manager.handle(phone, { type: "session.attach", sessionId: b });
    opened.get(a)!.claude.askPermission("ra");
    opened.get(a)!.claude.setState("failed");
    opened.get(a)!.claude.refuse = "Claude is failed"; // as the supervisor answers then
    manager.handle(phone, { type: "prompt", text: "still there?", sessionId: b });
    opened.get(b)!.claude.finishTurn();
    await settle();
    expect(manager.list().map((info) => [info.sessionId, info.state])).toEqual([
      [DEFAULT_ID, "ready"],
      [a, "failed"],
      [b, "ready"],
    ]);
    expect(opened.get(b)!.claude.prompts).toEqual(["still there?"]);
    expect(eventsOf(phone, a).find((frame) => frame.type === "permission.resolved")).toMatchObject({ requestId: "ra", behavior: "cancelled", by: "relay" });
    expect(eventsOf(phone, b).some((frame) => frame.type === "permission.resolved")).toBe(false);
    manager.handle(phone, { type: "prompt", text: "a?", sessionId: a, id: "pa" });
    expect(phone.frames.at(-1)).toMatchObject({ type: "error", code: "claude_unavailable", id: "pa" });
    expect(manager.health().map((health) => health.state)).toEqual(["ready", "failed", "ready"]);
  });
});

describe("the sessions update", () => {
  test("coalesced: however many changes, at most one update per 100 ms, always the current list", async () => {
    const { manager, opened, connect, clock, create, tick } = setup();
    const phone = connect("phone");
    const other = await create(phone, join(home, "a"));
    await tick(1000);
    const sentAt: number[] = [];
    const send = phone.send.bind(phone);
    phone.send = (frame) => {
      if (frame.startsWith('{"type":"sessions"')) sentAt.push(clock.now());
      return send(frame);
    };
    const { claude } = opened.get(other)!;
    for (let ms = 0; ms < 1000; ms += 10) {
      manager.handle(phone, { type: "prompt", text: `turn ${ms}`, sessionId: other });
      claude.finishTurn(); // busy → ready: state changes every 10 ms
      await tick(10);
    }
    expect(sentAt.length).toBeGreaterThan(5);
    expect(sentAt.length).toBeLessThanOrEqual(11); // 10 per second at most (the first one at once)
    for (let i = 1; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 1]!).toBeGreaterThanOrEqual(100);
    await tick(1000);
    expect(phone.all("sessions").at(-1)!.sessions[1]).toMatchObject({ sessionId: other, state: "ready", title: "turn 0" });
  });

  test("nothing changed, nothing sent", async () => {
    const { connect, tick } = setup();
    const phone = connect("phone");
    await tick(1000);
    const count = phone.frames.length;
    await tick(1000);
    expect(phone.frames).toHaveLength(count);
  });

  test("every authenticated client gets every change, a client count alone included, v1 clients too", async () => {
    const { manager, connect, tick } = setup();
    await tick(1000);
    const [v1, v2] = [connect("v1"), connect("v2")];
    manager.handle(v2, { type: "session.attach", sessionId: DEFAULT_ID });
    await tick(1000);
    connect("third"); // only the default session's client count changes
    await tick(1000);
    for (const client of [v1, v2]) expect(client.all("sessions").at(-1)!.sessions[0].clients).toBe(3);
    const before = v1.all("sessions").length;
    manager.handle(v2, { type: "session.create", cwd: join(home, "a") });
    await tick(1000);
    expect(v1.all("sessions")).toHaveLength(before + 1);
    expect(v1.all("sessions").at(-1)!.sessions).toHaveLength(2);
    expect(errors(v1)).toEqual([]);
  });

  test("title: the first prompt's first line; lastActivity moves with prompts and state changes", async () => {
    const { manager, opened, connect, clock, create, tick } = setup();
    const phone = connect("phone");
    const other = await create(phone, join(home, "a"));
    clock.advance(60_000);
    manager.handle(phone, { type: "prompt", text: "\nRefactor the parser\nand add tests", sessionId: other });
    await tick();
    manager.handle(phone, { type: "prompt", text: "second prompt", sessionId: other });
    await tick();
    const info = manager.list()[1]!;
    expect(info.title).toBe("Refactor the parser");
    expect(Date.parse(info.lastActivity)).toBeGreaterThanOrEqual(clock.now() - 200);
    expect(opened.get(DEFAULT_ID)!.session.summary().state).toBe("ready");
  });
});

describe("persistence and restore", () => {
  test("the list is saved when it changes: every open session with its place, title and times", async () => {
    const { manager, persisted, connect, create, tick } = setup();
    const phone = connect("phone");
    const other = await create(phone, join(home, "a"));
    manager.handle(phone, { type: "prompt", text: "first words", sessionId: other });
    await tick();
    expect(persisted.at(-1)).toEqual([
      { sessionId: DEFAULT_ID, cwd: work, createdAt: expect.any(String), lastActivity: expect.any(String), default: true },
      { sessionId: other, cwd: join(home, "a"), title: "first words", createdAt: expect.any(String), lastActivity: expect.any(String) },
    ]);
    const count = persisted.length;
    await tick(1000);
    expect(persisted).toHaveLength(count);
  });

  test("sessions from an earlier run come back idle, without starting Claude; the default keeps its title; bad records are dropped with a warning", () => {
    const at = "2026-01-01T10:00:00.000Z";
    const restored: SessionRecord[] = [
      { sessionId: DEFAULT_ID, cwd: work, title: "default title", createdAt: at, lastActivity: at },
      { sessionId: id(7), cwd: join(home, "a"), title: "in a", createdAt: at, lastActivity: at },
      { sessionId: id(8), cwd: join(home, "gone"), createdAt: at, lastActivity: at },
      { sessionId: id(9), cwd: root, createdAt: at, lastActivity: at },
      { sessionId: id(7), cwd: join(home, "b"), createdAt: at, lastActivity: at },
      { sessionId: id(10), cwd: join(home, "b"), createdAt: at, lastActivity: at },
      { sessionId: id(11), cwd: join(home, "b"), createdAt: at, lastActivity: at },
    ];
    const saved = { [id(7)]: [`{"type":"user.prompt","sessionId":"${id(7)}","seq":41,"text":"a","by":"x"}`] };
    const { manager, opened, logs } = setup({ restored, saved, maxSessions: 3 });
    expect(manager.list().map((info) => [info.sessionId, info.state, info.title])).toEqual([
      [DEFAULT_ID, "ready", "default title"],
      [id(7), "idle", "in a"],
      [id(10), "idle", undefined],
    ]);
    expect(opened.get(id(7))!.claude.starts).toBe(0);
    expect(opened.get(id(7))!.session.events.lastSeq).toBe(41);
    const warnings = logs.filter((line) => line.level === "warn").map((line) => [line.msg, line.sessionId]);
    expect(warnings).toEqual([
      [expect.stringContaining("no such directory"), id(8)],
      [expect.stringContaining("outside every allowed directory"), id(9)],
      ["session not restored: --max-sessions reached", id(11)],
    ]);
  });

  test("a former default session (the relay now runs another: --new-session, another --cwd) is not listed again", () => {
    const at = "2026-01-01T10:00:00.000Z";
    const { manager, logs } = setup({ restored: [{ sessionId: id(5), cwd: join(home, "a"), createdAt: at, lastActivity: at, default: true }] });
    expect(manager.list().map((info) => info.sessionId)).toEqual([DEFAULT_ID]);
    expect(logs.some((line) => line.msg === "earlier default session not listed again" && line.sessionId === id(5))).toBe(true);
  });

  test("an idle session's first prompt starts Claude and waits in its queue; the numbering continues", async () => {
    const at = "2026-01-01T10:00:00.000Z";
    const saved = { [id(7)]: [`{"type":"user.prompt","sessionId":"${id(7)}","seq":41,"text":"a","by":"x"}`] };
    const { manager, opened, connect, ready } = setup({ restored: [{ sessionId: id(7), cwd: join(home, "a"), createdAt: at, lastActivity: at }], saved });
    const phone = connect("phone");
    manager.handle(phone, { type: "session.attach", sessionId: id(7), lastSeq: 41 });
    expect(phone.all("session.attached")[0]).toMatchObject({ lastSeq: 41, state: { state: "idle", claudePid: 0 } });
    manager.handle(phone, { type: "prompt", text: "wake up", sessionId: id(7) });
    const { claude } = opened.get(id(7))!;
    expect(claude.starts).toBe(1);
    expect(claude.prompts).toEqual(["wake up"]);
    ready(id(7));
    await settle();
    expect(eventsOf(phone, id(7)).map((frame) => [frame.seq, frame.type, frame.state])).toEqual([
      [42, "user.prompt", undefined],
      [43, "session.state", "starting"],
      [44, "session.state", "ready"],
    ]);
    expect(errors(phone)).toEqual([]);
  });
});

describe("the relay's stop", () => {
  test("close sends the pending update and saves; stopClaudes stops every Claude, also of sessions being stopped", async () => {
    const { manager, opened, persisted, connect, create, clock } = setup();
    const phone = connect("phone");
    const [a, b] = [await create(phone, join(home, "a")), await create(phone, join(home, "b"))];
    manager.handle(phone, { type: "session.stop", sessionId: b });
    manager.handle(phone, { type: "prompt", text: "last words", sessionId: a });
    manager.close();
    expect(
      phone
        .all("sessions")
        .at(-1)!
        .sessions.map((info: any) => info.sessionId),
    ).toEqual([DEFAULT_ID, a]);
    expect(persisted.at(-1)!.map((record) => record.sessionId)).toEqual([DEFAULT_ID, a]);
    await manager.stopClaudes();
    for (const sessionId of [DEFAULT_ID, a, b]) expect(opened.get(sessionId)!.claude.state).toBe("stopped");
    // clients closed afterwards (the gateway closes them) cause no update and no write
    const saves = persisted.length;
    manager.leave(phone);
    clock.advance(1000);
    expect(persisted).toHaveLength(saves);
    expect(clock.pending).toBe(0);
  });
});

const IDLE_MS = 60_000;

describe("the idle timeout", () => {
  test("a session ready for --idle-timeout has its Claude stopped and shows idle; a prompt starts it again; a turn restarts the countdown", async () => {
    const { manager, opened, connect, create, tick, ready } = setup({ idleTimeoutMs: IDLE_MS });
    const phone = connect("phone");
    const other = await create(phone, join(home, "a"));
    const { claude } = opened.get(other)!;
    await tick(IDLE_MS - 200); // create() already let 100 ms pass
    expect(claude.stops).toBe(0);
    manager.handle(phone, { type: "prompt", text: "keep me busy", sessionId: other });
    await tick(IDLE_MS); // a turn: no countdown
    expect(claude.stops).toBe(0);
    claude.finishTurn();
    await tick(IDLE_MS - 100);
    expect(claude.stops).toBe(0);
    await tick(100);
    expect(claude.stops).toBe(1);
    await tick();
    expect(manager.list().find((info) => info.sessionId === other)).toMatchObject({ state: "idle" });
    expect(phone.all("sessions").at(-1)!.sessions[1]).toMatchObject({ sessionId: other, state: "idle" });
    expect(manager.runningClaudes()).toBe(0); // the default session idled too (its countdown started earlier)

    manager.handle(phone, { type: "prompt", text: "again", sessionId: other });
    await tick();
    expect(claude.starts).toBe(2);
    expect(claude.prompts).toEqual(["keep me busy", "again"]);
    ready(other);
    claude.setState("busy");
    claude.finishTurn();
    await tick(IDLE_MS);
    expect(claude.stops).toBe(2);
    expect(errors(phone)).toEqual([]);
  });

  test("the default session idles too; a v1 client sees idle, and its next prompt works as before; attaching does not wake a session", async () => {
    const { manager, opened, connect, tick } = setup({ idleTimeoutMs: IDLE_MS });
    const v1 = connect("v1");
    await tick(IDLE_MS);
    const { claude } = opened.get(DEFAULT_ID)!;
    expect(claude.stops).toBe(1);
    expect(eventsOf(v1, DEFAULT_ID).at(-1)).toMatchObject({ type: "session.state", state: "idle", claudePid: 0 });
    const late = connect("late");
    expect(late.frames[0]).toMatchObject({ type: "auth.ok", state: { state: "idle", claudePid: 0 } });
    manager.handle(late, { type: "session.attach", sessionId: DEFAULT_ID });
    await tick(IDLE_MS);
    expect(claude.starts).toBe(0);
    manager.handle(v1, { type: "prompt", text: "still there?" });
    await tick();
    expect(claude.starts).toBe(1);
    expect(claude.prompts).toEqual(["still there?"]);
    expect(
      eventsOf(v1, DEFAULT_ID)
        .slice(-2)
        .map((frame) => [frame.type, frame.state]),
    ).toEqual([
      ["user.prompt", undefined],
      ["session.state", "starting"],
    ]);
    expect(errors(v1)).toEqual([]);
  });

  test("mode and model outlive the idle stop: the woken Claude is told them again; a configure while Claude is being stopped is kept for the next one", async () => {
    const { manager, opened, connect, create, tick, ready } = setup({ idleTimeoutMs: IDLE_MS });
    const phone = connect("phone");
    const other = await create(phone, join(home, "a"));
    const { claude } = opened.get(other)!;
    claude.initialized(INITIALIZE);
    manager.handle(phone, { type: "session.configure", sessionId: other, permissionMode: "plan", model: "haiku" });
    await tick();
    expect(claude.controls).toHaveLength(2);
    let exited!: () => void;
    claude.stopGate = new Promise((resolve) => (exited = resolve));
    await tick(IDLE_MS);
    expect([claude.stops, claude.state, manager.list()[1]!.state]).toEqual([1, "stopping", "idle"]);
    manager.handle(phone, { type: "session.configure", sessionId: other, permissionMode: "acceptEdits", id: "k" });
    await tick();
    expect(errors(phone)).toEqual([]);
    expect(phone.all("session.configured").at(-1)).toEqual({
      type: "session.configured",
      sessionId: other,
      permissionMode: "acceptEdits",
      model: "haiku",
      id: "k",
    });
    expect(claude.controls).toHaveLength(2); // not sent to the Claude on its way out
    exited();
    await tick();
    manager.handle(phone, { type: "prompt", text: "wake up", sessionId: other });
    expect(claude.starts).toBe(2);
    ready(other);
    claude.initialized(INITIALIZE);
    expect(claude.controls.slice(2)).toEqual([
      { subtype: "set_permission_mode", fields: { mode: "acceptEdits" } },
      { subtype: "set_model", fields: { model: "haiku" } },
    ]);
    expect(manager.list()[1]).toMatchObject({ permissionMode: "acceptEdits", model: "haiku" });
  });

  test("a pending permission keeps the session awake; without --idle-timeout nothing idles; a stopped session leaves no countdown", async () => {
    const { manager, opened, connect, create, tick } = setup({ idleTimeoutMs: IDLE_MS });
    const phone = connect("phone");
    const other = await create(phone, join(home, "a"));
    opened.get(other)!.claude.askPermission("r1");
    await tick(3 * IDLE_MS);
    expect(opened.get(other)!.claude.stops).toBe(0);
    const stopped = await create(phone, join(home, "b"));
    manager.handle(phone, { type: "session.stop", sessionId: stopped });
    await tick(3 * IDLE_MS);
    expect(opened.get(stopped)!.claude.stops).toBe(1); // session.stop's, not the idle timeout's

    const never = setup();
    never.connect("v1");
    await never.tick(100 * IDLE_MS);
    expect(never.opened.get(DEFAULT_ID)!.claude.stops).toBe(0);
  });
});

/** Writes a transcript as Claude does, in its folder for `cwd`; `ageMs` back-dates its modification time. */
function writeTranscript(cwd: string, sessionId: string, prompt: string, ageMs = 0): void {
  const folder = join(claudeEnv.CLAUDE_CONFIG_DIR, "projects", cwd.replace(/[^a-zA-Z0-9]/g, "-"));
  mkdirSync(folder, { recursive: true });
  const lines = [
    { type: "queue-operation", operation: "enqueue", content: prompt, sessionId },
    { type: "user", isSidechain: false, message: { role: "user", content: prompt }, sessionId, cwd },
    { type: "assistant", isSidechain: false, message: { role: "assistant", content: [{ type: "text", text: "done" }] }, sessionId, cwd },
  ];
  const file = join(folder, `${sessionId}.jsonl`);
  writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`);
  const time = new Date(Date.now() - ageMs);
  utimesSync(file, time, time);
}

const conversation = (n: number) => `c0ffee00-0000-4000-8000-${String(n).padStart(12, "0")}`;

describe("history.list", () => {
  writeTranscript(work, conversation(1), "Older question in work", 60_000);
  writeTranscript(work, conversation(2), "Newer question in work\nwith details", 1_000);
  mkdirSync(join(home, "h"));
  writeTranscript(join(home, "h"), conversation(3), "A question in h");

  test("without cwd: the default session's directory, newest first, titled by the first prompt; the id is echoed", async () => {
    const { manager, connect } = setup();
    const phone = connect("phone");
    manager.handle(phone, { type: "history.list", id: "h1" });
    const reply = await waitForFrame(phone, "history");
    expect(reply).toEqual({
      type: "history",
      id: "h1",
      conversations: [
        { sessionId: conversation(2), cwd: work, title: "Newer question in work", updatedAt: expect.any(String) },
        { sessionId: conversation(1), cwd: work, title: "Older question in work", updatedAt: expect.any(String) },
      ],
    });
    const [newer, older] = reply.conversations.map((entry: any) => Date.parse(entry.updatedAt));
    expect(newer).toBeGreaterThan(older);
  });

  test("with cwd: that directory (its real path), checked as for session.create", async () => {
    const { manager, connect } = setup();
    const phone = connect("phone");
    manager.handle(phone, { type: "history.list", cwd: `${home}/b/../h` });
    expect((await waitForFrame(phone, "history")).conversations).toEqual([
      { sessionId: conversation(3), cwd: join(home, "h"), title: "A question in h", updatedAt: expect.any(String) },
    ]);
    manager.handle(phone, { type: "history.list", cwd: join(home, "b"), id: "empty" });
    expect(await waitForFrame(phone, "history", 1)).toEqual({ type: "history", conversations: [], id: "empty" });
    // The default session's directory is allowed although outside --allow-dir.
    manager.handle(phone, { type: "history.list", cwd: work, id: "own" });
    expect((await waitForFrame(phone, "history", 2)).conversations).toHaveLength(2);
    for (const [cwd, words] of [
      [other, "outside every allowed directory"],
      [join(home, "missing"), "no such directory"],
      ["a", "absolute path"],
    ] as const) {
      manager.handle(phone, { type: "history.list", cwd, id: "bad" });
      expect(phone.frames.at(-1)).toEqual({ type: "error", code: "invalid_session_dir", message: expect.stringContaining(words), id: "bad" });
    }
  });
});

describe("session.create with resume", () => {
  writeTranscript(join(home, "a"), conversation(10), "Remember the parser bug");

  test("continues the conversation: the session has its id and its title, and Claude starts (it resumes the transcript)", async () => {
    const { manager, opened, connect, tick } = setup();
    const phone = connect("phone");
    manager.handle(phone, { type: "session.create", cwd: join(home, "a"), resume: conversation(10), id: "r" });
    expect(phone.frames.at(-1)).toEqual({ type: "session.created", sessionId: conversation(10), id: "r" });
    expect(opened.get(conversation(10))!.claude.starts).toBe(1);
    await tick();
    expect(phone.all("sessions").at(-1)!.sessions[1]).toMatchObject({ sessionId: conversation(10), cwd: join(home, "a"), title: "Remember the parser bug" });
  });

  test("with a mode and model: listed with them at once, and the resumed Claude is told them right after initialize; an open conversation asked again takes the new ones", async () => {
    const { manager, opened, connect, ready, tick } = setup();
    const phone = connect("phone");
    opened.get(DEFAULT_ID)!.claude.initialized(INITIALIZE); // the models, for checking "haiku"
    manager.handle(phone, { type: "session.create", cwd: join(home, "a"), resume: conversation(10), permissionMode: "plan", model: "haiku", id: "r" });
    expect(phone.frames.at(-1)).toEqual({ type: "session.created", sessionId: conversation(10), id: "r" });
    expect(manager.list()[1]).toMatchObject({ sessionId: conversation(10), title: "Remember the parser bug", permissionMode: "plan", model: "haiku" });
    const { claude } = opened.get(conversation(10))!;
    ready(conversation(10));
    claude.initialized(INITIALIZE);
    expect(claude.controls).toEqual([
      { subtype: "set_permission_mode", fields: { mode: "plan" } },
      { subtype: "set_model", fields: { model: "haiku" } },
    ]);
    manager.handle(phone, { type: "session.create", cwd: join(home, "a"), resume: conversation(10), permissionMode: "acceptEdits", id: "again" });
    expect(phone.frames.at(-1)).toEqual({ type: "session.created", sessionId: conversation(10), id: "again" });
    await tick();
    expect(claude.controls.at(-1)).toEqual({ subtype: "set_permission_mode", fields: { mode: "acceptEdits" } });
    expect(manager.list()[1]).toMatchObject({ permissionMode: "acceptEdits", model: "haiku" });
    expect([claude.starts, opened.size]).toEqual([1, 2]);
    manager.handle(phone, { type: "session.create", cwd: join(home, "a"), resume: conversation(10), permissionMode: "bypassPermissions", id: "no" });
    expect(phone.frames.at(-1)).toMatchObject({ type: "error", code: "invalid_message", id: "no" });
  });

  test("a conversation that is open already: answered with its session, nothing started, even at --max-sessions", async () => {
    const { manager, opened, connect, tick } = setup({ maxSessions: 2 });
    const phone = connect("phone");
    manager.handle(phone, { type: "session.create", cwd: join(home, "a"), resume: conversation(10) });
    await tick();
    manager.handle(phone, { type: "session.create", cwd: join(home, "a"), resume: conversation(10), id: "again" });
    expect(phone.frames.at(-1)).toEqual({ type: "session.created", sessionId: conversation(10), id: "again" });
    expect(opened.get(conversation(10))!.claude.starts).toBe(1);
    expect(manager.list()).toHaveLength(2);
  });

  test("refused, nothing created: no such conversation in that directory, not an id, open elsewhere, being stopped", async () => {
    const { manager, opened, connect, tick } = setup();
    const phone = connect("phone");
    const refusal = (resume: string, cwd = join(home, "a")) => {
      manager.handle(phone, { type: "session.create", cwd, resume, id: "x" });
      return phone.frames.at(-1)!;
    };
    expect(refusal(conversation(99))).toEqual({ type: "error", code: "unknown_session", message: expect.stringContaining("history.list"), id: "x" });
    expect(refusal(conversation(10), join(home, "b"))).toMatchObject({ code: "unknown_session", message: expect.stringContaining(`in "${join(home, "b")}"`) });
    expect(refusal("../../etc/passwd")).toMatchObject({ code: "unknown_session" });
    expect(refusal(conversation(10), join(home, "missing"))).toMatchObject({ code: "invalid_session_dir" });
    expect(opened.size).toBe(1);

    manager.handle(phone, { type: "session.create", cwd: join(home, "a"), resume: conversation(10) });
    expect(refusal(conversation(10), join(home, "b"))).toMatchObject({
      code: "unknown_session",
      message: expect.stringContaining("open in another directory"),
    });
    const { claude } = opened.get(conversation(10))!;
    let exited!: () => void;
    claude.stopGate = new Promise((resolve) => (exited = resolve));
    manager.handle(phone, { type: "session.stop", sessionId: conversation(10) });
    expect(refusal(conversation(10))).toMatchObject({ code: "claude_unavailable", message: expect.stringContaining("being stopped") });
    exited();
    await tick();
    expect(phone.all("session.stopped")).toHaveLength(1);
    manager.handle(phone, { type: "session.create", cwd: join(home, "a"), resume: conversation(10), id: "later" });
    expect(phone.frames.at(-1)).toEqual({ type: "session.created", sessionId: conversation(10), id: "later" });
  });
});

describe("notifications", () => {
  test("a permission request, a finished turn and a failed Claude are told with the session's facts; a stopped session tells nothing more", async () => {
    const notifications: Notification[] = [];
    const { manager, opened, connect, create, clock, tick } = setup({ notify: (notification) => notifications.push(notification) });
    const phone = connect("phone");
    const other = await create(phone, join(home, "a"));
    manager.handle(phone, { type: "prompt", text: "Deploy it\nnow", sessionId: other });
    const { claude } = opened.get(other)!;
    claude.askPermission("r1", "Bash", { command: "npm   run\ndeploy" });
    claude.finishTurn({ subtype: "success", is_error: false, result: "Deployed." });
    claude.restarts = 5;
    claude.setState("failed");
    const time = new Date(clock.now()).toISOString();
    const facts = { sessionId: other, cwd: join(home, "a"), title: "Deploy it", time };
    expect(notifications).toEqual([
      { event: "permission", ...facts, tool: "Bash", requestId: "r1", detail: "npm run deploy" },
      { event: "turn_finished", ...facts, isError: false, result: "Deployed." },
      { event: "failed", ...facts, restarts: 5 },
    ]);
    manager.handle(phone, { type: "session.stop", sessionId: other });
    await tick();
    claude.askPermission("r2");
    expect(notifications).toHaveLength(3);
  });
});

/** The `index`-th frame of `type` a client has got, waiting for the asynchronous history listing. */
async function waitForFrame(client: FakeClient, type: string, index = 0): Promise<Record<string, any>> {
  for (let i = 0; i < 200 && client.all(type).length <= index; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  const frame = client.all(type)[index];
  if (!frame) throw new Error(`no ${type} frame #${index}: ${JSON.stringify(client.frames.at(-1))}`);
  return frame;
}
