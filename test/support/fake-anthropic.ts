/**
 * A tiny fake of the Anthropic Messages API for driving the real Claude Code CLI in tests.
 *
 * Listens on 127.0.0.1 (port 0), streams SSE answers to `POST /v1/messages`, records every
 * request (so a test can check that a resumed session's request carries the earlier turns) and
 * answers the other endpoints Claude probes with harmless defaults.
 *
 * Answers are scripted per test: a FIFO queue (`enqueue`) consulted first, then a fallback
 * function of the request (`setFallback`, default: a short text answer).
 *
 * @example
 * ```ts
 * const api = await startFakeAnthropic();
 * api.enqueue(toolUse("Write", { file_path: "/tmp/x", content: "hi" }), text("done"));
 * // run claude with ANTHROPIC_BASE_URL=api.url …
 * expect(api.messageRequests().length).toBe(2);
 * await api.close();
 * ```
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One scripted answer to a Messages request. */
export type FakeAnswer =
  | { kind: "text"; text: string }
  | { kind: "tool_use"; name: string; input: Record<string, unknown>; id: string }
  /** Streams message_start, then waits `ms` before the text (to keep a turn busy). */
  | { kind: "slow_text"; text: string; ms: number }
  /** Streams message_start, then waits until `release` settles before the text (a turn held open by the test). */
  | { kind: "held_text"; text: string; release: Promise<unknown> }
  /**
   * Text streamed one delta per word (each word keeps its following space), optionally after a
   * thinking block; before word i (from the second on) the fake awaits `pace(i)`, so a test can
   * hold the rest of the stream until a client has seen the first words.
   */
  | { kind: "words"; words: string[]; pace?: (index: number) => Promise<unknown>; thinking?: string }
  /** An HTTP error status with an Anthropic-style error body. */
  | { kind: "error"; status: number; message: string };

/** A request the fake received. `body` is the parsed JSON body (undefined when not JSON). */
export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

/** The JSON body of a Messages request, as far as tests look at it. */
export interface MessagesBody {
  model: string;
  stream?: boolean;
  messages: { role: "user" | "assistant"; content: unknown }[];
  [key: string]: unknown;
}

export interface FakeAnthropic {
  /** Base URL for ANTHROPIC_BASE_URL, e.g. http://127.0.0.1:43210 */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Only the `POST /v1/messages` bodies, in order. */
  messageRequests(): MessagesBody[];
  /** Queues answers for the next Messages requests (first in, first out). */
  enqueue(...answers: FakeAnswer[]): void;
  /** Answers used when the queue is empty; receives the request body. */
  setFallback(fn: (body: MessagesBody) => FakeAnswer): void;
  /** Extra response headers for Messages answers (e.g. `anthropic-ratelimit-unified-*`), until reset. */
  setResponseHeaders(headers: Record<string, string>): void;
  /** Clears the queue, the recorded requests and restores the default fallback. */
  reset(): void;
  close(): Promise<void>;
}

/** A text answer. */
export function text(value: string): FakeAnswer {
  return { kind: "text", text: value };
}

let toolUseCounter = 0;

/** A tool_use answer; Claude asks permission for tools such as Write or Bash. */
export function toolUse(name: string, input: Record<string, unknown>): FakeAnswer {
  toolUseCounter += 1;
  return { kind: "tool_use", name, input, id: `toolu_fake${String(toolUseCounter).padStart(6, "0")}` };
}

/** An HTTP error as the real API sends it, e.g. `apiError(401, "invalid x-api-key")` for a wrong key. */
export function apiError(status: number, message: string): FakeAnswer {
  return { kind: "error", status, message };
}

/** The Anthropic error type for an HTTP status (what the real API puts in `error.type`). */
const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  429: "rate_limit_error",
  529: "overloaded_error",
};

/** A text answer delayed by `ms` after message_start (keeps Claude busy mid-turn). */
export function slowText(value: string, ms: number): FakeAnswer {
  return { kind: "slow_text", text: value, ms };
}

/** A text answer held back until `release` settles (keeps Claude busy mid-turn for as long as the test needs). */
export function heldText(value: string, release: Promise<unknown>): FakeAnswer {
  return { kind: "held_text", text: value, release };
}

/**
 * A text answer streamed one word per delta (see the `words` answer), e.g.
 * `streamedWords("one two three", (i) => seen[i - 1])` sends "two " only once `seen[0]` settled.
 */
export function streamedWords(value: string, pace?: (index: number) => Promise<unknown>, thinking?: string): FakeAnswer {
  const words = value.split(/(?<= )/);
  return { kind: "words", words, ...(pace && { pace }), ...(thinking !== undefined && { thinking }) };
}

/** The text of the last user message of a Messages request (what the prompt said), or "". */
export function lastUserText(body: MessagesBody): string {
  const content = body.messages.filter((message) => message.role === "user").at(-1)?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter((block): block is { type: "text"; text: string } => block?.type === "text" && typeof block.text === "string")
    .map((block) => block.text)
    .join("\n");
}

const defaultFallback = (): FakeAnswer => text("ok");

/** Starts the fake API on 127.0.0.1 with a free port. */
export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const queue: FakeAnswer[] = [];
  let fallback: (body: MessagesBody) => FakeAnswer = defaultFallback;
  let messageCounter = 0;
  let responseHeaders: Record<string, string> = {};

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    requests.push({ method: req.method ?? "GET", path, body });

    if (req.method === "POST" && path === "/v1/messages/count_tokens") {
      return json(res, 200, { input_tokens: 10 });
    }
    if (req.method === "POST" && path === "/v1/messages") {
      const messagesBody = body as MessagesBody;
      const answer = queue.shift() ?? fallback(messagesBody);
      messageCounter += 1;
      return answerMessages(res, answer, messagesBody, `msg_fake${messageCounter}`, responseHeaders);
    }
    if (req.method === "HEAD") {
      res.writeHead(200).end();
      return;
    }
    // Anything else (model lists, settings, metrics) gets an empty success.
    return json(res, 200, {});
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messageRequests: () => requests.filter((r) => r.method === "POST" && r.path === "/v1/messages").map((r) => r.body as MessagesBody),
    enqueue: (...answers) => queue.push(...answers),
    setFallback: (fn) => {
      fallback = fn;
    },
    setResponseHeaders: (headers) => {
      responseHeaders = headers;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      fallback = defaultFallback;
      responseHeaders = {};
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

async function answerMessages(res: ServerResponse, answer: FakeAnswer, body: MessagesBody, id: string, headers: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (answer.kind === "error") {
    return json(res, answer.status, { type: "error", error: { type: ERROR_TYPES[answer.status] ?? "api_error", message: answer.message } });
  }
  const model = body?.model ?? "claude-fake";
  const usage = { input_tokens: 10, output_tokens: 5 };
  if (body?.stream === false) {
    // Non-streaming callers get the whole message at once.
    return json(res, 200, {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [contentBlock(answer)],
      stop_reason: answer.kind === "tool_use" ? "tool_use" : "end_turn",
      stop_sequence: null,
      usage,
    });
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send("message_start", {
    type: "message_start",
    message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage },
  });
  if (answer.kind === "slow_text") {
    await new Promise((r) => setTimeout(r, answer.ms));
    if (res.destroyed) return;
  }
  if (answer.kind === "held_text") {
    await answer.release;
    if (res.destroyed) return;
  }
  if (answer.kind === "tool_use") {
    send("content_block_start", {
      type: "content_block_start",
      index: 0,
      content_block: { type: "tool_use", id: answer.id, name: answer.name, input: {} },
    });
    send("content_block_delta", {
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: JSON.stringify(answer.input) },
    });
  } else if (answer.kind === "words") {
    let index = 0;
    if (answer.thinking !== undefined) {
      send("content_block_start", { type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } });
      send("content_block_delta", { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: answer.thinking } });
      send("content_block_delta", { type: "content_block_delta", index, delta: { type: "signature_delta", signature: "fake-signature" } });
      send("content_block_stop", { type: "content_block_stop", index });
      index += 1;
    }
    send("content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } });
    for (const [i, word] of answer.words.entries()) {
      if (i > 0 && answer.pace) await answer.pace(i);
      if (res.destroyed) return;
      send("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: word } });
    }
    send("content_block_stop", { type: "content_block_stop", index });
  } else {
    send("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
    send("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: answer.text } });
  }
  if (answer.kind !== "words") send("content_block_stop", { type: "content_block_stop", index: 0 });
  send("message_delta", {
    type: "message_delta",
    delta: { stop_reason: answer.kind === "tool_use" ? "tool_use" : "end_turn", stop_sequence: null },
    usage: { output_tokens: 5 },
  });
  send("message_stop", { type: "message_stop" });
  res.end();
}

function contentBlock(answer: Exclude<FakeAnswer, { kind: "error" }>): Record<string, unknown> {
  if (answer.kind === "tool_use") return { type: "tool_use", id: answer.id, name: answer.name, input: answer.input };
  return { type: "text", text: answer.kind === "words" ? answer.words.join("") : answer.text };
}
