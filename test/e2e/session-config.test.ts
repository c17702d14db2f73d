/**
 * A session's permission mode, model, pickers, "allow for this session", AskUserQuestion answers
 * and images, end to end: real WebSocket clients, the relay, the real Claude Code CLI behind the
 * fake Anthropic API.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commandLine } from "../support/claude-harness.ts";
import { type MessagesBody, text, toolUse } from "../support/fake-anthropic.ts";
import { IMAGES, imageBytes } from "../support/images.ts";
import { COLOR_AND_SIZES } from "../support/questions.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { waitFor } from "../support/wait.ts";
import type { Frame, TestClient } from "../support/ws-client.ts";

const TURN_MS = 30_000;

const isResultOf = (sessionId: string) => (frame: Frame) => frame.type === "claude.event" && frame.sessionId === sessionId && frame.event.type === "result";
const permissionOf = (sessionId: string) => (frame: Frame) => frame.type === "permission.request" && frame.sessionId === sessionId;
const initOf = (sessionId: string) => (frame: Frame) =>
  frame.type === "claude.event" && frame.sessionId === sessionId && frame.event.type === "system" && frame.event.subtype === "init";
const modeIs = (sessionId: string, permissionMode: string) => (frame: Frame) =>
  frame.type === "session.state" && frame.sessionId === sessionId && frame.permissionMode === permissionMode;

/** The blocks of the last user message of a Messages request (its newest prompt or tool result). */
function lastUserBlocks(body: MessagesBody): Array<Record<string, any>> {
  const content = body.messages.filter((message) => message.role === "user").at(-1)!.content;
  return typeof content === "string" ? [{ type: "text", text: content }] : (content as Array<Record<string, any>>);
}

/**
 * What `client` receives from now on: `frames()` so far, and `wait(match)` for the first matching
 * one, received already or later. Unlike TestClient.next it keeps no cursor, so frames whose order
 * is not fixed (Claude's status line, the state it causes, a result) can be waited for in any order.
 */
function watch(client: TestClient) {
  const from = client.frames.length;
  const frames = () => client.frames.slice(from);
  return {
    frames,
    async wait(match: (frame: Frame) => boolean, timeoutMs = TURN_MS): Promise<Frame> {
      await waitFor(() => frames().some(match), timeoutMs, "a matching frame");
      return frames().find(match)!;
    },
  };
}

async function configure(client: TestClient, sessionId: string, fields: Record<string, string>, id = `k-${Math.random()}`): Promise<Frame> {
  const seen = watch(client);
  client.send({ type: "session.configure", sessionId, id, ...fields });
  return seen.wait((frame) => (frame.type === "session.configured" || frame.type === "error") && frame.id === id, 15_000);
}

async function create(client: TestClient, fields: Record<string, string>, id = `c-${Math.random()}`): Promise<string> {
  const seen = watch(client);
  client.send({ type: "session.create", id, ...fields });
  const reply = await seen.wait((frame) => (frame.type === "session.created" || frame.type === "error") && frame.id === id);
  if (reply.type !== "session.created") throw new Error(`session.create refused: ${JSON.stringify(reply)}`);
  client.send({ type: "session.attach", sessionId: reply.sessionId });
  await seen.wait((frame) => frame.type === "session.attached" && frame.sessionId === reply.sessionId);
  return reply.sessionId;
}

describe("mode, model, pickers, permission answers and images", () => {
  let relay: TestRelay;
  let phone: TestClient;
  let session: string; // the default session
  let work: string;
  let home: string;
  beforeAll(async () => {
    relay = await startTestRelay({ flags: { maxSessions: 3 } });
    session = relay.relay.sessionId;
    work = join(relay.dir, "work");
    home = join(relay.dir, "home");
    await waitFor(() => relay.relay.session.health().state === "ready", 30_000, "the default session ready");
    phone = await relay.connectAuthenticated();
  });
  afterAll(async () => {
    await phone.close();
    await relay.stop();
  });

  test("pickers: session.attached and auth.ok carry Claude's models and slash commands and the modes this relay accepts", async () => {
    const seen = watch(phone);
    phone.send({ type: "session.attach", sessionId: session, lastSeq: 1_000_000, id: "a" });
    const attached = await seen.wait((frame) => frame.type === "session.attached");
    const { models, commands, permissionModes } = attached.capabilities;
    expect(permissionModes).toEqual(["default", "acceptEdits", "plan"]);
    expect(models.map((model: Frame) => model.value)).toEqual(expect.arrayContaining(["default", "sonnet", "haiku"]));
    expect(models.find((model: Frame) => model.value === "haiku")).toMatchObject({
      displayName: "Haiku",
      resolvedModel: expect.stringMatching(/^claude-haiku-/),
    });
    expect(commands.find((command: Frame) => command.name === "compact")).toMatchObject({ argumentHint: expect.any(String) });
    expect(Math.max(...commands.map((command: Frame) => Array.from(command.description ?? "").length))).toBeLessThanOrEqual(160);
    const late = await relay.connectAuthenticated();
    expect(late.authOk.capabilities).toEqual(attached.capabilities);
    await late.close();
  });

  test("acceptEdits lets a Write through with no permission request; state and the list show the mode", async () => {
    const seen = watch(phone);
    const configured = await configure(phone, session, { permissionMode: "acceptEdits" });
    expect(configured).toMatchObject({ type: "session.configured", sessionId: session, permissionMode: "acceptEdits" });
    await seen.wait(modeIs(session, "acceptEdits"));
    await seen.wait((frame) => frame.type === "sessions" && frame.sessions[0].permissionMode === "acceptEdits");
    relay.api.enqueue(toolUse("Write", { file_path: join(work, "accepted.txt"), content: "no questions" }), text("written"));
    const turn = watch(phone);
    phone.send({ type: "prompt", text: "write accepted.txt" });
    await turn.wait(isResultOf(session));
    expect(turn.frames().filter(permissionOf(session))).toEqual([]);
    expect(existsSync(join(work, "accepted.txt"))).toBe(true);
    expect(turn.frames().find(initOf(session))!.event.permissionMode).toBe("acceptEdits");
    await configure(phone, session, { permissionMode: "default" });
  });

  test("plan mode shows in state; ExitPlanMode allowed takes Claude back to default, and the session says so", async () => {
    expect(await configure(phone, session, { permissionMode: "plan" })).toMatchObject({ permissionMode: "plan" });
    relay.api.enqueue(toolUse("ExitPlanMode", { plan: "1. write the test\n2. make it pass" }), text("plan approved"));
    const turn = watch(phone);
    phone.send({ type: "prompt", text: "plan the work" });
    const request = await turn.wait(permissionOf(session));
    expect(request).toMatchObject({ toolName: "ExitPlanMode", input: { plan: "1. write the test\n2. make it pass" } });
    phone.send({ type: "permission.response", requestId: request.requestId, behavior: "allow" });
    await turn.wait(modeIs(session, "default"));
    await turn.wait(isResultOf(session));
    expect(relay.relay.sessions.list()[0]!.permissionMode).toBe("default");
  });

  test("model: haiku reaches the API as Claude's resolved id and shows as chosen; a nonsense model and bypassPermissions are refused and nothing changes", async () => {
    expect(await configure(phone, session, { model: "haiku" })).toMatchObject({ permissionMode: "default", model: "haiku" });
    const asked = relay.api.messageRequests().length;
    const turn = watch(phone);
    phone.send({ type: "prompt", text: "which model?" });
    await turn.wait(isResultOf(session));
    expect(relay.api.messageRequests()[asked]!.model).toBe("claude-haiku-4-5-20251001");
    // after the turn (whose init line said claude-haiku-…, the model the alias stands for) the session still says haiku
    const ready = await turn.wait((frame) => frame.type === "session.state" && frame.sessionId === session && frame.state === "ready");
    expect(ready.model).toBe("haiku");
    const since = watch(phone);
    expect(await configure(phone, session, { model: "nonsense-model" }, "bad-model")).toMatchObject({
      type: "error",
      code: "invalid_message",
      id: "bad-model",
    });
    expect(await configure(phone, session, { permissionMode: "bypassPermissions" }, "bad-mode")).toMatchObject({
      type: "error",
      code: "invalid_message",
      id: "bad-mode",
    });
    phone.send({ type: "session.configure", sessionId: session, permissionMode: "yolo", id: "schema" });
    expect(await since.wait((frame) => frame.id === "schema")).toMatchObject({
      code: "invalid_message",
      id: "schema",
      message: expect.stringContaining("permissionMode must be one of"),
    });
    phone.send({ type: "ping", id: "after-refusals" }); // answered after anything the refusals could have caused
    await since.wait((frame) => frame.type === "pong" && frame.id === "after-refusals");
    // The turn's throttled `sessions` update may land here; it must still show nothing changed.
    expect(since.frames().filter((frame) => frame.type !== "error" && frame.type !== "pong" && frame.type !== "sessions")).toEqual([]);
    for (const update of since.frames().filter((frame) => frame.type === "sessions")) {
      expect(update.sessions.find((info: Frame) => info.sessionId === session)).toMatchObject({ permissionMode: "default", model: "haiku" });
    }
    expect(relay.relay.sessions.list()[0]).toMatchObject({ permissionMode: "default", model: "haiku" });
    await configure(phone, session, { model: "default" });
  });

  test("allow for this session: a Read outside the directory asks once with Claude's suggestions; answered with them, the next Read there does not ask", async () => {
    const other = join(home, "notes");
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, "a.txt"), "alpha");
    writeFileSync(join(other, "b.txt"), "beta");
    relay.api.enqueue(toolUse("Read", { file_path: join(other, "a.txt") }), text("read a"));
    const first = watch(phone);
    phone.send({ type: "prompt", text: "read a.txt" });
    const request = await first.wait(permissionOf(session));
    expect(request.suggestions).toEqual([
      { type: "addRules", rules: [{ toolName: "Read", ruleContent: expect.stringContaining("/notes/**") }], behavior: "allow", destination: "session" },
    ]);
    phone.send({ type: "permission.response", requestId: request.requestId, behavior: "allow", updatedPermissions: request.suggestions });
    await first.wait(isResultOf(session));
    relay.api.enqueue(toolUse("Read", { file_path: join(other, "b.txt") }), text("read b"));
    const asked = relay.api.messageRequests().length;
    const second = watch(phone);
    phone.send({ type: "prompt", text: "read b.txt" });
    await second.wait(isResultOf(session));
    expect(second.frames().filter(permissionOf(session))).toEqual([]);
    expect(JSON.stringify(lastUserBlocks(relay.api.messageRequests()[asked + 1]!))).toContain("beta");
  });

  test("a setMode suggestion accepted with the answer switches the session's reported mode to acceptEdits", async () => {
    relay.api.enqueue(toolUse("Write", { file_path: join(work, "suggested.txt"), content: "x" }), text("done"));
    const turn = watch(phone);
    phone.send({ type: "prompt", text: "write suggested.txt" });
    const request = await turn.wait(permissionOf(session));
    const setMode = request.suggestions.filter((suggestion: Frame) => suggestion.type === "setMode");
    expect(setMode).toEqual([{ type: "setMode", mode: "acceptEdits", destination: "session" }]);
    phone.send({ type: "permission.response", requestId: request.requestId, behavior: "allow", updatedPermissions: setMode });
    await turn.wait(modeIs(session, "acceptEdits"));
    await turn.wait(isResultOf(session));
    expect(relay.relay.sessions.list()[0]!.permissionMode).toBe("acceptEdits");
    await configure(phone, session, { permissionMode: "default" });
  });

  test("AskUserQuestion: answered with allow and updatedInput {...input, answers}; the answers reach the tool result Claude sends the API", async () => {
    const questions = COLOR_AND_SIZES;
    relay.api.enqueue(toolUse("AskUserQuestion", { questions }), text("thanks"));
    const asked = relay.api.messageRequests().length;
    const turn = watch(phone);
    phone.send({ type: "prompt", text: "ask me" });
    const request = await turn.wait(permissionOf(session));
    expect(request).toMatchObject({ toolName: "AskUserQuestion", input: { questions } });
    const answers = { "Which color?": "Blue", "Which sizes?": "S, L" };
    phone.send({ type: "permission.response", requestId: request.requestId, behavior: "allow", updatedInput: { ...request.input, answers } });
    await turn.wait(isResultOf(session));
    const toolResult = lastUserBlocks(relay.api.messageRequests()[asked + 1]!).find((block) => block.type === "tool_result")!;
    expect(toolResult.content).toContain('"Which color?"="Blue", "Which sizes?"="S, L"');
  });

  test("images: a PNG and a JPEG reach the API as image blocks after the text; user.prompt lists them by type and size", async () => {
    const images = [
      { mediaType: "image/png", data: IMAGES["image/png"] },
      { mediaType: "image/jpeg", data: IMAGES["image/jpeg"] },
    ];
    const asked = relay.api.messageRequests().length;
    const turn = watch(phone);
    phone.send({ type: "prompt", text: "what is in these?", images, id: "img" });
    const echo = await turn.wait((frame) => frame.type === "user.prompt" && frame.id === "img");
    expect(echo.images).toEqual([
      { mediaType: "image/png", bytes: imageBytes("image/png") },
      { mediaType: "image/jpeg", bytes: imageBytes("image/jpeg") },
    ]);
    await turn.wait(isResultOf(session));
    const blocks = lastUserBlocks(relay.api.messageRequests()[asked]!);
    const at = blocks.findIndex((block) => block.type === "text" && block.text === "what is in these?");
    expect(blocks.slice(at + 1).map((block) => [block.type, block.source])).toEqual([
      ["image", { type: "base64", media_type: "image/png", data: IMAGES["image/png"] }],
      ["image", { type: "base64", media_type: "image/jpeg", data: IMAGES["image/jpeg"] }],
    ]);
  });

  test("images refused — wrong magic, bad base64, a type not allowed, too many — with invalid_message naming the problem; nothing reaches Claude or the API", async () => {
    const png = { mediaType: "image/png", data: IMAGES["image/png"] };
    const cases: Array<[unknown[], string]> = [
      [[{ mediaType: "image/png", data: IMAGES["image/gif"] }], "image 1 is declared image/png, but its bytes are a GIF image (image/gif)"],
      [[png, { mediaType: "image/png", data: "iVBORw0KGgo" }], "image 2: data is not valid base64"],
      [
        [{ mediaType: "image/svg+xml", data: Buffer.from("<svg/>").toString("base64") }],
        'images[0].mediaType must be one of "image/png", "image/jpeg", "image/gif", "image/webp"',
      ],
      [Array.from({ length: 9 }, () => png), "images must have at most 8 items"],
    ];
    const asked = relay.api.messageRequests().length;
    const seq = relay.relay.session.health().replay.lastSeq;
    const seen = watch(phone);
    for (const [index, [images, problem]] of cases.entries()) {
      phone.send({ type: "prompt", text: "look", images, id: `bad-${index}` });
      const error = await seen.wait((frame) => frame.type === "error" && frame.id === `bad-${index}`);
      expect(error.code).toBe("invalid_message");
      expect(error.message).toContain(problem);
    }
    expect(relay.relay.session.health().replay.lastSeq).toBe(seq); // no user.prompt, nothing numbered
    // a good prompt after them is the only one Claude gets
    phone.send({ type: "prompt", text: "the good one" });
    await seen.wait(isResultOf(session));
    expect(
      relay.api
        .messageRequests()
        .slice(asked)
        .map(
          (body) =>
            lastUserBlocks(body)
              .filter((block) => block.type === "text")
              .at(-1)?.text,
        ),
    ).toEqual(["the good one"]);
  });

  test("session.create with a mode and model: the first turn already runs with them; Claude killed and restarted is told them again", async () => {
    const dir = join(home, "project");
    mkdirSync(dir, { recursive: true });
    const created = await create(phone, { cwd: dir, permissionMode: "acceptEdits", model: "haiku" });
    expect(relay.relay.sessions.list().find((info) => info.sessionId === created)).toMatchObject({ permissionMode: "acceptEdits", model: "haiku" });
    const writeTurn = async (name: string) => {
      relay.api.enqueue(toolUse("Write", { file_path: join(dir, name), content: name }), text(`wrote ${name}`));
      const asked = relay.api.messageRequests().length;
      const turn = watch(phone);
      phone.send({ type: "prompt", text: `write ${name}`, sessionId: created });
      await turn.wait(isResultOf(created));
      expect(turn.frames().filter(permissionOf(created))).toEqual([]);
      expect(turn.frames().find(initOf(created))!.event).toMatchObject({ permissionMode: "acceptEdits", model: "claude-haiku-4-5-20251001" });
      expect(relay.api.messageRequests()[asked]!.model).toBe("claude-haiku-4-5-20251001");
      expect(existsSync(join(dir, name))).toBe(true);
    };
    await writeTurn("first.txt");

    const pid = relay.relay.sessions.health().find((health) => health.sessionId === created)!.claudePid;
    const restart = watch(phone);
    process.kill(pid, "SIGKILL");
    await restart.wait((frame) => frame.type === "session.state" && frame.sessionId === created && frame.state === "ready" && frame.claudePid !== pid);
    await writeTurn("after-restart.txt"); // a Claude resumed with --resume starts in default mode and its launch model

    const stop = watch(phone);
    phone.send({ type: "session.stop", sessionId: created });
    await stop.wait((frame) => frame.type === "session.stopped" && frame.sessionId === created, 15_000);
  });

  test("session.create with a mode or model that is not allowed creates nothing", async () => {
    const before = relay.relay.sessions.list().length;
    const seen = watch(phone);
    for (const [fields, id] of [
      [{ permissionMode: "bypassPermissions" }, "x1"],
      [{ model: "gpt-4" }, "x2"],
    ] as const) {
      phone.send({ type: "session.create", cwd: home, id, ...fields });
      const error = await seen.wait((frame) => frame.type === "error" && frame.id === id);
      expect(error).toMatchObject({ code: "invalid_message", message: expect.stringMatching(/; nothing was created$/) });
    }
    expect(relay.relay.sessions.list()).toHaveLength(before);
  });
});

describe("--allow-bypass-permissions", () => {
  test("Claude is started so it can switch; bypassPermissions may be chosen and Claude runs in it", async () => {
    // Claude Code refuses its bypass flags as root unless it is told it runs in a sandbox
    const relay = await startTestRelay({ flags: { allowBypassPermissions: true }, env: { IS_SANDBOX: "1" } });
    try {
      await waitFor(() => relay.relay.session.health().state === "ready", 30_000, "the default session ready");
      expect(commandLine(relay.relay.claude.pid!)).toContain("--allow-dangerously-skip-permissions");
      const client = await relay.connectAuthenticated();
      const session = relay.relay.sessionId;
      expect(client.authOk.capabilities.permissionModes).toEqual(["default", "acceptEdits", "plan", "bypassPermissions"]);
      expect(await configure(client, session, { permissionMode: "bypassPermissions" })).toMatchObject({
        type: "session.configured",
        permissionMode: "bypassPermissions",
      });
      const turn = watch(client);
      client.send({ type: "prompt", text: "hi" });
      const init = await turn.wait(initOf(session));
      expect(init.event.permissionMode).toBe("bypassPermissions");
      await turn.wait(isResultOf(session));
      await client.close();
    } finally {
      await relay.stop();
    }
  });
});
