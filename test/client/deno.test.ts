/**
 * The client library on Deno (its global WebSocket and node:crypto differ from Bun's): a login
 * with a key file against a real relay, a one-shot turn and the events iterator, and an
 * unreachable relay reported in the same words as on Bun (Deno says close code 0 where the
 * standard says 1006).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { text } from "../support/fake-anthropic.ts";
import { freePort } from "../support/net.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { DENO } from "../support/relay-process.ts";

const REPO_ROOT = join(import.meta.dir, "..", "..");

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(() => relay?.stop());

/**
 * Runs `script` with Deno in the repo (so its imports resolve as the CLI's do); returns stdout's
 * last line as JSON. Asynchronously: the relay under test runs in this process.
 */
async function runOnDeno(script: string): Promise<unknown> {
  const child = Bun.spawn([DENO, "eval", "--ext=ts", script], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe", timeout: 60_000 });
  const [stdout, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  expect(stderr).toBe("");
  expect(await child.exited).toBe(0);
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "null");
}

test("logs in with a key file, pings, and closes", async () => {
  const outcome = await runOnDeno(`
    import { RelayClient } from "./src/client/client.ts";
    import { keyFileSigner } from "./src/client/signer.ts";
    const signer = keyFileSigner(${JSON.stringify(relay.key.privatePath)});
    const client = new RelayClient({ signer });
    const ok = await client.connect(${JSON.stringify(relay.url)});
    const rtt = await client.ping();
    await client.close();
    signer.close();
    console.log(JSON.stringify({ fingerprint: ok.key.fingerprint, sessionId: ok.sessionId, pinged: rtt >= 0, state: client.state }));
  `);
  expect(outcome).toEqual({ fingerprint: relay.key.fingerprint, sessionId: relay.relay.sessionId, pinged: true, state: "closed" });
}, 60_000);

test("runs a turn with runTurn and follows it with events()", async () => {
  relay.api.enqueue(text("hello from Deno"), text("iterated on Deno"));
  const outcome = await runOnDeno(`
    import { RelayClient, keyFileSigner, runTurn } from "./src/client/index.ts";
    const signer = keyFileSigner(${JSON.stringify(relay.key.privatePath)});
    const client = new RelayClient({ signer });
    await client.connect(${JSON.stringify(relay.url)});
    const turn = await runTurn(client, "hi from deno");
    client.prompt("iterate");
    const types = [];
    for await (const event of client.events()) {
      types.push(event.type);
      if (event.type === "claude.event" && event.event.type === "result") break;
    }
    await client.close();
    signer.close();
    console.log(JSON.stringify({ ok: turn.ok, text: turn.text, prompts: types.filter((type) => type === "user.prompt").length, last: types.at(-1) }));
  `);
  expect(outcome).toEqual({ ok: true, text: "hello from Deno\n", prompts: 1, last: "claude.event" });
}, 60_000);

test("an unreachable relay: unreachable, asking whether the relay runs", async () => {
  const url = `ws://127.0.0.1:${await freePort()}/ws`;
  const outcome = await runOnDeno(`
    import { RelayClient } from "./src/client/client.ts";
    const signer = { publicKey: new Uint8Array(), fingerprint: "SHA256:unused", source: "file", sign: () => Promise.reject(new Error("not reached")), close() {} };
    const error = await new RelayClient({ signer }).connect(${JSON.stringify(url)}).catch((e) => e);
    console.log(JSON.stringify({ code: error.code, closeCode: error.closeCode, message: error.message }));
  `);
  expect(outcome).toEqual({
    code: "unreachable",
    closeCode: 1006,
    message: `cannot connect to ${url} (no connection or it dropped: is the relay running and the URL right?)`,
  });
}, 60_000);
