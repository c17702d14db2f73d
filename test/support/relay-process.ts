/**
 * The relay's end-to-end flows (auth, prompt → response, permissions) against a relay running as
 * its own process: `deno run -A src/cli.ts`, the compiled binary, or `bun src/cli.ts`. The same
 * flows run for each, so a runtime or packaging difference shows up as a failing flow.
 *
 * @example
 * ```ts
 * describeRelayProcessFlows("Deno", [DENO, "run", "-A", CLI_PATH]);
 * ```
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash, X509Certificate } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import { certificateNames } from "../../src/tls/names.ts";
import { REPO_ROOT, type RelayProcess, spawnRelay } from "./cli-process.ts";
import { type FakeAnthropic, startFakeAnthropic, text, toolUse } from "./fake-anthropic.ts";
import { makeGitRepo } from "./git-repo.ts";
import { claudeEnv, prepareRelayHome } from "./relay.ts";
import { generateKey, makeTempDir, removeTempDir, sshKeygenSign, type TestKey } from "./ssh.ts";
import { makeCertificate, servedCertificate, sha256Fingerprint } from "./tls.ts";
import { waitFor } from "./wait.ts";
import { type Frame, TestClient } from "./ws-client.ts";

export const CLI_PATH = join(REPO_ROOT, "src", "cli.ts");
export const DENO = join(REPO_ROOT, "node_modules", ".bin", "deno");

/** Connects to `url` (trusting `ca` for wss://), signs the challenge with `key` via `ssh-keygen -Y sign`, waits for the answer. */
export async function connectAndSign(url: string, key: TestKey, ca?: string): Promise<{ client: TestClient; answer: Frame; challenge: Frame }> {
  const client = await TestClient.connect(url, 5000, { ...(ca && { ca }) });
  const challenge = await client.next("auth.challenge");
  client.send({ type: "auth.response", signature: sshKeygenSign(key.privatePath, challenge.challenge) });
  const answer = await client.next((frame) => frame.type === "auth.ok" || frame.type === "error");
  return { client, answer, challenge };
}

export interface RelayUnderTest {
  process: RelayProcess;
  /** The temp directory holding HOME, keys and (when passed with --state-dir) state. */
  dir: string;
  url: string;
  api: FakeAnthropic;
  key: TestKey;
  /** A key that is not in authorized_keys. */
  strangerKey: TestKey;
  /** Claude's working directory. */
  work: string;
  stop(): Promise<void>;
}

/**
 * Starts the relay with `command` in a temp HOME whose authorized_keys holds one fresh ed25519
 * key; `extraArgs(dir)` adds serve flags (e.g. `--tls --state-dir <dir>/state`), `extraEnv` its
 * environment (e.g. NODE_EXTRA_CA_CERTS).
 */
export async function startRelayProcess(
  command: string[],
  extraArgs: (dir: string) => string[] = () => [],
  extraEnv: Record<string, string> = {},
): Promise<RelayUnderTest> {
  const dir = makeTempDir("relay-process-");
  const { home, work, key } = prepareRelayHome(dir, "device");
  const strangerKey = generateKey(dir, "ed25519", "stranger");
  const api = await startFakeAnthropic();
  const env = {
    // claudeEnv puts `claude` on PATH, as on a user's machine (a compiled binary has no node_modules to fall back on).
    ...claudeEnv(api, home),
    // Deno keeps its usual cache (not one under the temp HOME); Bun writes no transpiler cache there.
    DENO_DIR: process.env.DENO_DIR ?? join(homedir(), ".cache", "deno"),
    BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0",
    ...extraEnv,
  };
  const relay = spawnRelay(
    ["serve", "--port", "0", "--cwd", work, "--log-format", "json", "--heartbeat-interval", "1s", "--heartbeat-timeout", "3s", ...extraArgs(dir)],
    {
      env,
      command,
      cwd: dir, // started outside the checkout: nothing may depend on the current directory
    },
  );
  const url = await relay.listening;
  let stopped: Promise<void> | undefined;
  const stop = async () => {
    relay.kill("SIGTERM");
    const code = await relay.exitCode;
    await api.close();
    removeTempDir(dir);
    if (code !== 0) throw new Error(`relay exited with ${code} after SIGTERM:\n${relay.output()}`);
  };
  return { process: relay, dir, url, api, key, strangerKey, work, stop: () => (stopped ??= stop()) };
}

const isResult = (frame: Frame) => frame.type === "claude.event" && frame.event.type === "result";

/** Registers the end-to-end flows against a relay started with `command`. */
export function describeRelayProcessFlows(label: string, command: string[]): void {
  describe(`${label}: end-to-end`, () => {
    let relay: RelayUnderTest;
    beforeAll(async () => {
      relay = await startRelayProcess(command);
    }, 30_000);
    afterAll(() => relay?.stop());

    test("health answers", async () => {
      const health = await (await fetch(relay.url.replace(/^ws:/, "http:").replace(/\/ws$/, "/healthz"))).json();
      expect(health).toMatchObject({ clients: 0, sessionId: expect.any(String) });
    });

    test("serves the web app: the page, its hashed script, with the security headers", async () => {
      const base = relay.url.replace(/^ws:/, "http:").replace(/\/ws$/, "");
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
      const script = /src="(\/assets\/[a-z0-9]+\.js)"/.exec(await page.text())?.[1];
      expect(script).toBeDefined();
      const asset = await fetch(`${base}${script}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get("cache-control")).toContain("immutable");
      expect((await asset.text()).length).toBeGreaterThan(1000);
    });

    test("auth: a key in authorized_keys gets auth.ok; a stranger's key gets auth_failed and 4401", async () => {
      const { client, answer, challenge } = await connectAndSign(relay.url, relay.key);
      expect(challenge).toMatchObject({ protocol: 1, namespace: "claude-relay" });
      expect(answer).toMatchObject({ type: "auth.ok", key: { type: "ssh-ed25519", fingerprint: relay.key.fingerprint } });
      await client.close();

      const stranger = await connectAndSign(relay.url, relay.strangerKey);
      expect(stranger.answer).toMatchObject({ type: "error", code: "auth_failed" });
      expect((await stranger.client.closed).code).toBe(4401);
    });

    test("a message before auth is refused with not_authenticated", async () => {
      const client = await TestClient.connect(relay.url);
      await client.next("auth.challenge");
      client.send({ type: "prompt", text: "let me in" });
      expect(await client.next("error")).toMatchObject({ code: "not_authenticated" });
      await client.close();
    });

    test("an oversized frame gets message_too_large and close 1009", async () => {
      const { client } = await connectAndSign(relay.url, relay.key);
      client.send({ type: "prompt", text: "x".repeat(9 * 1024 * 1024) }); // over the default --max-message-bytes (8 MiB)
      expect(await client.next("error")).toMatchObject({ code: "message_too_large" });
      expect((await client.closed).code).toBe(1009);
    });

    test("prompt → Claude's answer reaches both clients with the same seqs", async () => {
      const [a, b] = await Promise.all([connectAndSign(relay.url, relay.key), connectAndSign(relay.url, relay.key)]);
      relay.api.enqueue(text(`Hello from Claude via ${label}`));
      a.client.send({ type: "prompt", text: "say hello", id: "p1" });
      const echo = await b.client.next("user.prompt", 10_000);
      expect(echo).toMatchObject({ text: "say hello", by: a.answer.clientId });
      const assistant = await a.client.next((frame) => frame.type === "claude.event" && frame.event.type === "assistant", 30_000);
      expect(JSON.stringify(assistant.event.message.content)).toContain(`Hello from Claude via ${label}`);
      const results = await Promise.all([a.client.next(isResult, 30_000), b.client.next(isResult, 30_000)]);
      expect(results[1]).toEqual(results[0]);
      await Promise.all([a.client.close(), b.client.close()]);
    }, 40_000);

    test("permission: Write is asked of every client; allow writes the file, deny does not", async () => {
      const [a, b] = await Promise.all([connectAndSign(relay.url, relay.key), connectAndSign(relay.url, relay.key)]);
      const allowed = join(relay.work, "allowed.txt");
      relay.api.enqueue(toolUse("Write", { file_path: allowed, content: "written by Claude" }), text("wrote it"));
      a.client.send({ type: "prompt", text: "write a file" });
      const [requestA, requestB] = await Promise.all([a.client.next("permission.request", 30_000), b.client.next("permission.request", 30_000)]);
      expect(requestB).toEqual(requestA);
      expect(requestA).toMatchObject({ toolName: "Write", input: { file_path: allowed } });
      b.client.send({ type: "permission.response", requestId: requestA.requestId, behavior: "allow" });
      expect(await a.client.next("permission.resolved")).toMatchObject({ requestId: requestA.requestId, behavior: "allow", by: b.answer.clientId });
      await a.client.next(isResult, 30_000);
      expect(readFileSync(allowed, "utf8")).toBe("written by Claude");

      const denied = join(relay.work, "denied.txt");
      relay.api.enqueue(toolUse("Write", { file_path: denied, content: "nope" }), text("ok, I won't"));
      a.client.send({ type: "prompt", text: "write another file" });
      const request = await a.client.next("permission.request", 30_000);
      a.client.send({ type: "permission.response", requestId: request.requestId, behavior: "deny", message: "not that file" });
      expect(await b.client.next((frame) => frame.type === "permission.resolved" && frame.requestId === request.requestId)).toMatchObject({ behavior: "deny" });
      await a.client.next(isResult, 30_000);
      expect(existsSync(denied)).toBe(false);
      await Promise.all([a.client.close(), b.client.close()]);
    }, 60_000);

    test("a client idle for longer than the heartbeat timeout stays connected (pings are answered)", async () => {
      const { client } = await connectAndSign(relay.url, relay.key);
      await new Promise((resolve) => setTimeout(resolve, 4000));
      expect(client.isOpen).toBe(true);
      client.send({ type: "ping", id: "still-there" });
      expect(await client.next("pong")).toEqual({ type: "pong", id: "still-there" });
      await client.close();
    }, 10_000);

    test("changes.get and changes.diff answer from git (run by the relay's worker thread)", async () => {
      const repo = makeGitRepo(relay.work);
      repo.write("app.ts", "export const a = 1;\n");
      repo.commit("first");
      repo.write("app.ts", "export const a = 2;\nexport const b = 3;\n");
      const { client, answer } = await connectAndSign(relay.url, relay.key);
      client.send({ type: "changes.get", sessionId: answer.sessionId, id: "c1" });
      const changes = await client.next((frame) => frame.id === "c1", 15_000);
      expect(changes).toMatchObject({ type: "changes", git: true, branch: "main" });
      expect(changes.files).toContainEqual({ path: "app.ts", status: "modified", additions: 2, deletions: 1 });
      client.send({ type: "changes.diff", sessionId: answer.sessionId, path: "app.ts", id: "d1" });
      expect(await client.next((frame) => frame.id === "d1", 15_000)).toMatchObject({ type: "diff", patch: repo.git("diff", "HEAD", "--", "app.ts") });
      await client.close();
    }, 30_000);

    test("SIGTERM closes clients with 1001 and exits 0", async () => {
      const { client } = await connectAndSign(relay.url, relay.key);
      const stopped = relay.stop();
      expect((await client.closed).code).toBe(1001);
      await stopped;
    }, 15_000);
  });
}

/**
 * The TLS flows against a relay started with `command --tls`: wss end to end, the printed
 * fingerprint, the challenge's `tls:` line, and SIGHUP picking up a renewed certificate.
 * `keepsConnections`: whether the runtime keeps open connections across the certificate change
 * (Bun does; Deno closes them with 1001, see src/runtime/deno).
 */
export function describeTlsProcessFlows(label: string, command: string[], keepsConnections: boolean): void {
  describe(`${label}: --tls`, () => {
    let relay: RelayUnderTest;
    let tlsDir: string;
    const ca = () => readFileSync(join(tlsDir, "cert.pem"), "utf8");
    beforeAll(async () => {
      relay = await startRelayProcess(command, (dir) => ["--tls", "--state-dir", join(dir, "state")]);
      tlsDir = join(relay.dir, "state", "tls");
    }, 30_000);
    afterAll(() => relay?.stop());

    test("prints its fingerprint in both forms, and serves that certificate; the challenge carries it", async () => {
      const served = await servedCertificate(relay.url);
      const printed = relay.process
        .output()
        .split("\n")
        .filter((line) => line.includes('"TLS certificate'));
      expect(printed).toHaveLength(1);
      expect(JSON.parse(printed[0]!)).toMatchObject({ fingerprint: served.fingerprint, msg: expect.stringContaining(served.fingerprint) });
      expect(printed[0]).toContain(createHash("sha256").update(served.der).digest("hex").toUpperCase().match(/../g)!.join(":"));
      // the connect hints name the wss URL and the web app's https address
      await waitFor(() => relay.process.output().includes('"msg":"how to connect"'), 10_000, "the connect hints");
      const hints = JSON.parse(
        relay.process
          .output()
          .split("\n")
          .find((line) => line.includes('"msg":"how to connect"'))!,
      );
      const port = new URL(relay.url).port;
      expect(hints).toMatchObject({ urls: [`wss://127.0.0.1:${port}/ws`], pages: [`https://127.0.0.1:${port}/`] });
      expect(sha256Fingerprint(new X509Certificate(ca()).raw)).toBe(served.fingerprint);
      const { client, challenge } = await connectAndSign(relay.url, relay.key, ca());
      expect(challenge.challenge.split("\n")[2]).toBe(`tls: ${served.fingerprint}`);
      await client.close();
    });

    test("wss end to end: log in, prompt, Claude's answer", async () => {
      expect(relay.url).toStartWith("wss://");
      const { client, answer } = await connectAndSign(relay.url, relay.key, ca());
      expect(answer).toMatchObject({ type: "auth.ok", key: { fingerprint: relay.key.fingerprint } });
      relay.api.enqueue(text(`TLS on ${label}`));
      client.send({ type: "prompt", text: "hello" });
      const result = await client.next((frame) => isResult(frame), 30_000);
      expect(result.event.result).toContain(`TLS on ${label}`);
      await client.close();
    }, 40_000);

    test("connect from the same build: pinned on first use, then a turn with --fingerprint; a wrong one is exit 5", async () => {
      const fingerprint = (await servedCertificate(relay.url)).fingerprint;
      const env = {
        ...process.env,
        HOME: join(relay.dir, "client-home"),
        SSH_AUTH_SOCK: undefined,
        DENO_DIR: process.env.DENO_DIR ?? join(homedir(), ".cache", "deno"),
      };
      // Asynchronously: the fake API that the relay's Claude calls runs in this process.
      const connect = async (extra: string[]) => {
        const child = Bun.spawn([...command, "connect", relay.url, "-i", relay.key.privatePath, "--prompt", "hi", ...extra], {
          cwd: relay.dir,
          env,
          stdout: "pipe",
          stderr: "pipe",
          timeout: 60_000,
        });
        const [stdout, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
        return { status: await child.exited, stdout, stderr };
      };
      relay.api.enqueue(text(`pinned on ${label}`), text(`--fingerprint on ${label}`));
      const first = await connect([]);
      expect([first.status, first.stdout]).toEqual([0, `pinned on ${label}\n`]);
      expect(first.stderr).toContain(`its certificate ${fingerprint} is now pinned`);
      expect(readFileSync(join(env.HOME, ".config", "claude-relay", "known_relays"), "utf8")).toContain(`${new URL(relay.url).host} ${fingerprint}\n`);
      const pinned = await connect(["--fingerprint", fingerprint]);
      expect([pinned.status, pinned.stdout]).toEqual([0, `--fingerprint on ${label}\n`]);
      const wrong = await connect(["--fingerprint", `SHA256:${"W".repeat(43)}`]);
      expect(wrong.status).toBe(5);
      expect(wrong.stderr).toContain("WARNING: RELAY IDENTIFICATION HAS CHANGED!");
    }, 90_000);

    test(`SIGHUP serves a renewed certificate to new connections; open ones are ${keepsConnections ? "kept" : "closed with 1001"}`, async () => {
      const before = await connectAndSign(relay.url, relay.key, ca());
      const names = certificateNames({ hostname: hostname(), interfaces: networkInterfaces() });
      const san = [...names.dns.map((name) => `DNS:${name}`), ...names.ips.map((ip) => `IP:${ip}`)].join(",");
      const renewed = makeCertificate(relay.dir, "renewed", san, 400);
      writeFileSync(join(tlsDir, "key.pem"), readFileSync(renewed.keyPath));
      writeFileSync(join(tlsDir, "cert.pem"), renewed.cert);
      const logged = relay.process.output().length;
      relay.process.kill("SIGHUP");
      await waitFor(() => relay.process.output().slice(logged).includes("serving the new certificate"), 10_000, "the reload");

      const served = await servedCertificate(relay.url);
      expect(served.fingerprint).toBe(sha256Fingerprint(new X509Certificate(renewed.cert).raw));
      const after = await connectAndSign(relay.url, relay.key, renewed.cert);
      expect(after.answer.type).toBe("auth.ok");
      expect(after.challenge.challenge).toContain(`\ntls: ${served.fingerprint}\n`);
      if (keepsConnections) {
        before.client.send({ type: "ping", id: "kept" });
        expect(await before.client.next("pong")).toEqual({ type: "pong", id: "kept" });
      } else {
        expect(await before.client.closed).toMatchObject({ code: 1001, reason: "certificate renewed: reconnect" });
      }
      await Promise.all([before.client.close(), after.client.close()]);
    }, 30_000);
  });
}
