/**
 * A long session's events as the relay keeps them (its `events-<sessionId>.jsonl`), for the web
 * app's rendering test and benchmark: turns of a user prompt, Claude's markdown, an Edit (a diff, asked
 * for and allowed), a Bash run with its output, a Read with its result, a summary and the turn's
 * end — exactly `count` events, the last one assistant text (so a page shows it last).
 *
 * @example
 * ```ts
 * prepareLongSession({ stateDir, cwd, sessionId: randomUUID(), events: 2000 }); // then start the relay on stateDir
 * ```
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeSessionEvent } from "../../src/protocol/encode.ts";

type Event = { type: string } & Record<string, unknown>;

const BY = "c-bench-laptop";

function assistant(sessionId: string, content: Record<string, unknown>[]): Event {
  return { type: "claude.event", event: { type: "assistant", session_id: sessionId, message: { role: "assistant", content } } };
}

function toolResult(sessionId: string, toolUseId: string, content: string): Event {
  return {
    type: "claude.event",
    event: { type: "user", session_id: sessionId, message: { role: "user", content: [{ type: "tool_result", tool_use_id: toolUseId, content }] } },
  };
}

function markdown(turn: number): string {
  return [
    `Turn ${turn}: the parser drops **trailing commas** in \`parseList\`, so \`[1, 2,]\` fails.`,
    "",
    "Plan:",
    "",
    `1. Accept a comma before \`]\` in \`src/parser/list.ts\` (line ${40 + (turn % 60)}).`,
    "2. Add a test for nested lists.",
    "3. Run the suite.",
    "",
    turn % 3 === 0
      ? '```ts\nexport function parseList(tokens: Token[]): Node[] {\n  const items: Node[] = [];\n  while (!at(tokens, "]")) items.push(parseItem(tokens));\n  return items;\n}\n```'
      : "See [the grammar](https://example.com/grammar) for the rule.",
  ].join("\n");
}

function editInput(turn: number): Record<string, unknown> {
  const before = Array.from({ length: 6 }, (_, line) => `  const item${line} = parseItem(tokens, ${turn + line});`).join("\n");
  const after = `${before}\n  if (at(tokens, ",")) next(tokens); // trailing comma (turn ${turn})`;
  return { file_path: `/home/me/code/app/src/parser/list-${turn % 17}.ts`, old_string: before, new_string: after };
}

function testOutput(turn: number): string {
  const lines = Array.from({ length: 18 }, (_, line) => ` ✓ parser › list › case ${turn}.${line} (${(line * 7) % 13} ms)`);
  return `> app@1.0.0 test\n> bun test parser\n\n${lines.join("\n")}\n\n 18 pass\n 0 fail`;
}

function fileText(turn: number): string {
  return Array.from(
    { length: 30 },
    (_, line) => `${String(line + 1).padStart(4)}\tconst value${line} = compute(${turn}, ${line}); // keeps the grammar's order`,
  ).join("\n");
}

/** The events of one turn (10, or 12 with a permission request and its answer). */
function turnEvents(sessionId: string, turn: number): Event[] {
  const id = (name: string) => `toolu_${turn}_${name}`;
  const asked = turn % 4 === 0;
  return [
    { type: "user.prompt", text: `Fix the trailing comma bug, part ${turn}; then run the parser tests`, by: BY },
    assistant(sessionId, [{ type: "text", text: markdown(turn) }]),
    assistant(sessionId, [{ type: "tool_use", id: id("edit"), name: "Edit", input: editInput(turn) }]),
    ...(asked
      ? [
          { type: "permission.request", requestId: `req-${turn}`, toolName: "Edit", input: editInput(turn), toolUseId: id("edit") },
          { type: "permission.resolved", requestId: `req-${turn}`, behavior: "allow", by: BY },
        ]
      : []),
    toolResult(sessionId, id("edit"), `The file /home/me/code/app/src/parser/list-${turn % 17}.ts has been updated.`),
    assistant(sessionId, [{ type: "tool_use", id: id("bash"), name: "Bash", input: { command: "bun test parser", description: "Run the parser tests" } }]),
    toolResult(sessionId, id("bash"), testOutput(turn)),
    assistant(sessionId, [{ type: "tool_use", id: id("read"), name: "Read", input: { file_path: `/home/me/code/app/src/parser/item-${turn % 11}.ts` } }]),
    toolResult(sessionId, id("read"), fileText(turn)),
    assistant(sessionId, [{ type: "text", text: `All 18 parser tests pass after turn ${turn}. The change is limited to \`list-${turn % 17}.ts\`.` }]),
    {
      type: "claude.event",
      event: { type: "result", subtype: "success", is_error: false, duration_ms: 4200 + turn, total_cost_usd: 0.012, session_id: sessionId },
    },
  ];
}

/** `count` events of session `sessionId`, seq 1 … count, as JSON lines. */
export function longConversation(sessionId: string, count: number): string[] {
  const events: Event[] = [];
  for (let turn = 1; events.length < count - 1; turn++) events.push(...turnEvents(sessionId, turn));
  events.length = count - 1;
  events.push(assistant(sessionId, [{ type: "text", text: `That was the last of ${count} events.` }]));
  return events.map((event, index) => encodeSessionEvent(sessionId, index + 1, event));
}

/**
 * `count` events that each make a very short item: a first prompt, then turn ends (a thin rule
 * each), the last one assistant text — so a page of earlier items is far shorter than a screen.
 */
export function shortItemsConversation(sessionId: string, count: number): string[] {
  const events: Event[] = [{ type: "user.prompt", text: "The first prompt", by: BY }];
  while (events.length < count - 1)
    events.push({ type: "claude.event", event: { type: "result", subtype: "success", is_error: false, session_id: sessionId } });
  events.push(assistant(sessionId, [{ type: "text", text: `That was the last of ${count} events.` }]));
  return events.map((event, index) => encodeSessionEvent(sessionId, index + 1, event));
}

/**
 * A state dir in which a relay started for `cwd` resumes session `sessionId` (sessions.json) with
 * `events` events already in its log, to replay to the clients that log in: mixed turns, or
 * (`shape: "short"`) {@link shortItemsConversation}.
 */
export function prepareLongSession({
  stateDir,
  cwd,
  sessionId,
  events,
  shape = "mixed",
}: {
  stateDir: string;
  cwd: string;
  sessionId: string;
  events: number;
  shape?: "mixed" | "short";
}): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(stateDir, "sessions.json"), JSON.stringify({ version: 1, sessions: { [cwd]: { sessionId, updatedAt: new Date().toISOString() } } }));
  const lines = shape === "short" ? shortItemsConversation(sessionId, events) : longConversation(sessionId, events);
  writeFileSync(join(stateDir, `events-${sessionId}.jsonl`), `${lines.join("\n")}\n`);
}
