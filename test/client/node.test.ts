/**
 * The client library from a Node.js script, built the way docs/client.md says
 * (`bun build src/client/index.ts --target=node`): Node.js 20 has no global WebSocket, so a
 * client says what to do; with `--experimental-websocket` (Node 20.10+, global in 22) it logs in
 * and runs a turn against a real relay; over wss:// with `relayTls` it needs no WebSocket class.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { text } from "../support/fake-anthropic.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";
import { servedCertificate } from "../support/tls.ts";

const REPO_ROOT = join(import.meta.dir, "..", "..");
const NODE = Bun.which("node");
const nodeMajor = NODE ? Number(spawnSync(NODE, ["-p", "process.versions.node.split('.')[0]"], { encoding: "utf8" }).stdout.trim()) : 0;

let relay: TestRelay;
let dir: string;
let bundle: string;
beforeAll(async () => {
  if (!NODE) throw new Error("node is not on PATH (npm needs it; install Node.js 20 or later)");
  relay = await startTestRelay();
  dir = makeTempDir("client-node-");
  bundle = join(dir, "client.mjs");
  const build = spawnSync(process.execPath, ["build", "src/client/index.ts", "--target=node", "--outfile", bundle], { cwd: REPO_ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`bun build failed: ${build.stderr}`);
});
afterAll(async () => {
  await relay?.stop();
  removeTempDir(dir);
});

/** Runs `script` (an ES module importing the bundle as ./client.mjs) with node; returns its last stdout line as JSON. */
async function runOnNode(script: string, flags: string[] = []): Promise<unknown> {
  const file = join(dir, `script-${Math.random().toString(36).slice(2)}.mjs`);
  await Bun.write(file, script);
  const child = Bun.spawn([NODE!, ...flags, file], { cwd: dir, stdout: "pipe", stderr: "pipe", timeout: 60_000 });
  const [stdout, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  expect(await child.exited).toBe(0);
  expect(stderr.replace(/^.*ExperimentalWarning.*\n?|^\(Use `node --trace-warnings.*\n?/gm, "")).toBe("");
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "null");
}

test("without a global WebSocket: no_websocket, saying what to do", async () => {
  const outcome = await runOnNode(`
    import { RelayClient } from "./client.mjs";
    try { new RelayClient({ signer: {} }); console.log(JSON.stringify({ constructed: true })); }
    catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); }
  `);
  if (nodeMajor >= 22) expect(outcome).toEqual({ constructed: true });
  else expect(outcome).toEqual({ code: "no_websocket", message: expect.stringContaining("start Node.js 20.10+ with --experimental-websocket") });
}, 60_000);

test("with a WebSocket: logs in with a key file and runs a turn", async () => {
  relay.api.enqueue(text("hello from Node"));
  const outcome = await runOnNode(
    `
    import { RelayClient, keyFileSigner, runTurn } from "./client.mjs";
    const signer = keyFileSigner(${JSON.stringify(relay.key.privatePath)});
    const client = new RelayClient({ signer });
    const ok = await client.connect(${JSON.stringify(relay.url)});
    const turn = await runTurn(client, "hi from node");
    await client.close();
    signer.close();
    console.log(JSON.stringify({ fingerprint: ok.key.fingerprint, ok: turn.ok, text: turn.text }));
  `,
    nodeMajor >= 22 ? [] : ["--experimental-websocket"],
  );
  expect(outcome).toEqual({ fingerprint: relay.key.fingerprint, ok: true, text: "hello from Node\n" });
}, 60_000);

test("relayTls over wss:// needs no WebSocket class: the pinned certificate logs in, another is refused before signing", async () => {
  const secure = await startTestRelay({ flags: { tls: true } });
  const { fingerprint } = await servedCertificate(secure.url);
  const outcome = await runOnNode(`
    import { RelayClient, keyFileSigner, relayTls } from "./client.mjs";
    const signer = keyFileSigner(${JSON.stringify(secure.key.privatePath)});
    const client = new RelayClient({ signer, tls: relayTls({ fingerprint: ${JSON.stringify(fingerprint)} }) });
    const ok = await client.connect(${JSON.stringify(secure.url)});
    await client.close();
    const other = new RelayClient({ signer, tls: relayTls({ fingerprint: "SHA256:${"W".repeat(43)}" }) });
    const error = await other.connect(${JSON.stringify(secure.url)}).catch((e) => e);
    signer.close();
    console.log(JSON.stringify({ fingerprint: ok.key.fingerprint, refused: error.code, problem: error.cause.problem }));
  `);
  expect(outcome).toEqual({ fingerprint: secure.key.fingerprint, refused: "challenge_refused", problem: "pin_mismatch" });
  await secure.stop();
}, 60_000);
