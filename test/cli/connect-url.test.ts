/**
 * `claude-relay connect` with a URL that reaches a running relay the wrong way, as a real process:
 * ws:// to a relay that speaks TLS (and wss:// to one that does not), and a path that is not the
 * WebSocket endpoint. Each says what is wrong and the URL to use (exit 2, a mistake in the
 * command), not "is the relay running?"; an address where nothing listens still gets that (exit 4).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { EXIT_UNREACHABLE, EXIT_USAGE } from "../../src/cli/connect/exit-codes.ts";
import { runCliAsync, SYNTHETIC_CLAUDE } from "../support/cli-process.ts";
import { type FakeAnthropic, startFakeAnthropic } from "../support/fake-anthropic.ts";
import { freePort } from "../support/net.ts";
import { authenticationLog, startTestRelay, type TestRelay } from "../support/relay.ts";

let api: FakeAnthropic;
let plain: TestRelay;
let secure: TestRelay;
let env: Record<string, string | undefined>;
beforeAll(async () => {
  api = await startFakeAnthropic();
  [plain, secure] = await Promise.all([
    startTestRelay({ api, flags: { claudeBin: SYNTHETIC_CLAUDE } }),
    startTestRelay({ api, flags: { claudeBin: SYNTHETIC_CLAUDE, tls: true } }),
  ]);
  const home = join(plain.dir, "connect-home");
  mkdirSync(home);
  env = { ...process.env, HOME: home, XDG_CONFIG_HOME: undefined, SSH_AUTH_SOCK: undefined, NO_COLOR: "1" };
});
afterAll(async () => {
  await Promise.all([plain?.stop(), secure?.stop()]);
  await api.close();
});

const address = (relay: TestRelay) => `127.0.0.1:${relay.relay.port}`;
const connect = (url: string, relay: TestRelay) => runCliAsync(["connect", url, "-i", relay.key.privatePath, "--prompt", "hi"], { env });

describe("a URL that reaches the relay the wrong way: what is wrong, and the URL to use", () => {
  const cases: Array<[string, () => TestRelay, () => string, () => string]> = [
    ["ws:// to a relay that speaks TLS", () => secure, () => `ws://${address(secure)}/ws`, () => `the relay speaks TLS: use wss://${address(secure)}/ws`],
    [
      "a path other than /ws (HTTP 404)",
      () => plain,
      () => `ws://${address(plain)}/wrong`,
      () => `no WebSocket endpoint at /wrong (HTTP 404; the endpoint is /ws): use ws://${address(plain)}/ws`,
    ],
    ["wss:// to a relay without TLS", () => plain, () => `wss://${address(plain)}/ws`, () => `the relay does not speak TLS: use ws://${address(plain)}/ws`],
    [
      "both at once",
      () => secure,
      () => `ws://${address(secure)}/wrong?x=1`,
      () => `the relay speaks TLS and has no WebSocket endpoint at /wrong (HTTP 404; the endpoint is /ws): use wss://${address(secure)}/ws?x=1`,
    ],
  ];

  test.each(cases)("%s: exit 2, one line saying so", async (_, relay, url, why) => {
    const run = await connect(url(), relay());
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: EXIT_USAGE, stdout: "" });
    expect(run.stderr).toBe(`claude-relay: cannot connect to ${url()}: ${why()}\n`);
    expect(authenticationLog(relay())).toEqual([]); // nothing was signed
  });

  test("nothing listening: still exit 4, asking whether the relay runs", async () => {
    const url = `ws://127.0.0.1:${await freePort()}/ws`;
    const run = await connect(url, plain);
    expect(run.code).toBe(EXIT_UNREACHABLE);
    expect(run.stderr).toContain(`cannot connect to ${url} (no connection or it dropped: is the relay running and the URL right?)`);
  });
});
