import { startClaudeHarness, recordSupervisor, CLAUDE_BIN, waitFor } from "../test/support/claude-harness.ts";
import { ClaudeSupervisor } from "../src/claude/supervisor.ts";
import { streamedWords, toolUse, text, apiError, heldText } from "../test/support/fake-anthropic.ts";

const h = await startClaudeHarness();
const scenario = process.argv[2];
if (process.env.OAUTH) { delete h.env.ANTHROPIC_API_KEY; h.env.CLAUDE_CODE_OAUTH_TOKEN = "sk-ant-oat01-fake"; }
if (process.env.CONTAINER) h.env.CLAUDE_CODE_CONTAINER_ID = "relay-test";
const claude = new ClaudeSupervisor({ bin: CLAUDE_BIN, cwd: h.cwd, env: h.env, claudeTimeoutMs: 30000, extraArgs: ["--include-partial-messages"] });
const rec = recordSupervisor(claude);
claude.on("permissionRequest", (r) => claude.answerPermission(r, { behavior: "allow", updatedInput: r.input }));
await claude.start();
await waitFor(() => claude.state === "ready", "ready", 30000);
const turn = async (p: string, n: number) => { claude.prompt(p); await waitFor(() => rec.results().length >= n, "result", 60000); };
if (scenario === "words") {
  h.api.setResponseHeaders({
    "anthropic-ratelimit-unified-status": "allowed",
    "anthropic-ratelimit-unified-5h-utilization": process.env.UTIL ?? "0.42", "anthropic-ratelimit-unified-5h-surpassed-threshold": "0.9",
    "anthropic-ratelimit-unified-5h-reset": String(Math.floor(Date.now()/1000)+3600),
    "anthropic-ratelimit-unified-7d-utilization": "0.1",
    "anthropic-ratelimit-unified-7d-reset": String(Math.floor(Date.now()/1000)+86400),
    "anthropic-ratelimit-unified-representative-claim": "five_hour",
    "anthropic-ratelimit-unified-reset": String(Math.floor(Date.now()/1000)+3600),
  });
  h.api.enqueue(streamedWords("one two three", undefined, "let me think"));
  await turn("hello", 1);
  console.log("CTX", JSON.stringify(await claude.control("get_context_usage")));
} else if (scenario === "retry") {
  h.api.enqueue(apiError(529, "Overloaded"), text("after retry"));
  await turn("hello", 1);
} else if (scenario === "tool") {
  h.api.enqueue(toolUse("Bash", { command: "for i in 1 2 3 4 5 6; do echo tick $i; sleep 1; done", description: "wait" }), text("done"));
  await turn("run", 1);
} else if (scenario === "compact") {
  await turn("hello", 1);
  await turn("/compact", 2);
} else if (scenario === "agent") {
  let release!: () => void; const held = new Promise<void>((r) => (release = r));
  h.api.setFallback((body) => { console.log("REQ", JSON.stringify(body.system).slice(0, 200), body.tools?.length); return text("fallback"); });
  h.api.enqueue(toolUse("Task", { description: "look around", prompt: "list files", subagent_type: "general-purpose" }), heldText("sub says hi", held), text("main done"));
  claude.prompt("spawn");
  await waitFor(() => rec.events.some((e) => e.type === "system" && e.subtype === "task_started"), "task_started", 60000);
  const started = rec.events.find((e) => e.subtype === "task_started")!;
  console.log("STOP", JSON.stringify(await claude.control("stop_task", { task_id: started.task_id })));
  console.log("STOP-unknown", JSON.stringify(await claude.control("stop_task", { task_id: "nope" })));
  await waitFor(() => rec.results().length >= 1, "result", 60000);
  release();
}
for (const l of rec.lines) console.log(l);
await claude.stop();
await h.close();
