#!/usr/bin/env bun
/**
 * A synthetic Claude Code for benchmarks: speaks the stream-json protocol of
 * docs/claude-stream-json.md without any model, so relay throughput can be measured alone.
 *
 * Use it as `--claude-bin bench/support/synthetic-claude.ts` (it accepts and ignores Claude's args,
 * except the session id). Per user message it prints a system init line, SYNTH_EVENTS assistant
 * lines (default 10) of about SYNTH_EVENT_BYTES bytes of text (default 200), SYNTH_DELAY_MS apart
 * (default 0), then a result line. A prompt starting with "permission" first asks `can_use_tool`
 * for a Write and waits for the answer.
 *
 * For benchmarks: SYNTH_RATE paces the assistant lines at that many per second on a fixed
 * schedule (0, the default, means as fast as possible); SYNTH_TIMESTAMP=1 puts the wall-clock time
 * of printing, `performance.timeOrigin + performance.now()` in ms, into each assistant line as
 * `"sent_at"` (second field, so a reader finds it cheaply). A prompt of the form
 * `synth events=N bytes=B rate=R` overrides those settings for its turn. Control requests `initialize`, `mcp_status` and
 * `interrupt` are answered at once (interrupt ends the running turn); others get an error.
 *
 * Partial messages (the live view): `--help` lists `--include-partial-messages` only with
 * SYNTH_PARTIAL=1 (by default it is like Claude 2.0.77, which has no such flag); started with that
 * flag, a turn prompted `synth … stream=1` prints its lines as `stream_event` text deltas of the
 * same size (with `sent_at` too) instead of `assistant` lines.
 *
 * @example
 * ```sh
 * SYNTH_EVENTS=1000 SYNTH_EVENT_BYTES=1024 bun bench/support/synthetic-claude.ts -p --session-id "$(uuidgen)"
 * ```
 */
import { randomUUID } from "node:crypto";
import { LineSplitter } from "../../src/claude/line-splitter.ts";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
if (args.includes("--help")) {
  process.stdout.write("Usage: claude [options] [command] [prompt]\n  --verbose  Override verbose mode setting from config\n");
  if (process.env.SYNTH_PARTIAL === "1") process.stdout.write("  --include-partial-messages  Include partial message chunks as they arrive\n");
  process.exit(0);
}
const partialMessages = args.includes("--include-partial-messages");
const sessionId = flag("--session-id") ?? flag("--resume") ?? randomUUID();
const eventsPerTurn = Number(process.env.SYNTH_EVENTS ?? 10);
const eventBytes = Number(process.env.SYNTH_EVENT_BYTES ?? 200);
const delayMs = Number(process.env.SYNTH_DELAY_MS ?? 0);
const linesPerSecond = Number(process.env.SYNTH_RATE ?? 0);
const stamp = process.env.SYNTH_TIMESTAMP === "1";

interface TurnShape {
  events: number;
  bytes: number;
  rate: number;
  /** 1: stream_event deltas instead of assistant lines (when started with --include-partial-messages). */
  stream: number;
}

/** `synth events=N bytes=B rate=R` (any subset) overrides the environment's shape for one turn. */
function turnShape(text: string): TurnShape {
  const shape = { events: eventsPerTurn, bytes: eventBytes, rate: linesPerSecond, stream: 0 };
  if (!text.startsWith("synth ")) return shape;
  for (const [, key, value] of text.matchAll(/(events|bytes|rate|stream)=(\d+)/g)) shape[key as keyof TurnShape] = Number(value);
  return shape;
}

const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Turn = { text: string };
const turns: Turn[] = [];
let wakeTurns: (() => void) | null = null;
let interrupted = false;
const permissionAnswers = new Map<string, (answer: { behavior?: string }) => void>();

function onControlRequest(requestId: string, subtype: string): void {
  const success = (response?: unknown) =>
    print({ type: "control_response", response: { subtype: "success", request_id: requestId, ...(response ? { response } : {}) } });
  switch (subtype) {
    case "initialize":
      return success({ commands: [], models: [], pid: process.pid });
    case "mcp_status":
      return success({ mcpServers: [] });
    case "interrupt":
      interrupted = true;
      for (const [id, resolve] of permissionAnswers) {
        print({ type: "control_cancel_request", request_id: id });
        resolve({ behavior: "cancelled" });
      }
      permissionAnswers.clear();
      return success();
    default:
      print({ type: "control_response", response: { subtype: "error", request_id: requestId, error: `Unsupported control request subtype: ${subtype}` } });
  }
}

async function askPermission(): Promise<string> {
  const requestId = randomUUID();
  const answer = new Promise<{ behavior?: string }>((resolve) => permissionAnswers.set(requestId, resolve));
  print({
    type: "control_request",
    request_id: requestId,
    request: {
      subtype: "can_use_tool",
      tool_name: "Write",
      display_name: "Write",
      input: { file_path: "/tmp/synthetic.txt", content: "synthetic" },
      description: "synthetic.txt",
      permission_suggestions: [],
      tool_use_id: `toolu_${requestId.slice(0, 8)}`,
    },
  });
  return (await answer).behavior ?? "deny";
}

async function runTurns(): Promise<void> {
  for (;;) {
    const turn = turns.shift();
    if (!turn) {
      await new Promise<void>((r) => (wakeTurns = r));
      continue;
    }
    interrupted = false;
    const started = Date.now();
    print({
      type: "system",
      subtype: "init",
      session_id: sessionId,
      cwd: process.cwd(),
      tools: ["Write"],
      model: "synthetic",
      permissionMode: "default",
      uuid: randomUUID(),
    });
    const permission = turn.text.startsWith("permission") ? await askPermission() : null;
    const shape = turnShape(turn.text);
    const filler = "x".repeat(Math.max(0, shape.bytes - 200));
    const paceStart = performance.now();
    for (let i = 0; i < shape.events && !interrupted; i++) {
      if (shape.rate > 0) {
        const due = paceStart + (i * 1000) / shape.rate;
        const now = performance.now();
        if (due > now + 0.5) await sleep(due - now);
      }
      if (shape.stream === 1 && partialMessages) {
        print({
          type: "stream_event",
          ...(stamp && { sent_at: performance.timeOrigin + performance.now() }),
          event: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: `${i} ${filler}` } },
          session_id: sessionId,
          parent_tool_use_id: null,
          uuid: randomUUID(),
        });
        continue;
      }
      print({
        type: "assistant",
        ...(stamp && { sent_at: performance.timeOrigin + performance.now() }),
        message: { id: `msg_${i}`, type: "message", role: "assistant", model: "synthetic", content: [{ type: "text", text: `${i} ${filler}` }] },
        parent_tool_use_id: null,
        session_id: sessionId,
        uuid: randomUUID(),
      });
      if (delayMs > 0) await sleep(delayMs);
    }
    print({
      type: "result",
      subtype: interrupted ? "error_during_execution" : "success",
      is_error: interrupted,
      duration_ms: Date.now() - started,
      num_turns: 1,
      result: interrupted ? undefined : `echo: ${turn.text}`,
      session_id: sessionId,
      permission: permission ?? undefined,
      uuid: randomUUID(),
    });
  }
}

function onLine(text: string): void {
  let message: {
    type?: string;
    request_id?: string;
    request?: { subtype?: string };
    response?: { request_id?: string; response?: { behavior?: string } };
    message?: { content?: unknown };
  };
  try {
    message = JSON.parse(text);
  } catch {
    // Like Claude Code: a non-JSON input line is fatal.
    process.stderr.write(`Error parsing streaming input line: ${text}\n`);
    process.exit(1);
  }
  if (message.type === "control_request" && message.request_id) {
    onControlRequest(message.request_id, String(message.request?.subtype));
  } else if (message.type === "control_response") {
    const id = message.response?.request_id ?? "";
    permissionAnswers.get(id)?.(message.response?.response ?? {});
    permissionAnswers.delete(id);
  } else if (message.type === "user") {
    const content = message.message?.content;
    turns.push({ text: typeof content === "string" ? content : JSON.stringify(content) });
    wakeTurns?.();
    wakeTurns = null;
  }
}

void runTurns();
const splitter = new LineSplitter();
for await (const chunk of process.stdin as AsyncIterable<Uint8Array>) {
  for (const event of splitter.push(chunk)) if (event.kind === "line") onLine(event.text);
}
process.exit(0);
