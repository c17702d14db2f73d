/**
 * `claude-relay connect` over wss:// as a real process against real relays with --tls (loopback):
 * --fingerprint, pinning on first use in the known-relays file, a changed certificate (the relay
 * restarted on the same port with a new state dir) refused with ssh's warning and the advice that
 * fixes it, a man in the middle relaying the relay's challenge, plain ws:// as before, and the
 * same on Deno. Every refusal is exit 5 before anything is signed: the relay logs no
 * authentication attempt and the man in the middle never sees an auth.response.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EXIT_NOT_VERIFIED, EXIT_OK, EXIT_USAGE } from "../../src/cli/connect/exit-codes.ts";
import { KNOWN_RELAYS_HEADER } from "../../src/client/known-relays.ts";
import { CLI } from "../support/cli-process.ts";
import { type FakeAnthropic, startFakeAnthropic, text } from "../support/fake-anthropic.ts";
import { startMitmRelay } from "../support/mitm-relay.ts";
import { freePort } from "../support/net.ts";
import { authenticationLog, startTestRelay, type TestRelay } from "../support/relay.ts";
import { DENO } from "../support/relay-process.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";
import { makeCertificate, servedCertificate } from "../support/tls.ts";

let dir: string;
let api: FakeAnthropic;
let port: number;
/** The relay on `port`: replaced by one with a new certificate in "a changed certificate". */
let relay: TestRelay;
let fingerprint: string;
let home: string;
let env: Record<string, string | undefined>;
beforeAll(async () => {
  dir = makeTempDir("connect-tls-");
  api = await startFakeAnthropic();
  port = await freePort();
  relay = await startTestRelay({ flags: { tls: true, port }, api });
  fingerprint = (await servedCertificate(relay.url)).fingerprint;
  home = join(dir, "home");
  mkdirSync(home);
  env = { ...process.env, HOME: home, XDG_CONFIG_HOME: undefined, SSH_AUTH_SOCK: undefined, NO_COLOR: "1" };
});
afterAll(async () => {
  await relay.stop();
  await api.close();
  removeTempDir(dir);
});

const knownRelays = () => join(home, ".config", "claude-relay", "known_relays");
const address = () => `127.0.0.1:${port}`;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `claude-relay connect URL -i KEY --prompt TEXT EXTRA…` to its end (`command`: how to start the CLI). */
async function prompt(url: string, words: string, extra: string[] = [], environment = env, command = CLI): Promise<Run> {
  const child = Bun.spawn([...command, "connect", url, "-i", relay.key.privatePath, "--prompt", words, ...extra], {
    env: environment,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    timeout: 90_000,
  });
  const [stdout, stderr] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()]);
  return { code: await child.exited, stdout, stderr };
}

describe("--fingerprint", () => {
  test("the relay's own: the turn runs; the known-relays file is neither read nor written", async () => {
    api.enqueue(text("pinned and fine"));
    const run = await prompt(relay.url, "hello", ["--fingerprint", fingerprint]);
    expect(run).toMatchObject({ code: EXIT_OK, stdout: "pinned and fine\n" });
    expect(run.stderr).not.toContain("pinned");
    expect(existsSync(knownRelays())).toBe(false);
  });

  test("a wrong one: exit 5 with the warning, before signing", async () => {
    const before = authenticationLog(relay).length;
    const wrong = `SHA256:${"W".repeat(43)}`;
    const run = await prompt(relay.url, "hello", ["--fingerprint", wrong]);
    expect(run.code).toBe(EXIT_NOT_VERIFIED);
    expect(run.stdout).toBe("");
    expect(run.stderr).toStartWith(`claude-relay: refused to sign the relay's challenge: the certificate of ${address()} is not the one pinned for it\n`);
    expect(run.stderr).toContain("@    WARNING: RELAY IDENTIFICATION HAS CHANGED!");
    expect(run.stderr).toContain(`has the fingerprint\n    ${fingerprint}\nThe certificate pinned for it (given with --fingerprint) is\n    ${wrong}\n`);
    expect(authenticationLog(relay).length).toBe(before);
  });

  test("usage errors (exit 2): not a fingerprint; a ws:// URL", async () => {
    expect(await prompt(relay.url, "x", ["--fingerprint", "SHA256:nope"])).toMatchObject({
      code: EXIT_USAGE,
      stderr: expect.stringContaining("--fingerprint must be a certificate fingerprint"),
    });
    expect(await prompt(relay.url.replace("wss:", "ws:"), "x", ["--fingerprint", fingerprint])).toMatchObject({
      code: EXIT_USAGE,
      stderr: expect.stringContaining("--fingerprint pins the certificate of a wss:// relay"),
    });
  });
});

describe("the known-relays file", () => {
  test("first use pins the certificate, saying so with its fingerprint; later runs match it silently", async () => {
    api.enqueue(text("first"), text("second"));
    const first = await prompt(relay.url, "hello");
    expect(first).toMatchObject({ code: EXIT_OK, stdout: "first\n" });
    expect(first.stderr).toContain(
      `claude-relay: first connection to ${address()}: its certificate ${fingerprint} is now pinned (${knownRelays()}:2). ` +
        "It should be the fingerprint the relay printed when it started; from now on a different certificate is refused.\n",
    );
    expect(readFileSync(knownRelays(), "utf8")).toBe(`${KNOWN_RELAYS_HEADER}\n${address()} ${fingerprint}\n`);
    const second = await prompt(relay.url, "again");
    expect(second).toMatchObject({ code: EXIT_OK, stdout: "second\n" });
    expect(second.stderr).not.toContain("pinned");
    expect(readFileSync(knownRelays(), "utf8")).toBe(`${KNOWN_RELAYS_HEADER}\n${address()} ${fingerprint}\n`);
  });

  test("$XDG_CONFIG_HOME is where the file lives when set", async () => {
    api.enqueue(text("xdg"));
    const config = join(dir, "xdg-config");
    const run = await prompt(relay.url, "hello", [], { ...env, XDG_CONFIG_HOME: config });
    expect(run.code).toBe(EXIT_OK);
    expect(readFileSync(join(config, "claude-relay", "known_relays"), "utf8")).toContain(`${address()} ${fingerprint}\n`);
  });

  test("a changed certificate (the relay restarted with a new state dir): exit 5 with the warning, the file untouched; its advice fixes it", async () => {
    await relay.stop();
    relay = await startTestRelay({ flags: { tls: true, port }, api });
    const renewed = (await servedCertificate(relay.url)).fingerprint;
    expect(renewed).not.toBe(fingerprint);
    const before = readFileSync(knownRelays(), "utf8");

    const refused = await prompt(relay.url, "hello");
    expect(refused.code).toBe(EXIT_NOT_VERIFIED);
    expect(refused.stderr).toContain("@    WARNING: RELAY IDENTIFICATION HAS CHANGED!");
    expect(refused.stderr).toContain(`The certificate ${address()} sent has the fingerprint\n    ${renewed}\n`);
    expect(refused.stderr).toContain(`The certificate pinned for it (in ${knownRelays()}:2) is\n    ${fingerprint}\n`);
    expect(refused.stderr).toContain("Nothing was signed; the connection was refused.");
    expect(readFileSync(knownRelays(), "utf8")).toBe(before);
    expect(authenticationLog(relay)).toEqual([]);

    // The user checks the fingerprint, then runs the command the warning gives.
    const advice = /^ {4}(sed -i\.bak '2d' \S+)$/m.exec(refused.stderr)?.[1];
    expect(advice).toBe(`sed -i.bak '2d' ${knownRelays()}`);
    expect(spawnSync("sh", ["-c", advice!]).status).toBe(0);
    api.enqueue(text("trusted again"));
    const again = await prompt(relay.url, "hello");
    expect(again).toMatchObject({ code: EXIT_OK, stdout: "trusted again\n" });
    expect(again.stderr).toContain(`its certificate ${renewed} is now pinned (${knownRelays()}:2)`);
    fingerprint = renewed;
  });
});

describe("a man in the middle with its own certificate, forwarding to the relay", () => {
  test("its certificate pinned by --fingerprint or on first use: exit 5, nothing signed, nothing pinned", async () => {
    const mitm = await startMitmRelay({ url: relay.url, ca: relay.ca! }, makeCertificate(dir, "mitm"));
    const mitmFingerprint = (await servedCertificate(mitm.url)).fingerprint;
    const before = authenticationLog(relay).length;
    const mitmHome = { ...env, HOME: join(dir, "mitm-home") };

    for (const extra of [["--fingerprint", mitmFingerprint], []]) {
      const run = await prompt(mitm.url, "steal my login", extra, mitmHome);
      expect(run.code).toBe(EXIT_NOT_VERIFIED);
      expect(run.stderr).toContain(
        `claude-relay: refused to sign the relay's challenge: the challenge was made for another TLS connection: it names the certificate ${fingerprint}, ` +
          `but the certificate of this connection to ${new URL(mitm.url).host} is ${mitmFingerprint}. Another server is passing the relay's challenge on`,
      );
    }
    expect(mitm.fromRelay.filter((frame) => frame.type === "auth.challenge")).toHaveLength(2);
    expect(mitm.fromClients.filter((frame) => frame.type === "auth.response")).toEqual([]);
    expect(authenticationLog(relay).length).toBe(before);
    expect(existsSync(join(dir, "mitm-home", ".config", "claude-relay", "known_relays"))).toBe(false);
    await mitm.stop();
  });
});

describe("plain ws://", () => {
  test("works as before; the known-relays file is left alone", async () => {
    const plain = await startTestRelay({ api });
    const plainHome = { ...env, HOME: join(dir, "plain-home") };
    api.enqueue(text("plain as before"));
    const child = Bun.spawn([...CLI, "connect", plain.url, "-i", plain.key.privatePath, "--prompt", "hi"], {
      env: plainHome,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      timeout: 90_000,
    });
    expect(await new Response(child.stdout).text()).toBe("plain as before\n");
    expect(await child.exited).toBe(EXIT_OK);
    expect(existsSync(join(dir, "plain-home", ".config"))).toBe(false);
    await plain.stop();
  });
});

describe("on Deno", () => {
  test("--fingerprint: the right one runs the turn, a wrong one is exit 5", async () => {
    const deno = [DENO, "run", "-A", join(import.meta.dir, "..", "..", "src", "cli.ts")];
    api.enqueue(text("hello from Deno over wss"));
    expect(await prompt(relay.url, "hi", ["--fingerprint", fingerprint], env, deno)).toMatchObject({ code: EXIT_OK, stdout: "hello from Deno over wss\n" });
    const wrong = await prompt(relay.url, "hi", ["--fingerprint", `SHA256:${"W".repeat(43)}`], env, deno);
    expect(wrong.code).toBe(EXIT_NOT_VERIFIED);
    expect(wrong.stderr).toContain("@    WARNING: RELAY IDENTIFICATION HAS CHANGED!");
  }, 120_000);
});
