import { describe, expect, test } from "bun:test";
import { createLogger, type LoggerOptions, silentLogger } from "../../src/log/logger.ts";

function capture(options: LoggerOptions = {}) {
  const lines: string[] = [];
  const log = createLogger({ ...options, write: (line) => lines.push(line) });
  return { log, lines, json: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("json format", () => {
  test("one object per line: time, level, msg, then the fields", () => {
    const { log, json } = capture({ format: "json" });
    log.warn("unknown message type", { messageType: "foo", n: 3 });
    const [line] = json();
    expect(line).toEqual({ time: expect.any(String), level: "warn", msg: "unknown message type", messageType: "foo", n: 3 });
    expect(new Date(line!.time as string).toISOString()).toBe(line!.time as string);
    expect(Object.keys(line!).slice(0, 3)).toEqual(["time", "level", "msg"]);
  });

  test("child context comes first and is overridden by the line's own fields; time/level/msg cannot be", () => {
    const { log, json } = capture({ format: "json" });
    const conn = log.child({ clientId: "c1", remote: "127.0.0.1:5000" }).child({ fingerprint: "SHA256:x" });
    conn.info("authenticated", { remote: "override", level: "nope", msg: "nope", time: "nope" });
    expect(json()[0]).toEqual({ time: expect.any(String), level: "info", msg: "authenticated", clientId: "c1", remote: "override", fingerprint: "SHA256:x" });
  });

  test("errors are written as name and message; undefined fields are left out", () => {
    const { log, json } = capture({ format: "json" });
    log.error("crashed", { error: new TypeError("boom"), missing: undefined });
    expect(json()[0]).toEqual({ time: expect.any(String), level: "error", msg: "crashed", error: { name: "TypeError", message: "boom" } });
  });

  test("an empty message is still a line with its fields", () => {
    const { log, json } = capture({ format: "json" });
    log.info("", { n: 1 });
    expect(json()).toEqual([{ time: expect.any(String), level: "info", msg: "", n: 1 }]);
  });

  test("a storm of similar lines keeps every line and its own fields (nothing throttled or merged)", () => {
    const { log, json } = capture({ format: "json" });
    for (let i = 0; i < 50; i++) log.child({ clientId: `c${i}` }).info("authenticated");
    expect(json().map((line) => [line.msg, line.clientId])).toEqual(Array.from({ length: 50 }, (_, i) => ["authenticated", `c${i}`]));
  });
});

describe("pretty format", () => {
  test("time, padded level, message, key=value pairs (quoted when needed)", () => {
    const { log, lines } = capture({ format: "pretty" });
    log
      .child({ clientId: "c1" })
      .info("listening on ws://127.0.0.1:7717/ws", { path: "/home/me/.ssh/authorized_keys", comment: "my laptop", n: 2, empty: "", gone: undefined });
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}listening on ws:\/\/127\.0\.0\.1:7717\/ws clientId=c1 path=\/home\/me\/\.ssh\/authorized_keys comment="my laptop" n=2 empty=""$/,
    );
  });

  test("errors print their message", () => {
    const { log, lines } = capture({ format: "pretty" });
    log.warn("failed", { error: new Error("disk full") });
    expect(lines[0]).toEndWith('WARN  failed error="disk full"');
  });
});

describe("levels", () => {
  test.each([
    ["silent", []],
    ["error", ["error"]],
    ["warn", ["error", "warn"]],
    ["info", ["error", "warn", "info"]],
    ["debug", ["error", "warn", "info", "debug"]],
    ["trace", ["error", "warn", "info", "debug"]],
  ] as const)("level %s writes %p", (level, written) => {
    const { log, json } = capture({ format: "json", level });
    const child = log.child({ c: 1 });
    for (const method of ["error", "warn", "info", "debug"] as const) child[method](method);
    expect(json().map((line) => line.level)).toEqual([...written]);
  });

  test("default level is info", () => {
    const { log, lines } = capture({ format: "json" });
    log.debug("hidden");
    log.info("shown");
    expect(lines).toHaveLength(1);
  });

  test("a line below the level does not even read its fields", () => {
    const { log, lines } = capture({ format: "json", level: "info" });
    const fields = {
      get expensive(): string {
        throw new Error("read a field of a suppressed line");
      },
    };
    log.child({ c: 1 }).debug("hidden", fields);
    expect(lines).toEqual([]);
  });

  test("silentLogger drops everything", () => {
    expect(() => silentLogger.child({ a: 1 }).error("x", { b: 2 })).not.toThrow();
  });
});
