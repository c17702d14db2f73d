#!/usr/bin/env bun
/**
 * Records real stream-json lines of the Claude Code CLI (node_modules/.bin/claude, run with
 * `--include-partial-messages`) against the fake Messages API into test/fixtures/claude-<version>/,
 * one `<scenario>.jsonl` per scenario, for the unit tests of what the relay reads from them
 * (src/session/status.ts). Control requests the relay sends and Claude's answers go into
 * `<scenario>.control.jsonl` as `{"request":…,"response":…}`.
 *
 * Scenarios: `partial-text` (a thinking block, then text one word per delta; logged in with an
 * OAuth token so that Claude reads the fake's `anthropic-ratelimit-unified-*` headers and prints a
 * `rate_limit_event`; then `get_context_usage`), `api-retry` (the API answers 529 once), `tool-progress`
 * (a 6 s Bash loop; Claude prints `tool_progress` only where it believes it runs in a container,
 * `CLAUDE_CODE_CONTAINER_ID`), `compact` (`/compact`), `subagent-stop` (a Task tool_use starts a
 * sub-agent whose own request the fake holds open; `stop_task` stops it, and an unknown id).
 *
 *     bun scripts/record-claude-fixtures.ts            # every scenario
 *     bun scripts/record-claude-fixtures.ts api-retry  # one
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ClaudeSupervisor } from "../src/claude/supervisor.ts";
import { CLAUDE_BIN, recordSupervisor, startClaudeHarness, waitFor } from "../test/support/claude-harness.ts";
import { apiError, heldText, streamedWords, text, toolUse } from "../test/support/fake-anthropic.ts";

const version = execFileSync(CLAUDE_BIN, ["--version"], { encoding: "utf8" }).split(" ")[0]!.trim();
const dir = join(import.meta.dir, "..", "test", "fixtures", `claude-${version}`);
mkdirSync(dir, { recursive: true });

type Harness = Awaited<ReturnType<typeof startClaudeHarness>>;
type Run = (h: Harness, claude: ClaudeSupervisor, turn: (prompt: string) => Promise<void>, control: Control) => Promise<void>;
type Control = (subtype: string, fields?: Record<string, unknown>) => Promise<unknown>;

const inAnHour = () => String(Math.floor(Date.now() / 1000) + 3600);

const scenarios: Record<string, { env?: (env: Record<string, string | undefined>) => void; run: Run }> = {
  "partial-text": {
    env: (env) => {
      delete env.ANTHROPIC_API_KEY;
      env.CLAUDE_CODE_OAUTH_TOKEN = "sk-ant-oat01-fixture";
    },
    run: async (h, _claude, turn, control) => {
      h.api.setResponseHeaders({
        "anthropic-ratelimit-unified-status": "allowed_warning",
        "anthropic-ratelimit-unified-reset": inAnHour(),
        "anthropic-ratelimit-unified-representative-claim": "five_hour",
        "anthropic-ratelimit-unified-5h-utilization": "0.92",
        "anthropic-ratelimit-unified-5h-reset": inAnHour(),
        "anthropic-ratelimit-unified-5h-surpassed-threshold": "0.9",
      });
      h.api.enqueue(streamedWords("The answer is forty two.", undefined, "let me think"));
      await turn("what is the answer");
      await control("get_context_usage");
    },
  },
  "api-retry": {
    run: async (h, _claude, turn) => {
      h.api.enqueue(apiError(529, "Overloaded"), text("after a retry"));
      await turn("hello");
    },
  },
  "tool-progress": {
    env: (env) => {
      env.CLAUDE_CODE_CONTAINER_ID = "relay-fixture";
    },
    run: async (h, claude, turn) => {
      claude.on("permissionRequest", (request) => claude.answerPermission(request, { behavior: "allow", updatedInput: request.input }));
      h.api.enqueue(toolUse("Bash", { command: "for i in 1 2 3 4 5 6; do echo tick $i; sleep 1; done", description: "Count to six" }), text("done"));
      await turn("count");
    },
  },
  compact: {
    run: async (_h, _claude, turn) => {
      await turn("hello");
      await turn("/compact");
    },
  },
  "subagent-stop": {
    run: async (h, claude, _turn, control) => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      h.api.enqueue(
        toolUse("Task", { description: "Look around", prompt: "list the files", subagent_type: "general-purpose" }),
        heldText("the sub-agent's answer", held),
        text("stopped it"),
      );
      const record = recordSupervisor(claude);
      claude.prompt("start a sub-agent");
      await waitFor(() => record.events.some((e) => e.subtype === "task_started"), "task_started", 60_000);
      const started = record.events.find((e) => e.subtype === "task_started")!;
      await control("stop_task", { task_id: started.task_id });
      await control("stop_task", { task_id: "no-such-task" });
      await waitFor(() => record.results().length > 0, "result", 60_000);
      release();
    },
  },
};

const wanted = process.argv.slice(2);
for (const [name, scenario] of Object.entries(scenarios)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const h = await startClaudeHarness();
  scenario.env?.(h.env);
  const claude = new ClaudeSupervisor({ bin: CLAUDE_BIN, cwd: h.cwd, env: h.env, claudeTimeoutMs: 60_000, extraArgs: ["--include-partial-messages"] });
  const record = recordSupervisor(claude);
  const controls: string[] = [];
  const control: Control = async (subtype, fields = {}) => {
    const result = await claude.control(subtype, fields);
    controls.push(JSON.stringify({ request: { subtype, ...fields }, response: result }));
    return result;
  };
  let turns = 0;
  const turn = async (prompt: string) => {
    turns += 1;
    claude.prompt(prompt);
    await waitFor(() => record.results().length >= turns, `result of turn ${turns}`, 60_000);
  };
  try {
    await claude.start();
    await waitFor(() => claude.state === "ready", "ready", 60_000);
    await scenario.run(h, claude, turn, control);
  } finally {
    await claude.stop();
    await h.close();
  }
  // the temp directories and session ids vary per run; the shapes are what matters
  writeFileSync(join(dir, `${name}.jsonl`), `${record.lines.join("\n")}\n`);
  if (controls.length > 0) writeFileSync(join(dir, `${name}.control.jsonl`), `${controls.join("\n")}\n`);
  console.log(`${name}: ${record.lines.length} lines`);
}
