import { describe, expect, test } from "bun:test";
import type { AuthOkMessage, PermissionRequestMessage, SessionEventMessage } from "../../src/client/messages.ts";
import { makeStyle } from "../../src/terminal/style.ts";
import { Transcript } from "../../src/terminal/transcript.ts";
import {
  API_ERROR_RESULT,
  INTERRUPTED_FOR_TOOL_MARKER,
  INTERRUPTED_FOR_TOOL_RESULT,
  INTERRUPTED_MARKER,
  INTERRUPTED_RESULT,
  MODEL_SET_HAIKU,
  MODEL_SET_SONNET,
} from "../support/recorded-claude-lines.ts";

const style = makeStyle({ color: false, unicode: true });
let seq = 0;
const base = () => ({ sessionId: "s", seq: ++seq });
const claude = (event: Record<string, unknown>): SessionEventMessage => ({ ...base(), type: "claude.event", event });
const state = (name: string, clients = 2, extra: Record<string, unknown> = {}): SessionEventMessage =>
  ({ ...base(), type: "session.state", state: name, claudePid: 1, restarts: 1, clients, ...extra }) as SessionEventMessage;
const request: PermissionRequestMessage = {
  type: "permission.request",
  sessionId: "s",
  seq: 9,
  requestId: "db0381c6-aaaa",
  toolName: "Write",
  input: { file_path: "/w/a.txt" },
  toolUseId: "t",
};
const authOk = (extra: Partial<AuthOkMessage["state"]> = {}): AuthOkMessage => ({
  type: "auth.ok",
  clientId: "me-1",
  sessionId: "s",
  key: { type: "ssh-ed25519", fingerprint: "SHA256:abc", comment: "me@laptop" },
  state: { state: "ready", claudePid: 1, clients: 2, pendingPermissions: [], ...extra },
  lastSeq: 0,
});

function transcript(): Transcript {
  return new Transcript(style, (id) => id === "me-1" || id === "me-2");
}

describe("Transcript", () => {
  test("Claude's notes as recorded from the real CLI: a model change named from the session's models, a client's interruption ends the turn as Interrupted, a real error stays one", () => {
    const models = [{ value: "haiku", displayName: "Haiku", description: "", resolvedModel: "claude-haiku-4-5-20251001" }];
    const view = new Transcript(
      style,
      () => false,
      () => models,
    );
    expect(view.event(claude(MODEL_SET_HAIKU))).toEqual(["· Model: Haiku"]);
    expect(view.event(claude(MODEL_SET_SONNET))).toEqual(["· Model: Sonnet"]);
    expect(view.event(claude({ type: "user", message: { role: "user", content: "<local-command-stdout>Compacted\nmore</local-command-stdout>" } }))).toEqual([
      "· Compacted",
      "  more",
    ]);
    expect(view.event(claude(INTERRUPTED_MARKER))).toEqual([]);
    expect(view.event(claude(INTERRUPTED_RESULT))).toEqual(["· Interrupted in 1.5 s"]);
    expect(view.event(claude(INTERRUPTED_FOR_TOOL_MARKER))).toEqual([]);
    expect(view.event(claude(INTERRUPTED_FOR_TOOL_RESULT))).toEqual(["· Interrupted in 0.1 s"]);
    expect(view.event(claude(API_ERROR_RESULT))).toEqual(["✗ turn ended with an error: API Error: 400 messages: text content blocks must be non-empty"]);
    // The interruption was that turn's: the next error_during_execution is an error again.
    expect(view.event(claude(INTERRUPTED_RESULT))).toEqual(["✗ turn ended with an error: the turn ended with error_during_execution"]);
  });

  test("the greeting: key, state and who else is there in words; Claude's credential problem", () => {
    const view = transcript();
    expect(view.connected(authOk(), "ws://h/ws", false)).toEqual(["connected to ws://h/ws as SHA256:abc (ssh-ed25519 me@laptop)"]);
    expect(view.joined(authOk(), { greeting: true })).toEqual([
      "Claude is ready for a prompt · 1 other device connected. Type a prompt; /help lists commands.",
    ]);
    const problem = { reason: "not_logged_in" as const, message: "run `claude` once on the relay's machine and log in" };
    expect(transcript().joined(authOk({ state: "waiting_permission", claudeAuthError: problem }), { greeting: true })).toEqual([
      "Claude is waiting for your permission · 1 other device connected. Type a prompt; /help lists commands.",
      "✗ Claude cannot log in to the Anthropic API: run `claude` once on the relay's machine and log in",
    ]);
    expect(view.connected(authOk(), "ws://h/ws", true)).toEqual(["✓ reconnected to ws://h/ws"]);
  });

  test("joining another session forgets the last one's directory and tools; a reconnect to the same one says nothing new", () => {
    const view = transcript();
    view.joined(authOk(), { greeting: true });
    view.event(claude({ type: "system", subtype: "init", cwd: "/w" }));
    view.event({ ...request, seq: ++seq });
    expect(view.joined({ ...authOk({ clients: 1 }), sessionId: "t" }, { cwd: "/srv/api" })).toEqual([
      "Claude is ready for a prompt · no other device connected.",
    ]);
    expect(view.cwd).toBe("/srv/api");
    // the request of the session left is not named any more
    expect(view.event({ ...base(), type: "permission.resolved", requestId: request.requestId, behavior: "allow", by: "me-1" })).toEqual([
      "✓ the tool allowed by you",
    ]);
    expect(view.joined({ ...authOk({ clients: 1, pendingPermissions: [{ ...request, requestId: "r9" }] }), sessionId: "t" }, { reconnect: true })).toEqual([]);
    expect(view.cwd).toBe("/srv/api");
    expect(view.event({ ...base(), type: "permission.resolved", requestId: "r9", behavior: "allow", by: "me-1" })).toEqual(["✓ Write allowed by you"]);
    const problem = { reason: "rejected" as const, message: "set a valid ANTHROPIC_API_KEY" };
    expect(view.joined({ ...authOk({ claudeAuthError: problem }), sessionId: "t" }, { reconnect: true })).toEqual([
      "✗ Claude cannot log in to the Anthropic API: set a valid ANTHROPIC_API_KEY",
    ]);
  });

  test("Claude's text, tool calls with paths relative to its directory, results, and the turn's end", () => {
    const view = transcript();
    expect(view.event(claude({ type: "system", subtype: "init", cwd: "/w" }))).toEqual([]);
    expect(
      view.event(
        claude({
          type: "assistant",
          message: {
            content: [
              { type: "text", text: "Two\nlines." },
              { type: "tool_use", id: "tu1", name: "Bash", input: { command: "ls -la" } },
            ],
          },
        }),
      ),
    ).toEqual(["● Two", "  lines.", "⏺ Bash: ls -la"]);
    expect(view.currentTool).toBe("Bash: ls -la");
    expect(view.event(claude({ type: "user", message: { content: [{ type: "tool_result", content: "a\nb\nc", is_error: false }] } }))).toEqual([
      "  ⎿ a (+2 lines)",
    ]);
    expect(view.currentTool).toBeUndefined();
    expect(
      view.event(claude({ type: "user", message: { content: [{ type: "tool_result", content: [{ type: "text", text: "boom" }], is_error: true }] } })),
    ).toEqual(["  ⎿ boom"]);
    expect(view.event(claude({ type: "result", subtype: "success", is_error: false, duration_ms: 1500, total_cost_usd: 0.0123 }))).toEqual([
      "✓ done in 1.5 s · $0.0123",
    ]);
    // Not after a client's interruption: an error like any other.
    expect(view.event(claude({ type: "result", subtype: "error_during_execution", is_error: true, duration_ms: 90_000 }))).toEqual([
      "✗ turn ended with an error: the turn ended with error_during_execution",
    ]);
    expect(view.event(claude({ type: "result", subtype: "success", is_error: true, result: "Invalid API key · Fix external API key" }))).toEqual([
      "✗ turn ended with an error: Invalid API key · Fix external API key",
    ]);
    expect(
      view.event(
        claude({ type: "system", subtype: "api_retry", attempt: 1, max_retries: 10, retry_delay_ms: 600, error_status: 401, error: "authentication_failed" }),
      ),
    ).toEqual(["· the API call failed (HTTP 401 authentication_failed); Claude retries in 0.6 s (attempt 1 of 10)"]);
    expect(
      view.event(
        claude({
          type: "assistant",
          parent_tool_use_id: "tu9",
          message: {
            content: [
              { type: "text", text: "sub" },
              { type: "tool_use", name: "Read", input: { file_path: "/w/x" } },
            ],
          },
        }),
      ),
    ).toEqual(["  ⏺ Read x"]);
    expect(view.event(claude({ type: "stream_event", event: {} }))).toEqual([]);
  });

  test("prompts: ours plain, another device's with its id; multi-line prompts indented", () => {
    const view = transcript();
    expect(view.event({ ...base(), type: "user.prompt", text: "hi", by: "me-2" })).toEqual(["› hi"]);
    expect(view.event({ ...base(), type: "user.prompt", text: "fix it\nplease", by: "c5a1e0f2-ffff" })).toEqual(["c5a1e0f2 › fix it", "  please"]);
    expect(
      view.event({
        ...base(),
        type: "user.prompt",
        text: "see",
        by: "me-1",
        images: [
          { mediaType: "image/png", bytes: 70 },
          { mediaType: "image/jpeg", bytes: 412733 },
        ],
      }),
    ).toEqual(["› see", "  + image/png image, 70 B", "  + image/jpeg image, 403 KiB"]);
  });

  test("permission requests and who answered them (you, another device, Claude, the relay)", () => {
    const view = transcript();
    view.event(claude({ type: "system", subtype: "init", cwd: "/w" }));
    expect(view.event({ ...request, seq: ++seq })).toEqual(["? Claude asks to use Write a.txt  [request db0381c6]"]);
    expect(view.event({ ...base(), type: "permission.resolved", requestId: request.requestId, behavior: "deny", by: "c5a1e0f2-ffff" })).toEqual([
      "✗ Write denied by device c5a1e0f2",
    ]);
    view.remember({ ...request, requestId: "r2", toolName: "Bash" });
    expect(view.event({ ...base(), type: "permission.resolved", requestId: "r2", behavior: "allow", by: "me-1" })).toEqual(["✓ Bash allowed by you"]);
    expect(view.event({ ...base(), type: "permission.resolved", requestId: "r3", behavior: "cancelled", by: "claude" })).toEqual([
      "· permission for the tool withdrawn (Claude withdrew it)",
    ]);
    expect(view.event({ ...base(), type: "permission.resolved", requestId: "r4", behavior: "cancelled", by: "me-1" })).toEqual([
      "· permission for the tool withdrawn (interrupted by you)",
    ]);
  });

  test("state changes worth a line: restarts, failure, devices coming and going, credentials; replayed states are past", () => {
    const view = transcript();
    view.joined(authOk(), { greeting: true });
    expect(view.event(state("busy"))).toEqual([]);
    expect(view.event(state("restarting"))).toEqual(["· Claude exited or stopped answering; restarting it with the conversation so far (restart 1)"]);
    expect(view.event(state("starting"))).toEqual([]);
    expect(view.event(state("ready"))).toEqual(["✓ Claude is ready again"]);
    expect(view.event(state("ready", 3))).toEqual(["· a device joined (2 other devices connected)"]);
    expect(view.event(state("ready", 1))).toEqual(["· a device left (no other device connected)"]);
    const problem = { reason: "rejected", message: "set a valid ANTHROPIC_API_KEY" };
    expect(view.event(state("ready", 1, { claudeAuthError: problem }))).toEqual(["✗ Claude cannot log in to the Anthropic API: set a valid ANTHROPIC_API_KEY"]);
    expect(view.event(state("ready", 1, { claudeAuthError: problem }))).toEqual([]);
    expect(view.event(state("ready", 1))).toEqual(["✓ Claude can reach the API again"]);
    expect(view.event(state("failed", 1))).toEqual(["✗ Claude has failed (it crashed repeatedly; see the relay's log)"]);
    expect(view.event(state("ready", 5), { replayed: true })).toEqual([]);
    expect(view.event(state("ready", 1))).toEqual([]);
  });

  test("devices by the names the relay gives their keys: prompt authors, who answered, who is there, who came and went", () => {
    const view = transcript();
    const ok = authOk({ clients: 2, devices: ["me@laptop", "phone"] });
    view.connected({ key: { ...ok.key, device: "me@laptop" } }, "ws://h/ws", false);
    expect(view.joined(ok, { greeting: true })).toEqual([
      "Claude is ready for a prompt · 1 other device connected: phone. Type a prompt; /help lists commands.",
    ]);
    expect(view.event({ ...base(), type: "user.prompt", text: "fix it\nplease", by: "c5a1e0f2-ffff", device: "phone" })).toEqual([
      "phone › fix it",
      "  please",
    ]);
    expect(view.event({ ...base(), type: "user.prompt", text: "mine", by: "me-1", device: "me@laptop" })).toEqual(["› mine"]);
    view.remember(request);
    expect(
      view.event({ ...base(), type: "permission.resolved", requestId: request.requestId, behavior: "allow", by: "c5a1e0f2-ffff", device: "phone" }),
    ).toEqual(["✓ Write allowed by phone"]);
    expect(view.event({ ...base(), type: "permission.resolved", requestId: "r5", behavior: "cancelled", by: "c5a1e0f2-ffff", device: "phone" })).toEqual([
      "· permission for the tool withdrawn (interrupted by phone)",
    ]);
    expect(view.event(state("ready", 3, { devices: ["me@laptop", "phone", "tablet"] }))).toEqual([
      "· tablet joined (2 other devices connected: phone, tablet)",
    ]);
    // a second tab of the phone: one more connection, no new name
    expect(view.event(state("ready", 4, { devices: ["me@laptop", "phone", "tablet"] }))).toEqual([
      "· a device joined (3 other devices connected: phone, tablet)",
    ]);
    expect(view.event(state("ready", 2, { devices: ["me@laptop", "tablet"] }))).toEqual(["· phone left (1 other device connected: tablet)"]);
    // a name that is only ours: another terminal with this key
    expect(view.event(state("ready", 3, { devices: ["me@laptop"] }))).toEqual(["· a device joined (2 other devices connected)"]);
  });

  test("Claude's questions (AskUserQuestion) as numbered options", () => {
    const questions = [{ question: "Which color?", header: "Color", options: [{ label: "Red" }, { label: "Blue", description: "cool" }], multiSelect: false }];
    expect(transcript().event({ ...request, seq: ++seq, toolName: "AskUserQuestion", input: { questions } })).toEqual([
      "? Claude asks · Color: Which color?",
      "  1 Red",
      "  2 Blue — cool",
    ]);
  });

  test("gaps in words", () => {
    const view = transcript();
    expect(view.gap({ type: "replay.gap", sessionId: "s", fromSeq: 3, toSeq: 9, reason: "evicted" })).toEqual([
      "· missed events 3–9: the relay no longer holds them",
    ]);
    expect(view.gap({ type: "replay.gap", sessionId: "s", fromSeq: 1, toSeq: 0, reason: "session_changed" })).toEqual(["· the relay runs a new session"]);
  });
});
