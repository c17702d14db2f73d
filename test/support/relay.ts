/**
 * Starts a real relay in this process for end-to-end tests: a temp HOME with an ed25519 key in
 * its authorized_keys, a captured JSON log, and helpers to authenticate real WebSocket clients
 * with signatures from `ssh-keygen -Y sign`.
 *
 * @example
 * ```ts
 * const relay = await startTestRelay({ claudeBin: SYNTHETIC_CLAUDE });
 * const client = await relay.connectAuthenticated();
 * client.send({ type: "prompt", text: "hi" });
 * await relay.stop();
 * ```
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { resolveServeOptions, type ServeOptions } from "../../src/cli/serve-options.ts";
import { createLogger } from "../../src/log/logger.ts";
import { type Relay, type RelayDeps, startRelay } from "../../src/relay.ts";
import { persistedTranscript } from "./claude-harness.ts";
import { type FakeAnthropic, startFakeAnthropic } from "./fake-anthropic.ts";
import { generateKey, loadKey, makeTempDir, removeTempDir, sshKeygenSign, type TestKey } from "./ssh.ts";
import { type Frame, TestClient } from "./ws-client.ts";

export interface TestRelayOptions {
  /** serve flags as the CLI parses them (camelCase keys), e.g. { maxClients: "2" }. */
  flags?: Record<string, unknown>;
  env?: Record<string, string | undefined>;
  /** Reuse a directory (e.g. to restart a relay on the same state dir); removed by stop() unless kept. */
  dir?: string;
  /** The fake Anthropic API Claude talks to; one is started (and stopped with the relay) if absent. */
  api?: FakeAnthropic;
  /** How the relay POSTs Web Push (e.g. a local push service's fetch that trusts its CA). */
  pushPost?: RelayDeps["pushPost"];
}

/**
 * PATH with the repo's node_modules/.bin first: `claude` and `bun` are found as on a user's
 * machine, and `#!/usr/bin/env bun` scripts such as the synthetic Claude run.
 */
export function pathWithRepoBin(): string {
  return `${join(import.meta.dir, "..", "..", "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`;
}

/**
 * A relay's world in `dir`: a HOME whose authorized_keys holds one ed25519 key (generated, or
 * reused when `dir` already has it), and a work directory for Claude.
 */
export function prepareRelayHome(dir: string, keyName: string): { home: string; work: string; key: TestKey; authorizedKeys: string } {
  const home = join(dir, "home");
  const work = join(dir, "work");
  mkdirSync(join(home, ".ssh"), { recursive: true });
  mkdirSync(work, { recursive: true });
  const key = existsSync(join(dir, `id_${keyName}`)) ? loadKey(dir, keyName) : generateKey(dir, "ed25519", keyName);
  const authorizedKeys = join(home, ".ssh", "authorized_keys");
  writeFileSync(authorizedKeys, `${key.publicLine}\n`);
  return { home, work, key, authorizedKeys };
}

/** Environment for the real Claude CLI talking to a fake API, offline. */
export function claudeEnv(api: FakeAnthropic, home: string): Record<string, string | undefined> {
  return {
    ...process.env,
    PATH: pathWithRepoBin(),
    HOME: home,
    ANTHROPIC_BASE_URL: api.url,
    ANTHROPIC_API_KEY: "test-key",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
  };
}

export interface TestRelay {
  relay: Relay;
  api: FakeAnthropic;
  url: string;
  /** http://host:port (https:// with TLS) of the relay. */
  httpUrl: string;
  /** The certificate served (PEM) when the relay runs with TLS: trust it to connect. */
  ca: string | undefined;
  dir: string;
  key: TestKey;
  options: ServeOptions;
  /** Captured log lines, parsed. */
  logs: Array<Record<string, any>>;
  connect(): Promise<TestClient>;
  /**
   * Connects, signs the challenge with `key` via ssh-keygen, and returns the client after auth.ok;
   * `fields` go into auth.response too (e.g. `{ partial: true }` for the live view).
   */
  connectAuthenticated(
    resume?: { sessionId: string; lastSeq: number },
    key?: TestKey,
    fields?: Record<string, unknown>,
  ): Promise<TestClient & { authOk: Frame }>;
  /** Claude's transcript of the default session as persisted so far (see persistedTranscript). */
  transcript(): string;
  stop(options?: { keepDir?: boolean }): Promise<void>;
}

/**
 * The relay's log lines about the auth.response frames it received (verified, refused or
 * malformed): none means no client sent it a signature.
 */
export function authenticationLog(relay: Pick<TestRelay, "logs">): Array<Record<string, any>> {
  return relay.logs.filter((line) => /^authenticat|^bad frame/.test(String(line.msg)));
}

export async function startTestRelay(options: TestRelayOptions = {}): Promise<TestRelay> {
  const dir = options.dir ?? makeTempDir("relay-e2e-");
  const { home, work, key, authorizedKeys } = prepareRelayHome(dir, "client");
  const serveOptions = resolveServeOptions(
    { port: 0, authorizedKeys, stateDir: join(dir, "state"), cwd: work, ...options.flags },
    { env: {}, platform: "linux", cwd: work, home },
  );
  const logs: Array<Record<string, any>> = [];
  const log = createLogger({ level: "debug", format: "json", write: (line) => logs.push(JSON.parse(line)) });
  const api = options.api ?? (await startFakeAnthropic());
  const env = { ...claudeEnv(api, home), ...options.env };
  const relay = await startRelay(serveOptions, { log, env, ...(options.pushPost && { pushPost: options.pushPost }) });

  const ca = relay.tls?.current.cert;
  const connect = () => TestClient.connect(relay.url, 5000, { ...(ca && { ca }) });
  const connectAuthenticated = async (resume?: { sessionId: string; lastSeq: number }, signer: TestKey = key, fields: Record<string, unknown> = {}) => {
    const client = await connect();
    const challenge = await client.next("auth.challenge");
    client.send({ type: "auth.response", signature: sshKeygenSign(signer.privatePath, challenge.challenge), ...(resume && { resume }), ...fields });
    const authOk = await client.next((frame) => frame.type === "auth.ok" || frame.type === "error");
    if (authOk.type !== "auth.ok") throw new Error(`authentication failed: ${JSON.stringify(authOk)}`);
    return Object.assign(client, { authOk });
  };

  return {
    relay,
    api,
    url: relay.url,
    httpUrl: relay.url.replace(/^ws/, "http").replace(/\/ws$/, ""),
    ca,
    dir,
    key,
    options: serveOptions,
    logs,
    connect,
    connectAuthenticated,
    transcript: () => persistedTranscript(relay.sessionId, env),
    async stop({ keepDir = false } = {}) {
      await relay.stop("test finished");
      if (!options.api) await api.close();
      if (!keepDir && !options.dir) removeTempDir(dir);
    },
  };
}
