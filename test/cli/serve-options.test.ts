import { describe, expect, test } from "bun:test";
import { defaultStateDir, resolveServeOptions, UsageError } from "../../src/cli/serve-options.ts";

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
      maxMessageBytes: 1024 * 1024,
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
      { port: 0, authTimeout: "1.5s", heartbeatInterval: 1500, heartbeatTimeout: "2m", maxMessageBytes: "64KiB", authorizedKeys: "~/keys", cwd: "sub", claudeBin: "./bin/claude", "--": ["--model", "opus"] },
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
  ])("%p is refused naming the flag", (raw, message) => {
    expect(() => resolveServeOptions(raw as Record<string, unknown>, context)).toThrow(UsageError);
    expect(() => resolveServeOptions(raw as Record<string, unknown>, context)).toThrow(message);
  });
});

describe("sessions flags", () => {
  test("--max-sessions defaults to 8; --allow-dir to the home directory", () => {
    expect(resolveServeOptions({}, context)).toMatchObject({ maxSessions: 8, allowDirs: ["/home/u"] });
  });

  test("--allow-dir is repeatable, each made absolute (~ and relative paths)", () => {
    expect(resolveServeOptions({ allowDir: "~/code" }, context).allowDirs).toEqual(["/home/u/code"]);
    expect(resolveServeOptions({ allowDir: ["~/code", "work", "/srv/repos"], maxSessions: "3" }, context)).toMatchObject({
      allowDirs: ["/home/u/code", "/work/project/work", "/srv/repos"],
      maxSessions: 3,
    });
  });

  test.each([
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
