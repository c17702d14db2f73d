/**
 * A relay whose Claude Code has no credentials (no ANTHROPIC_API_KEY, a HOME where nobody logged
 * in), with the real CLI: the user is told where they look — one log line saying what to do,
 * /healthz degraded with that reason, and session.state / auth.ok carrying `claudeAuthError`.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { waitFor } from "../support/wait.ts";

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay({ env: { ANTHROPIC_API_KEY: undefined } });
});
afterAll(() => relay.stop());

const problemLines = () => relay.logs.filter((line) => line.level === "warn" && String(line.msg).startsWith("Claude Code is not logged in"));

test("one log line says what to do; /healthz is degraded with that reason; clients see claudeAuthError", async () => {
  await waitFor(() => problemLines().length === 1, 20_000, "the log line");
  const message = problemLines()[0]!.msg as string;
  expect(message).toContain("run `claude` once on the relay's machine");
  expect(message).toContain("ANTHROPIC_API_KEY");

  const health = await (await fetch(`${relay.httpUrl}/healthz`)).json();
  expect(health).toMatchObject({ ok: false, state: "ready" });
  expect(health.degraded).toEqual([message]);

  const client = await relay.connectAuthenticated();
  expect(client.authOk.state.claudeAuthError).toEqual({ reason: "not_logged_in", message });
  client.send({ type: "prompt", text: "hello?" });
  const result = await client.next((frame) => frame.type === "claude.event" && frame.event.type === "result", 20_000);
  expect(result.event).toMatchObject({ is_error: true, result: expect.stringContaining("Not logged in") });
  const state = await client.next((frame) => frame.type === "session.state" && frame.state === "ready");
  expect(state.claudeAuthError).toEqual({ reason: "not_logged_in", message });
  expect(problemLines()).toHaveLength(1);
  expect(relay.api.messageRequests()).toEqual([]);
  await client.close();
});
