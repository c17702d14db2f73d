/**
 * runTurn and events() against a real relay with the real Claude CLI (fake API): the answer text
 * and result, the permission policy for the turn's own requests, an interrupted turn, a turn lost
 * when Claude dies under it, and the async iterator.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { RelayClient, type RelayEvent } from "../../src/client/client.ts";
import { allowTools } from "../../src/client/permission-policy.ts";
import { keyFileSigner } from "../../src/client/signer.ts";
import { runTurn } from "../../src/client/turn.ts";
import { slowText, text, toolUse } from "../support/fake-anthropic.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";

let relay: TestRelay;
let client: RelayClient;
beforeAll(async () => {
  relay = await startTestRelay();
  client = new RelayClient({ signer: keyFileSigner(relay.key.privatePath) });
  await client.connect(relay.url);
});
// A turn cut short may leave its scripted answer unused: the next test starts with an empty script.
afterEach(() => relay.api.reset());
afterAll(async () => {
  await client.close();
  await relay.stop();
});

describe("runTurn", () => {
  test("streams the answer text and resolves with the result", async () => {
    relay.api.enqueue(text("Hello from the turn."));
    const chunks: string[] = [];
    const outcome = await runTurn(client, "say hello", { onText: (chunk) => chunks.push(chunk) });
    expect(outcome).toMatchObject({
      ok: true,
      text: "Hello from the turn.\n",
      result: { type: "result", is_error: false, result: "Hello from the turn." },
      permissions: [],
    });
    expect(chunks).toEqual(["Hello from the turn.\n"]);
  });

  test("answers the turn's permission requests with the policy and reports them", async () => {
    const file = join(relay.options.cwd, "from-run-turn.txt");
    relay.api.enqueue(
      toolUse("Write", { file_path: file, content: "x" }),
      toolUse("Bash", { command: `touch ${join(relay.dir, "bash-denied")}` }),
      text("done"),
    );
    const seen: string[] = [];
    const outcome = await runTurn(client, "write and run", {
      permissionPolicy: allowTools(["Write"]),
      onPermission: (request, decision) => seen.push(`${request.toolName}:${decision.behavior}`),
    });
    expect(outcome.ok).toBe(true);
    expect(seen).toEqual(["Write:allow", "Bash:deny"]);
    expect(outcome.permissions.map((entry) => entry.decision.behavior)).toEqual(["allow", "deny"]);
    expect(existsSync(file)).toBe(true);
  });

  test("aborting a running turn interrupts it: not ok, the error says so", async () => {
    relay.api.enqueue(slowText("too late", 20_000));
    const abort = new AbortController();
    const turn = runTurn(client, "take your time", { signal: abort.signal, onEvent: (event) => event.type === "claude.event" && abort.abort() });
    const outcome = await turn;
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toContain("interrupted");
  });

  test("Claude dying under the turn: it is lost, saying why", async () => {
    relay.api.enqueue(slowText("never arrives", 20_000));
    const outcome = await runTurn(client, "and now crash", {
      onEvent: (event) => {
        if (event.type === "claude.event") process.kill(relay.relay.claude.pid!, "SIGKILL");
      },
    });
    expect(outcome).toMatchObject({ ok: false, error: expect.stringContaining("Claude exited during the turn") });
    await client.waitFor("session.state", (state) => state.state === "ready", 30_000);
  });

  test("a client that is not connected is refused", async () => {
    const idle = new RelayClient({ signer: keyFileSigner(relay.key.privatePath) });
    await expect(runTurn(idle, "hi")).rejects.toMatchObject({ code: "not_connected" });
  });
});

describe("events()", () => {
  test("the session's events in seq order until break; the loop ends when the client closes", async () => {
    const own = new RelayClient({ signer: keyFileSigner(relay.key.privatePath) });
    await own.connect(relay.url);
    relay.api.enqueue(text("iterated"));
    own.prompt("iterate");
    const seen: RelayEvent[] = [];
    for await (const event of own.events()) {
      seen.push(event);
      if (event.type === "claude.event" && (event.event as { type?: string }).type === "result") break;
    }
    const seqs = seen.map((event) => ("seq" in event ? event.seq : 0));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seen[0]).toMatchObject({ type: "user.prompt", text: "iterate" });

    const rest = own.events();
    await own.close();
    expect(await rest.next()).toEqual({ value: undefined, done: true });
    expect(await own.events().next()).toEqual({ value: undefined, done: true });
  });
});
