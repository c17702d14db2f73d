import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine } from "../../src/cli/args.ts";
import type { CommandSpec } from "../../src/cli/command.ts";
import { defaultStateDir, resolveServeOptions, SERVE_FLAGS } from "../../src/cli/serve-options.ts";
import { UsageError } from "../../src/cli/usage-error.ts";

const context = { env: {}, platform: "linux" as const, cwd: "/work/project", home: "/home/u" };

describe("resolveServeOptions", () => {
  test("defaults follow the contract", () => {
    const options = resolveServeOptions({}, context);
    expect(options).toMatchObject({
      host: "127.0.0.1",
      authorizedKeysPath: "/home/u/.ssh/authorized_keys",
      authorizedKeysExplicit: false,
      maxClients: 32,
      authTimeoutMs: 10_000,
      heartbeatIntervalMs: 15_000,
      heartbeatTimeoutMs: 45_000,
      claudeTimeoutMs: 60_000,
      maxMessageBytes: 8 * 1024 * 1024,
      maxBufferedBytes: 8 * 1024 * 1024,
      maxInvalidFrames: 1000,
      cwd: "/work/project",
      stateDir: "/home/u/.local/state/claude-relay",
      logLevel: "info",
      logFormat: "pretty",
      claudeArgs: [],
      claudeBin: undefined,
    });
  });

  test("parses durations, sizes, paths and extra Claude args", () => {
    const options = resolveServeOptions(
      {
        port: 0,
        authTimeout: "1.5s",
        heartbeatInterval: 1500,
        heartbeatTimeout: "2m",
        maxMessageBytes: "64KiB",
        authorizedKeys: "~/keys",
        cwd: "sub",
        claudeBin: "./bin/claude",
        "--": ["--model", "opus"],
      },
      context,
    );
    expect(options.port).toBe(0);
    expect(options.authTimeoutMs).toBe(1500);
    expect(options.heartbeatIntervalMs).toBe(1500);
    expect(options.heartbeatTimeoutMs).toBe(120_000);
    expect(options.maxMessageBytes).toBe(65536);
    expect(options.authorizedKeysPath).toBe("/home/u/keys");
    expect(options.authorizedKeysExplicit).toBe(true);
    expect(options.cwd).toBe("/work/project/sub");
    expect(options.claudeBin).toBe("/work/project/bin/claude");
    expect(options.claudeArgs).toEqual(["--model", "opus"]);
  });

  test.each([
    [{ port: 70000 }, "--port must be a whole number from 0 to 65535"],
    [{ port: "abc" }, "--port"],
    [{ authTimeout: "soon" }, '--auth-timeout must be a duration such as 1500 (ms), 1.5s or 2m, got "soon"'],
    [{ heartbeatInterval: "10s", heartbeatTimeout: "5s" }, "--heartbeat-timeout"],
    [{ maxClients: 0 }, "--max-clients"],
    [{ maxMessageBytes: "lots" }, "--max-message-bytes"],
    [{ logLevel: "loud" }, "--log-level must be one of"],
    [{ logFormat: "xml" }, "--log-format must be pretty or json"],
    [{ host: true }, "--host needs a value"],
    [{ port: [1, 2] }, "--port was given more than once"],
    [{ claudeTimeout: "10" }, "--claude-timeout"],
    [{ host: "0.0.0.0" }, "--host 0.0.0.0 without TLS would let anyone on that network read the session"],
    [{ host: "192.168.1.20" }, "add --tls (a self-signed certificate), --tls-cert/--tls-key (your own), or --allow-plaintext"],
    [{ tls: true, tlsCert: "c.pem", tlsKey: "k.pem" }, "use either --tls (a self-signed certificate) or --tls-cert/--tls-key (your own), not both"],
    [{ tlsCert: "c.pem" }, "--tls-cert needs --tls-key too"],
    [{ tlsKey: "k.pem" }, "--tls-key needs --tls-cert too"],
    [{ tls: "yes" }, "--tls takes no value"],
    [{ publicUrl: "laptop.ts.net" }, "--public-url must be a URL such as https://"],
    [{ publicUrl: "ftp://laptop" }, "--public-url must be an https:// (or http://) URL"],
    [{ publicUrl: "https://laptop/#x" }, "--public-url takes no query, fragment or credentials"],
  ])("%p is refused naming the flag", (raw, message) => {
    expect(() => resolveServeOptions(raw as Record<string, unknown>, context)).toThrow(UsageError);
    expect(() => resolveServeOptions(raw as Record<string, unknown>, context)).toThrow(message);
  });
});

describe("TLS and exposure", () => {
  test("no TLS by default; a loopback --host needs none", () => {
    for (const host of ["127.0.0.1", "localhost", "::1", "127.0.0.2"]) {
      expect(resolveServeOptions({ host }, context)).toMatchObject({ host, tls: undefined, allowPlaintext: false, publicUrl: undefined });
    }
  });

  test("--tls keeps its certificate in the state dir; --tls-cert/--tls-key are paths from the cwd", () => {
    expect(resolveServeOptions({ tls: true, host: "0.0.0.0" }, context).tls).toEqual({ kind: "self-signed", stateDir: "/home/u/.local/state/claude-relay" });
    expect(resolveServeOptions({ tlsCert: "tls/cert.pem", tlsKey: "~/key.pem", host: "::" }, context).tls).toEqual({
      kind: "files",
      certPath: "/work/project/tls/cert.pem",
      keyPath: "/home/u/key.pem",
    });
  });

  test("--allow-plaintext lets a network --host go without TLS", () => {
    expect(resolveServeOptions({ host: "100.101.102.103", allowPlaintext: true }, context)).toMatchObject({
      host: "100.101.102.103",
      allowPlaintext: true,
      tls: undefined,
    });
  });

  test("--public-url is kept without a trailing slash", () => {
    expect(resolveServeOptions({ publicUrl: "https://laptop.tail1234.ts.net/" }, context).publicUrl).toBe("https://laptop.tail1234.ts.net");
    expect(resolveServeOptions({ publicUrl: "https://example.com/relay/" }, context).publicUrl).toBe("https://example.com/relay");
  });
});

describe("sessions flags", () => {
  test("--max-sessions defaults to 8; --allow-dir to the home directory; bypassPermissions is off", () => {
    expect(resolveServeOptions({}, context)).toMatchObject({ maxSessions: 8, allowDirs: ["/home/u"], allowBypassPermissions: false });
  });

  test("--allow-bypass-permissions is a plain switch", () => {
    const serve: CommandSpec = { name: "serve", summary: "", synopsis: "", rest: "extra args for claude", flags: SERVE_FLAGS, run: () => {} };
    expect(resolveServeOptions(parseCommandLine(["--allow-bypass-permissions"], serve).flags, context).allowBypassPermissions).toBe(true);
  });

  test("--allow-dir is repeatable, each made absolute (~ and relative paths)", () => {
    expect(resolveServeOptions({ allowDir: "~/code" }, context).allowDirs).toEqual(["/home/u/code"]);
    expect(resolveServeOptions({ allowDir: ["~/code", "work", "/srv/repos"], maxSessions: "3" }, context)).toMatchObject({
      allowDirs: ["/home/u/code", "/work/project/work", "/srv/repos"],
      maxSessions: 3,
    });
  });

  test("a repeated --allow-dir on the command line reaches allowDirs in order; other flags still refuse a repeat", () => {
    const serve: CommandSpec = { name: "serve", summary: "", synopsis: "", rest: "extra args for claude", flags: SERVE_FLAGS, run: () => {} };
    const { flags } = parseCommandLine(["--allow-dir", "~/code", "--max-sessions", "2", "--allow-dir=work"], serve);
    expect(resolveServeOptions(flags, context)).toMatchObject({ allowDirs: ["/home/u/code", "/work/project/work"], maxSessions: 2 });
    expect(resolveServeOptions(parseCommandLine(["--allow-dir", "/srv"], serve).flags, context).allowDirs).toEqual(["/srv"]);
    expect(() => parseCommandLine(["--max-sessions", "2", "--max-sessions", "3"], serve)).toThrow('--max-sessions was given twice ("2" and "3"); give it once');
  });

  test("--idle-timeout: 30 minutes by default, any duration, 0 for never", () => {
    expect(resolveServeOptions({}, context).idleTimeoutMs).toBe(30 * 60_000);
    expect(resolveServeOptions({ idleTimeout: "2h" }, context).idleTimeoutMs).toBe(2 * 3_600_000);
    expect(resolveServeOptions({ idleTimeout: "0" }, context).idleTimeoutMs).toBe(0);
  });

  test("--notify-command: none by default; split into argv without a shell; a program given as a path made absolute", () => {
    expect(resolveServeOptions({}, context).notifyCommand).toBeUndefined();
    expect(resolveServeOptions({ notifyCommand: "notify-send 'Claude relay'" }, context).notifyCommand).toEqual(["notify-send", "Claude relay"]);
    expect(resolveServeOptions({ notifyCommand: "~/bin/notify.sh --quiet" }, context).notifyCommand).toEqual(["/home/u/bin/notify.sh", "--quiet"]);
    expect(resolveServeOptions({ notifyCommand: '["./notify", "$HOME"]' }, context).notifyCommand).toEqual(["/work/project/notify", "$HOME"]);
  });

  test.each([
    [{ idleTimeout: "soon" }, "--idle-timeout must be a duration"],
    [{ notifyCommand: true }, "--notify-command needs a value"],
    [{ notifyCommand: "notify 'oops" }, "--notify-command has an unclosed ' quote"],
    [{ notifyCommand: '["notify", 3]' }, "--notify-command as JSON must be an array of strings"],
    [{ maxSessions: 0 }, "--max-sessions must be a whole number from 1 to 1000"],
    [{ maxSessions: "many" }, "--max-sessions"],
    [{ allowDir: true }, "--allow-dir needs a value"],
    [{ allowDir: ["/a", ""] }, "--allow-dir needs a value"],
  ])("%p is refused naming the flag", (raw, message) => {
    expect(() => resolveServeOptions(raw as Record<string, unknown>, context)).toThrow(message);
  });
});

test("defaultStateDir honours XDG_STATE_HOME and macOS", () => {
  expect(defaultStateDir({ XDG_STATE_HOME: "/x/state" }, "linux", "/home/u")).toBe("/x/state/claude-relay");
  expect(defaultStateDir({ XDG_STATE_HOME: "relative" }, "linux", "/home/u")).toBe("/home/u/.local/state/claude-relay");
  expect(defaultStateDir({}, "darwin", "/Users/u")).toBe("/Users/u/Library/Application Support/claude-relay");
});

test("README's serve flag table has a row for every serve flag", () => {
  const readme = readFileSync(join(import.meta.dir, "..", "..", "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("### serve flags"), readme.indexOf("## How a session flows"));
  for (const spec of SERVE_FLAGS) expect(table).toMatch(new RegExp(`\`${spec.flag.split(" ")[0]}[ \`]`));
});
