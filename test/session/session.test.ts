/**
 * The session with fake ports (a hand-driven supervisor, recording clients, an in-memory store):
 * join/flush order, cause before effect in the numbering, one withdrawal per pending request,
 * first answer wins, Claude's credentials. No process, no socket: the file runs in milliseconds.
 */
import { describe, expect, test } from "bun:test";
import { createLogger } from "../../src/log/logger.ts";
import { Session } from "../../src/session/session.ts";
import type { SessionObserver } from "../../src/session/session-ports.ts";
import { FakeClaude, FakeClient, FakeStore, settle } from "../support/fake-ports.ts";
import { IMAGES, imageBytes } from "../support/images.ts";
import { waitFor } from "../support/wait.ts";

const SESSION_ID = "5e55104e-0000-4000-8000-000000000001";

function setup(options: { saved?: string[]; observer?: SessionObserver; permissionModes?: string[]; presenceIntervalMs?: number } = {}) {
  const writes: string[] = [];
  const store = new FakeStore(writes);
  const logs: Array<Record<string, any>> = [];
  const log = createLogger({ level: "debug", format: "json", write: (line) => logs.push(JSON.parse(line)) });
  const claude = new FakeClaude(log); // logs as the supervisor does (prompts it drops)
  const session = new Session({
    sessionId: SESSION_ID,
    claude,
    log,
    replay: { maxEvents: 1000, maxBytes: 1 << 20 },
    presenceIntervalMs: options.presenceIntervalMs ?? 3_600_000, // presence broadcasts are not what most tests look at
    store: { store, saved: options.saved ?? [] },
    ...(options.observer && { observer: options.observer }),
    ...(options.permissionModes && { permissionModes: options.permissionModes }),
  });
  /** `device`: the name its key goes by (default "test"). */
  const client = (id: string, device?: string) => new FakeClient(id, writes, device);
  return { claude, session, store, writes, logs, client };
}

const types = (frames: Array<Record<string, any>>) =>
  frames.map((frame) =>
    frame.type === "claude.event" ? `claude.event:${frame.event.type}` : frame.type === "session.state" ? `session.state:${frame.state}` : frame.type,
  );
const seqs = (frames: Array<Record<string, any>>) => frames.map((frame) => frame.seq);

describe("joining", () => {
  test("replay and live meet exactly at lastSeq: events numbered before the join reach old clients once and the newcomer by replay", async () => {
    const { claude, session, client } = setup();
    const old = client("old");
    session.join(old, undefined);
    claude.emitLine({ type: "assistant", n: 1 });
    claude.emitLine({ type: "assistant", n: 2 });
    // Same tick: nothing flushed yet when the newcomer joins.
    const late = client("late");
    session.join(late, { sessionId: SESSION_ID, lastSeq: 0 });
    claude.emitLine({ type: "assistant", n: 3 });
    await settle();

    expect(seqs(old.events())).toEqual([1, 2, 3]);
    const authOk = late.frames[0]!;
    expect(authOk).toMatchObject({
      type: "auth.ok",
      clientId: "late",
      sessionId: SESSION_ID,
      lastSeq: 2,
      state: { state: "ready", clients: 2, pendingPermissions: [] },
    });
    expect(seqs(late.events())).toEqual([1, 2, 3]);
    expect(late.events().map((frame) => frame.event.n)).toEqual([1, 2, 3]);
    expect(late.all("replay.gap")).toEqual([]);
  });

  test("auth.ok lists pending permissions; a resume from another session gets replay.gap first", async () => {
    const { claude, session, client } = setup();
    const request = claude.askPermission("r1");
    await settle();
    const other = client("other");
    session.join(other, { sessionId: "not-this-one", lastSeq: 7 });
    expect(other.frames[0]!.state.pendingPermissions).toEqual([{ type: "permission.request", sessionId: SESSION_ID, seq: 1, ...request }]);
    expect(other.frames[0]!.state.state).toBe("waiting_permission");
    expect(other.frames[1]).toEqual({ type: "replay.gap", sessionId: SESSION_ID, fromSeq: 1, toSeq: 0, reason: "session_changed" });
    expect(types(other.frames.slice(2))).toEqual(["permission.request", "session.state:waiting_permission"]);
  });

  test("numbering continues after the saved events; frames reach the store before any client", async () => {
    const saved = [
      `{"type":"user.prompt","sessionId":"${SESSION_ID}","seq":41,"text":"a","by":"x"}`,
      `{"type":"user.prompt","sessionId":"${SESSION_ID}","seq":42,"text":"b","by":"x"}`,
    ];
    const { claude, session, store, writes, client } = setup({ saved });
    const phone = client("phone");
    session.join(phone, { sessionId: SESSION_ID, lastSeq: 41 });
    expect(phone.events().map((frame) => frame.seq)).toEqual([42]);
    writes.length = 0;
    claude.emitLine({ type: "assistant" });
    await settle();
    expect(writes).toEqual(["store 1", "send phone"]);
    expect(JSON.parse(store.lines[0]!)).toMatchObject({ type: "claude.event", seq: 43 });
  });

  test("a client that left gets nothing more", async () => {
    const { claude, session, client } = setup();
    const [a, b] = [client("a"), client("b")];
    session.join(a, undefined);
    session.join(b, undefined);
    session.leave(b);
    claude.emitLine({ type: "assistant" });
    await settle();
    expect(a.events()).toHaveLength(1);
    expect(b.events()).toHaveLength(0);
  });
});

describe("cause before effect", () => {
  test("a prompt is numbered before the busy state it caused, the result before ready", async () => {
    const { claude, session, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    session.handle(phone, { type: "prompt", text: "hi", id: "p1" });
    await settle(); // Claude's output comes on a later tick than the prompt
    claude.emitLine({ type: "assistant" });
    claude.finishTurn();
    await settle();
    expect(types(phone.events())).toEqual(["user.prompt", "session.state:busy", "claude.event:assistant", "claude.event:result", "session.state:ready"]);
    expect(seqs(phone.events())).toEqual([1, 2, 3, 4, 5]);
    expect(phone.events()[0]).toMatchObject({ text: "hi", by: "phone", id: "p1" });
    expect(claude.prompts).toEqual(["hi"]);
  });

  test("a permission request is numbered before waiting_permission; its answer before the state that follows", async () => {
    const { claude, session, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.askPermission("r1");
    await settle();
    session.handle(phone, { type: "permission.response", requestId: "r1", behavior: "allow" });
    await settle();
    expect(types(phone.events())).toEqual(["permission.request", "session.state:waiting_permission", "permission.resolved", "session.state:ready"]);
  });

  test("states that last less than a tick are still published, in order; repeats are not", async () => {
    const { claude, session, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.setState("restarting");
    claude.setState("starting");
    claude.setState("ready");
    claude.setState("ready");
    await settle();
    expect(types(phone.events())).toEqual(["session.state:restarting", "session.state:starting", "session.state:ready"]);
  });

  test("a refused prompt is an error to its sender only, and nothing is numbered", async () => {
    const { claude, session, client } = setup();
    const [a, b] = [client("a"), client("b")];
    session.join(a, undefined);
    session.join(b, undefined);
    claude.refuse = "Claude is failed";
    session.handle(a, { type: "prompt", text: "hi", id: "p2" });
    await settle();
    expect(a.all("error")).toEqual([{ type: "error", code: "claude_unavailable", message: "Claude is failed", id: "p2" }]);
    expect(b.frames.filter((frame) => frame.type !== "auth.ok")).toEqual([]);
    expect(session.events.lastSeq).toBe(0);
  });
});

describe("pending permissions: one table, one withdrawal", () => {
  const resolved = (client: FakeClient) => client.all("permission.resolved").map((frame) => `${frame.requestId}:${frame.behavior}:${frame.by}`);

  test("the first answer wins; the later one gets unknown_permission; Claude is handed the request's input", async () => {
    const { claude, session, client } = setup();
    const [a, b] = [client("a"), client("b")];
    session.join(a, undefined);
    session.join(b, undefined);
    claude.askPermission("r1", "Write", { file_path: "/w", content: "x" });
    session.handle(a, { type: "permission.response", requestId: "r1", behavior: "allow", updatedInput: { file_path: "/w", content: "edited" } });
    session.handle(b, { type: "permission.response", requestId: "r1", behavior: "deny", id: "late" });
    await settle();
    expect(claude.answers).toEqual([
      {
        request: expect.objectContaining({ requestId: "r1", input: { file_path: "/w", content: "x" } }),
        answer: { behavior: "allow", updatedInput: { file_path: "/w", content: "edited" } },
      },
    ]);
    expect(resolved(a)).toEqual(["r1:allow:a"]);
    expect(resolved(b)).toEqual(["r1:allow:a"]);
    expect(b.all("error")).toEqual([expect.objectContaining({ code: "unknown_permission", id: "late" })]);
    expect(a.all("error")).toEqual([]);
    expect(session.health().pendingPermissions).toBe(0);
  });

  test("Claude crashing withdraws every pending request once, by the relay", async () => {
    const { claude, session, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.askPermission("r1");
    claude.askPermission("r2");
    await settle();
    claude.setState("restarting");
    claude.setState("starting");
    claude.setState("ready");
    claude.cancelPermission("r1"); // a late cancel for a request already withdrawn
    await settle();
    expect(resolved(phone)).toEqual(["r1:cancelled:relay", "r2:cancelled:relay"]);
    session.handle(phone, { type: "permission.response", requestId: "r2", behavior: "allow" });
    expect(phone.all("error")).toEqual([expect.objectContaining({ code: "unknown_permission" })]);
    expect(claude.answers).toEqual([]);
  });

  test("an interrupt withdraws by the interrupting client; Claude's own cancel that follows changes nothing", async () => {
    const { claude, session, client } = setup();
    const [a, b] = [client("a"), client("b")];
    session.join(a, undefined);
    session.join(b, undefined);
    claude.askPermission("r1");
    await settle();
    session.handle(b, { type: "interrupt" });
    claude.cancelPermission("r1");
    await settle();
    expect(claude.interrupts).toBe(1);
    expect(resolved(a)).toEqual(["r1:cancelled:b"]);
    expect(types(a.events())).toEqual(["permission.request", "session.state:waiting_permission", "permission.resolved", "session.state:ready"]);
  });

  test("Claude withdrawing a request itself resolves it once, by claude; a later crash has nothing left to withdraw", async () => {
    const { claude, session, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.askPermission("r1");
    claude.cancelPermission("r1");
    claude.cancelPermission("r1");
    claude.setState("restarting");
    await settle();
    expect(resolved(phone)).toEqual(["r1:cancelled:claude"]);
  });

  test("stopping withdraws too; an answer no running Claude can receive is resolved as cancelled by the relay", async () => {
    const { claude, session, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.askPermission("r1");
    claude.askPermission("r2");
    claude.running = false;
    session.handle(phone, { type: "permission.response", requestId: "r1", behavior: "allow" });
    claude.setState("stopping");
    await settle();
    expect(resolved(phone)).toEqual(["r1:cancelled:relay", "r2:cancelled:relay"]);
  });

  test("an interrupt with no running Claude is refused and withdraws nothing", async () => {
    const { claude, session, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.askPermission("r1");
    claude.running = false;
    session.handle(phone, { type: "interrupt", id: "i1" });
    await settle();
    expect(phone.all("error")).toEqual([expect.objectContaining({ code: "claude_unavailable", id: "i1" })]);
    expect(resolved(phone)).toEqual([]);
    expect(session.health().pendingPermissions).toBe(1);
  });
});

describe("device names", () => {
  const named = (client: FakeClient, type: string) => client.all(type).map((frame) => `${frame.by}:${frame.device ?? "-"}`);

  test("prompts and answers name the sender's device beside its id; Claude's and the relay's resolutions name none", async () => {
    const { claude, session, client } = setup();
    const [phone, laptop] = [client("c-phone", "phone"), client("c-laptop", "me@laptop")];
    session.join(phone, undefined);
    session.join(laptop, undefined);
    session.handle(phone, { type: "prompt", text: "hi" });
    claude.askPermission("r1");
    session.handle(laptop, { type: "permission.response", requestId: "r1", behavior: "allow" });
    claude.askPermission("r2");
    session.handle(phone, { type: "interrupt" }); // withdraws r2, by the phone
    claude.askPermission("r3");
    claude.cancelPermission("r3"); // Claude's own withdrawal
    claude.askPermission("r4");
    claude.running = false;
    session.handle(laptop, { type: "permission.response", requestId: "r4", behavior: "deny" }); // no Claude to receive it
    await settle();
    expect(named(laptop, "user.prompt")).toEqual(["c-phone:phone"]);
    expect(named(laptop, "permission.resolved")).toEqual(["c-laptop:me@laptop", "c-phone:phone", "claude:-", "relay:-"]);
    // the names are in the events themselves: a replay (here: the event log) says the same
    expect(laptop.events()).toEqual(phone.events());
  });

  test("session.state, auth.ok and the list name each attached device once, sorted; the list changes only when a device comes or goes", async () => {
    const { session, client } = setup({ presenceIntervalMs: 1 });
    const [tab1, tab2, laptop] = [client("t1", "phone"), client("t2", "phone"), client("l", "me@laptop")];
    session.join(tab1, undefined);
    session.join(tab2, undefined);
    expect(tab2.frames[0]!.state).toMatchObject({ clients: 2, devices: ["phone"] });
    session.join(laptop, undefined);
    const latest = () => tab1.all("session.state").at(-1);
    await waitFor(() => latest()?.clients === 3, 2000, "the presence broadcast");
    expect(latest()!.devices).toEqual(["me@laptop", "phone"]);
    const listed = session.summary().devices;
    expect(listed).toEqual(["me@laptop", "phone"]);

    session.leave(tab2); // the phone is still there in its other tab
    await waitFor(() => latest()?.clients === 2, 2000, "the presence broadcast");
    expect(latest()!.devices).toEqual(["me@laptop", "phone"]);
    expect(session.summary().devices).toBe(listed); // not rebuilt: the same array

    session.leave(laptop);
    await waitFor(() => latest()?.clients === 1, 2000, "the presence broadcast");
    expect(latest()!.devices).toEqual(["phone"]);
    session.leave(laptop); // leaving twice changes nothing
    expect(session.summary()).toMatchObject({ clients: 1, devices: ["phone"] });
  });
});

describe("Claude's credentials", () => {
  const NO_CREDENTIALS = { commands: [], account: { tokenSource: "none", apiProvider: "firstParty" } };
  const NOT_LOGGED_IN = {
    type: "assistant",
    error: "authentication_failed",
    message: { content: [{ type: "text", text: "Not logged in · Please run /login" }] },
  };
  const warnings = (logs: Array<Record<string, any>>) => logs.filter((line) => line.level === "warn").map((line) => line.msg);

  test("no credentials at start: one warning saying what to do, session.state and /healthz say so until a turn succeeds", async () => {
    const { claude, session, logs, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.initialized(NO_CREDENTIALS);
    await settle();
    const state = phone.events().at(-1)!;
    expect(state).toMatchObject({ type: "session.state", state: "ready", claudeAuthError: { reason: "not_logged_in" } });
    expect(state.claudeAuthError.message).toContain("run `claude` once");
    expect(state.claudeAuthError.message).toContain("ANTHROPIC_API_KEY");
    expect(session.health().degraded).toEqual([state.claudeAuthError.message]);

    // The prompt still goes to Claude, whose own error line confirms it: no second warning.
    session.handle(phone, { type: "prompt", text: "hi" });
    claude.emitLine(NOT_LOGGED_IN);
    claude.finishTurn({ subtype: "success", is_error: true, result: "Not logged in · Please run /login" });
    await settle();
    expect(warnings(logs)).toEqual([state.claudeAuthError.message]);
    const late = client("late");
    session.join(late, undefined);
    expect(late.frames[0]!.state.claudeAuthError).toEqual(state.claudeAuthError);

    // A later turn that succeeds clears it.
    session.handle(phone, { type: "prompt", text: "again" });
    claude.finishTurn();
    await settle();
    const cleared = phone.events().at(-1)!;
    expect(cleared).toMatchObject({ type: "session.state", state: "ready" });
    expect(cleared.claudeAuthError).toBeUndefined();
    expect(session.health().degraded).toEqual([]);
    expect(logs.some((line) => line.level === "info" && line.msg === "Claude Code can authenticate again")).toBe(true);
  });

  test("credentials the API refuses: detected at Claude's first retry, once; a restart that reports a key does not clear it, a success does", async () => {
    const { claude, session, logs, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.initialized({ account: { tokenSource: "none", apiKeySource: "ANTHROPIC_API_KEY", apiProvider: "firstParty" } });
    await settle();
    expect(phone.events()).toEqual([]);
    const retry = { type: "system", subtype: "api_retry", attempt: 1, error_status: 401, error: "authentication_failed" };
    claude.emitLine(retry);
    claude.emitLine({ ...retry, attempt: 2 });
    await settle();
    expect(phone.events().at(-1)).toMatchObject({ type: "session.state", claudeAuthError: { reason: "rejected" } });
    expect(warnings(logs)).toHaveLength(1);
    expect(warnings(logs)[0]).toContain("HTTP 401");

    claude.initialized({ account: { tokenSource: "none", apiKeySource: "ANTHROPIC_API_KEY", apiProvider: "firstParty" } });
    expect(session.health().degraded).toHaveLength(1);
    claude.finishTurn();
    await settle();
    expect(session.health().degraded).toEqual([]);
  });

  test("an interrupted turn does not clear a problem; other providers are not judged at start", async () => {
    const { claude, session } = setup();
    claude.initialized({ account: { tokenSource: "none", apiProvider: "bedrock" } });
    expect(session.health().degraded).toEqual([]);
    claude.emitLine(NOT_LOGGED_IN);
    claude.finishTurn({ subtype: "error_during_execution", is_error: true });
    expect(session.health().degraded).toHaveLength(1);
  });
});

describe("health and close", () => {
  test("Claude not serving and a failing event store are the session's degraded reasons", () => {
    const { claude, session, store } = setup();
    expect(session.health()).toMatchObject({ state: "ready", degraded: [], claudePid: 4242, sessionId: SESSION_ID });
    claude.setState("restarting");
    store.healthy = false;
    expect(session.health().degraded).toEqual(["claude restarting", "event log not persisted (disk error)"]);
  });

  test("close sends what is pending, stops listening to Claude and closes the store", async () => {
    const { claude, session, store, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.setState("failed");
    session.close();
    expect(types(phone.events())).toEqual(["session.state:failed"]);
    expect(store.closed).toBe(true);
    claude.emitLine({ type: "assistant" });
    claude.setState("stopped");
    await settle();
    expect(phone.events()).toHaveLength(1);
  });
});

describe("permission mode and model", () => {
  // abridged from Claude Code 2.1.197's initialize answer
  const INITIALIZE = {
    models: [{ value: "haiku", resolvedModel: "claude-haiku-4-5-20251001", displayName: "Haiku", description: "Haiku 4.5", supportsEffort: false }],
    commands: [
      { name: "compact", description: "Free up context by summarizing the conversation so far", argumentHint: "<optional custom summarization instructions>" },
    ],
    account: { tokenSource: "none", apiKeySource: "ANTHROPIC_API_KEY" },
  };
  const status = (permissionMode: string) => ({ type: "system", subtype: "status", status: null, permissionMode });
  const states = (frames: Array<Record<string, any>>) =>
    frames.filter((frame) => frame.type === "session.state").map((frame) => [frame.permissionMode, frame.model]);

  test("configure on a running Claude: it is told; once it took the change the sender gets session.configured and every client the state", async () => {
    const { claude, session, client } = setup();
    const [phone, laptop] = [client("phone"), client("laptop")];
    session.join(phone, undefined);
    session.join(laptop, undefined);
    claude.initialized(INITIALIZE);
    const configuring = session.configure({ permissionMode: "plan", model: "haiku" }, phone, "c1");
    expect(claude.controls).toEqual([
      { subtype: "set_permission_mode", fields: { mode: "plan" } },
      { subtype: "set_model", fields: { model: "haiku" } },
    ]);
    expect(session.summary()).toMatchObject({ permissionMode: "default" }); // not before Claude answered
    await configuring;
    await settle();
    expect(phone.all("session.configured")).toEqual([{ type: "session.configured", sessionId: SESSION_ID, permissionMode: "plan", model: "haiku", id: "c1" }]);
    expect(laptop.all("session.configured")).toEqual([]);
    expect(states(laptop.events())).toEqual([["plan", "haiku"]]);
    expect(session.summary()).toMatchObject({ permissionMode: "plan", model: "haiku" });
  });

  test("Claude refusing: invalid_message with its words to the sender only; nothing changes", async () => {
    const { claude, session, client } = setup();
    const [phone, laptop] = [client("phone"), client("laptop")];
    session.join(phone, undefined);
    session.join(laptop, undefined);
    claude.answerControl = () => ({
      ok: false,
      error: "Cannot set permission mode to bypassPermissions because the session was not launched with --dangerously-skip-permissions",
    });
    await session.configure({ permissionMode: "bypassPermissions" }, phone, "c2");
    await settle();
    expect(phone.frames.at(-1)).toEqual({
      type: "error",
      code: "invalid_message",
      message:
        'Claude refused permissionMode "bypassPermissions": Cannot set permission mode to bypassPermissions because the session was not launched with --dangerously-skip-permissions',
      id: "c2",
    });
    expect(laptop.frames.filter((frame) => frame.type !== "auth.ok")).toEqual([]);
    expect(session.summary().permissionMode).toBe("default");
  });

  test("Claude's status and init lines keep mode and model in step: plan mode left by ExitPlanMode, a setMode accepted; a chosen alias stays while Claude runs its model", async () => {
    const { claude, session, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.initialized(INITIALIZE);
    await session.configure({ permissionMode: "plan", model: "haiku" }, phone);
    claude.emitLine(status("plan")); // Claude's own echo of the change: nothing new
    claude.emitLine({ type: "system", subtype: "init", permissionMode: "plan", model: "claude-haiku-4-5-20251001" });
    await settle();
    claude.emitLine(status("default")); // ExitPlanMode allowed
    await settle();
    claude.emitLine(status("acceptEdits")); // an answer's setMode update
    await settle();
    expect(states(phone.events())).toEqual([
      ["plan", "haiku"],
      ["default", "haiku"],
      ["acceptEdits", "haiku"],
    ]);
  });

  test("while Claude does not run (idle): reported at once; Claude is told right after it answers initialize", async () => {
    const { claude, session, client } = setup();
    claude.state = "stopped";
    claude.pid = undefined;
    const phone = client("phone");
    session.join(phone, undefined);
    await session.configure({ permissionMode: "acceptEdits", model: "claude-sonnet-4-5" }, phone, "c3");
    expect(phone.all("session.configured")).toEqual([
      { type: "session.configured", sessionId: SESSION_ID, permissionMode: "acceptEdits", model: "claude-sonnet-4-5", id: "c3" },
    ]);
    expect(claude.controls).toEqual([]);
    session.handle(phone, { type: "prompt", text: "edit it" });
    expect(claude.starts).toBe(1);
    claude.pid = 77;
    claude.initialized(INITIALIZE);
    expect(claude.controls).toEqual([
      { subtype: "set_permission_mode", fields: { mode: "acceptEdits" } },
      { subtype: "set_model", fields: { model: "claude-sonnet-4-5" } },
    ]);
  });

  test("a restarted Claude is told the mode and model the session had last — as Claude itself last reported them", async () => {
    const { claude, session, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.initialized(INITIALIZE);
    expect(claude.controls).toEqual([]); // nothing chosen yet: Claude's launch settings stand
    await session.configure({ permissionMode: "plan", model: "haiku" }, phone);
    claude.emitLine(status("default"));
    claude.controls.length = 0;
    claude.setState("restarting");
    claude.setState("starting");
    claude.initialized(INITIALIZE);
    expect(claude.controls).toEqual([
      { subtype: "set_permission_mode", fields: { mode: "default" } },
      { subtype: "set_model", fields: { model: "haiku" } },
    ]);
  });

  test("a failed Claude, or an ended session, cannot be configured", async () => {
    const { claude, session, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.setState("failed");
    await session.configure({ permissionMode: "plan" }, phone, "c4");
    expect(phone.frames.at(-1)).toEqual({ type: "error", code: "claude_unavailable", message: "Claude is failed; the session cannot be configured", id: "c4" });
    claude.setState("ready");
    await session.end();
    await session.configure({ permissionMode: "plan" }, phone, "c5");
    expect(phone.frames.at(-1)).toEqual({
      type: "error",
      code: "claude_unavailable",
      message: "Claude is stopping; the session cannot be configured",
      id: "c5",
    });
    expect(claude.controls).toEqual([]);
  });

  test("pickers: auth.ok and session.attached carry Claude's models and commands with the modes clients may choose; the observer hears of a change once", async () => {
    const heard: unknown[] = [];
    const observer: SessionObserver = { prompted: () => {}, stateChanged: () => {}, capabilities: (capabilities) => heard.push(capabilities) };
    const { claude, session, client } = setup({ observer, permissionModes: ["default", "acceptEdits", "plan", "bypassPermissions"] });
    const early = client("early");
    session.join(early, undefined);
    expect(early.frames[0]).not.toHaveProperty("capabilities"); // Claude has not told them yet
    claude.initialized(INITIALIZE);
    claude.initialized({ ...INITIALIZE, pid: 2 }); // a restart telling the same
    const capabilities = {
      models: [{ value: "haiku", displayName: "Haiku", description: "Haiku 4.5", resolvedModel: "claude-haiku-4-5-20251001" }],
      commands: INITIALIZE.commands,
      permissionModes: ["default", "acceptEdits", "plan", "bypassPermissions"],
    };
    expect(heard).toEqual([capabilities]);
    const late = client("late");
    session.join(late, undefined);
    session.attach(late, undefined, "a1");
    expect(late.frames[0]).toMatchObject({ type: "auth.ok", capabilities });
    expect(late.all("session.attached")[0]).toMatchObject({ capabilities, id: "a1" });
  });
});

describe("images", () => {
  test("a prompt's images go to Claude; user.prompt lists them by type and decoded size only", async () => {
    const { claude, session, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    const images = [
      { mediaType: "image/png" as const, data: IMAGES["image/png"] },
      { mediaType: "image/webp" as const, data: IMAGES["image/webp"] },
    ];
    session.handle(phone, { type: "prompt", text: "what is this?", images, id: "p1" });
    await settle();
    expect(claude.prompts).toEqual(["what is this?"]);
    expect(claude.promptImages).toEqual([images]);
    const [echo] = phone.all("user.prompt");
    expect(echo).toEqual({
      type: "user.prompt",
      sessionId: SESSION_ID,
      seq: 1,
      text: "what is this?",
      by: "phone",
      device: "test",
      id: "p1",
      images: [
        { mediaType: "image/png", bytes: imageBytes("image/png") },
        { mediaType: "image/webp", bytes: imageBytes("image/webp") },
      ],
    });
    expect(JSON.stringify(echo)).not.toContain(IMAGES["image/png"]);
  });

  test("a bad image: invalid_message naming it; nothing reaches Claude, nothing is numbered, an idle Claude is not started", async () => {
    const { claude, session, client } = setup();
    claude.state = "stopped";
    claude.pid = undefined;
    const phone = client("phone");
    session.join(phone, undefined);
    const images = [
      { mediaType: "image/png" as const, data: IMAGES["image/png"] },
      { mediaType: "image/gif" as const, data: IMAGES["image/jpeg"] },
    ];
    session.handle(phone, { type: "prompt", text: "look", images, id: "p2" });
    await settle();
    expect(phone.frames.at(-1)).toEqual({
      type: "error",
      code: "invalid_message",
      message: "prompt: image 2 is declared image/gif, but its bytes are a JPEG image (image/jpeg); nothing was sent to Claude",
      id: "p2",
    });
    expect([claude.prompts, claude.starts, phone.events()]).toEqual([[], 0, []]);
  });
});

describe("allow for this session", () => {
  const suggestions = [{ type: "addRules", rules: [{ toolName: "Read", ruleContent: "//home/me/other/**" }], behavior: "allow", destination: "session" }];

  test("permission.request carries Claude's suggestions; an allow's updatedPermissions reach Claude with the answer", async () => {
    const { claude, session, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.askPermission("r1", "Read", { file_path: "/home/me/other/a.txt" }, suggestions);
    await settle();
    expect(phone.all("permission.request")[0]).toMatchObject({ requestId: "r1", suggestions });
    session.handle(phone, { type: "permission.response", requestId: "r1", behavior: "allow", updatedPermissions: suggestions });
    expect(claude.answers).toEqual([{ request: expect.objectContaining({ requestId: "r1" }), answer: { behavior: "allow", updatedPermissions: suggestions } }]);
  });

  test("updatedPermissions that are refused: invalid_message; the request stays pending and can still be answered", async () => {
    const { claude, session, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.askPermission("r2", "Write", { file_path: "/w/a.txt" }, [{ type: "setMode", mode: "acceptEdits", destination: "session" }]);
    await settle();
    session.handle(phone, {
      type: "permission.response",
      requestId: "r2",
      behavior: "allow",
      updatedPermissions: [{ type: "setMode", mode: "bypassPermissions", destination: "session" }],
      id: "a1",
    });
    expect(phone.frames.at(-1)).toMatchObject({ type: "error", code: "invalid_message", id: "a1" });
    expect(phone.frames.at(-1)!.message).toStartWith("permission.response: updatedPermissions[0]: permission mode bypassPermissions");
    expect(claude.answers).toEqual([]);
    session.handle(phone, {
      type: "permission.response",
      requestId: "r2",
      behavior: "allow",
      updatedPermissions: [{ type: "setMode", mode: "acceptEdits", destination: "session" }],
    });
    expect(claude.answers).toHaveLength(1);
  });
});

describe("idle and end", () => {
  test("a session whose Claude is not running is idle, not degraded; interrupting it says so", async () => {
    const { claude, session, client } = setup();
    claude.state = "stopped";
    claude.pid = undefined;
    claude.running = false;
    const phone = client("phone");
    session.join(phone, undefined);
    expect(phone.frames[0]!.state).toMatchObject({ state: "idle", claudePid: 0 });
    expect(session.health()).toMatchObject({ state: "idle", degraded: [] });
    session.handle(phone, { type: "interrupt", id: "i" });
    expect(phone.frames.at(-1)).toEqual({ type: "error", code: "claude_unavailable", message: "Claude is idle; nothing to interrupt", id: "i" });
  });

  test("end: Claude stopped, the final session.state is stopping without a pid, pending permissions withdrawn, the store closed", async () => {
    const { claude, session, store, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    claude.askPermission("r1");
    await settle();
    await session.end();
    expect(claude.stops).toBe(1);
    expect(types(phone.events()).slice(-4)).toEqual([
      "session.state:waiting_permission",
      "permission.resolved",
      "session.state:stopping",
      "session.state:stopping",
    ]);
    expect(phone.events().at(-1)).toMatchObject({ claudePid: 0 }); // the last one: Claude has exited
    expect(store.closed).toBe(true);
    session.handle(phone, { type: "prompt", text: "too late", id: "p" });
    expect(claude.starts).toBe(0);
  });
});

describe("suspend (the idle timeout)", () => {
  test("a ready session's Claude is stopped; the session is idle, not degraded, its clients stay; the next prompt starts Claude and waits in its queue", async () => {
    const { claude, session, client, logs } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    await session.suspend();
    await settle();
    expect(claude.stops).toBe(1);
    expect(types(phone.events())).toEqual(["session.state:idle", "session.state:idle"]); // at once, then without a pid
    expect(phone.events().at(-1)).toMatchObject({ state: "idle", claudePid: 0 });
    expect(session.health()).toMatchObject({ state: "idle", claudePid: 0, clients: 1, degraded: [] });
    expect(logs.some((line) => line.msg.startsWith("stopping Claude: no turn for the idle timeout"))).toBe(true);

    session.handle(phone, { type: "prompt", text: "wake up", id: "p" });
    await settle();
    expect(claude.starts).toBe(1);
    expect(claude.prompts).toEqual(["wake up"]);
    expect(types(phone.events()).slice(-2)).toEqual(["user.prompt", "session.state:starting"]);
    expect(phone.all("error")).toEqual([]);
  });

  test("only a ready session is suspended: not during a turn, a permission request, or when idle already", async () => {
    const { claude, session, client } = setup();
    const phone = client("phone");
    session.join(phone, undefined);
    session.handle(phone, { type: "prompt", text: "work" });
    await session.suspend(); // busy
    claude.askPermission("r1");
    claude.setState("ready"); // the turn waits for the answer
    await settle();
    expect(session.state).toBe("waiting_permission");
    await session.suspend();
    expect(claude.stops).toBe(0);
    claude.state = "stopped";
    claude.pid = undefined;
    session.close(); // nothing pending any more matters here
    await session.suspend();
    expect(claude.stops).toBe(0);
  });

  test("a prompt that comes while Claude is still stopping is published at once and delivered once it has stopped, in order", async () => {
    const { claude, session, client } = setup();
    let exited!: () => void;
    claude.stopGate = new Promise((resolve) => (exited = resolve));
    const phone = client("phone");
    session.join(phone, undefined);
    const suspended = session.suspend();
    await settle();
    expect(claude.state).toBe("stopping");
    expect(session.state).toBe("idle");
    session.handle(phone, { type: "prompt", text: "first" });
    session.handle(phone, { type: "prompt", text: "second" });
    await settle();
    expect(
      phone
        .events()
        .filter((frame) => frame.type === "user.prompt")
        .map((frame) => frame.text),
    ).toEqual(["first", "second"]);
    expect(claude.prompts).toEqual([]);
    expect(claude.starts).toBe(0);
    exited();
    await suspended;
    await settle();
    expect(claude.starts).toBe(1);
    expect(claude.prompts).toEqual(["first", "second"]);
    expect(session.state).toBe("starting");
    expect(phone.all("error")).toEqual([]);
  });

  test("ended while suspending: the prompts held meanwhile are not delivered, and the log says so", async () => {
    const { claude, session, client, logs } = setup();
    let exited!: () => void;
    claude.stopGate = new Promise((resolve) => (exited = resolve));
    const phone = client("phone");
    session.join(phone, undefined);
    const suspended = session.suspend();
    session.handle(phone, { type: "prompt", text: "held" });
    const ended = session.end();
    exited();
    await Promise.all([suspended, ended]);
    expect(claude.starts).toBe(0);
    expect(claude.prompts).toEqual([]);
    expect(logs.some((line) => line.level === "warn" && line.msg.includes("not delivered") && line.count === 1)).toBe(true);
    expect(phone.events().at(-1)).toMatchObject({ type: "session.state", state: "stopping", claudePid: 0 });
  });
});
