/**
 * The notifier with real commands (shell scripts in a temp directory): the JSON line on stdin, one
 * command per event kind at a time with the newest waiting one run next, a hanging command killed,
 * failing and missing commands logged with context, close() at shutdown.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLogger } from "../../src/log/logger.ts";
import { type Notification, Notifier } from "../../src/notify/notifier.ts";
import { alive } from "../support/claude-harness.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";
import { waitFor } from "../support/wait.ts";

const dir = makeTempDir("relay-notify-");
afterAll(() => removeTempDir(dir));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Appends its stdin to the file named by $1 (one line per run), after waiting for the file $2 when given. */
const RECORD = script("record.sh", 'if [ -n "$2" ]; then while [ ! -e "$2" ]; do sleep 0.02; done; fi\ncat >> "$1"');

function setup(argv: string[], timeoutMs?: number) {
  const logs: Array<Record<string, any>> = [];
  const log = createLogger({ level: "debug", format: "json", write: (line) => logs.push(JSON.parse(line)) });
  const notifier = new Notifier({ argv, log, ...(timeoutMs !== undefined && { timeoutMs }) });
  const finished = () => logs.filter((line) => line.msg === "notify command done" || line.msg.startsWith("notify command failed")).length;
  return { notifier, logs, finished };
}

let counter = 0;
const notification = (event: Notification["event"], extra: Partial<Notification> = {}): Notification => ({
  event,
  sessionId: "7f0c3d0e-0000-4000-8000-000000000001",
  cwd: "/home/me/app",
  title: "Fix the login test",
  time: new Date(Date.UTC(2026, 10, 25, 20, 4, counter++)).toISOString(),
  ...extra,
});

const linesOf = (file: string) =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line))
    : [];

describe("Notifier", () => {
  test("runs the command without a shell, one JSON line on stdin", async () => {
    const out = join(dir, "plain.jsonl");
    const { notifier, finished } = setup([RECORD, out]);
    const sent = notification("permission", { tool: "Bash", detail: "npm test", requestId: "r1" });
    notifier.notify(sent);
    await waitFor(() => finished() === 1, 10_000, "the command to finish");
    expect(readFileSync(out, "utf8")).toBe(`${JSON.stringify(sent)}\n`);
    const args = join(dir, "args.txt");
    const { notifier: literal, finished: literalDone } = setup([script("args.sh", `printf '%s|' "$@" > "${args}"`), "$HOME", "a b", "*"]);
    literal.notify(notification("failed"));
    await waitFor(() => literalDone() === 1, 10_000, "the command to finish");
    expect(readFileSync(args, "utf8")).toBe("$HOME|a b|*|");
  });

  test("one command per event kind at a time: one that comes meanwhile waits, a newer one replaces it; other kinds run at once", async () => {
    const out = join(dir, "queued.jsonl");
    const gate = join(dir, "gate");
    const { notifier, finished } = setup([RECORD, out, gate]);
    const [first, second, third] = [
      notification("permission", { requestId: "1" }),
      notification("permission", { requestId: "2" }),
      notification("permission", { requestId: "3" }),
    ];
    notifier.notify(first);
    notifier.notify(second);
    notifier.notify(third);
    const turn = notification("turn_finished", { isError: false });
    notifier.notify(turn);
    writeFileSync(gate, "");
    await waitFor(() => finished() === 3, 10_000, "three commands to finish");
    const got = linesOf(out);
    expect(got).toHaveLength(3);
    expect(got.filter((line) => line.event === "permission").map((line) => line.requestId)).toEqual(["1", "3"]);
    expect(got.filter((line) => line.event === "turn_finished")).toEqual([turn]);
  });

  test("a command still running after the timeout is killed with its process group; the next one runs", async () => {
    const pidFile = join(dir, "hang.pid");
    const hang = script("hang.sh", `sleep 30 & echo $! > "${pidFile}"; wait`);
    const { notifier, logs, finished } = setup([hang], 300);
    notifier.notify(notification("turn_finished"));
    notifier.notify(notification("turn_finished"));
    await waitFor(() => finished() === 2, 10_000, "both commands to end");
    const killed = logs.filter((line) => line.msg === "notify command still running after 300 ms: killed");
    expect(killed).toHaveLength(2);
    expect(killed[0]).toMatchObject({ level: "warn", event: "turn_finished", sessionId: expect.any(String), command: hang, pid: expect.any(Number) });
    expect(logs.filter((line) => line.msg === "notify command failed: signal SIGKILL")).toHaveLength(2);
    const sleeper = Number(readFileSync(pidFile, "utf8"));
    await waitFor(() => !alive(sleeper), 5000, "the sleep it started gone too"); // killed with the group (a zombie until reaped)
  });

  test("a failing command is logged with its exit code and stderr", async () => {
    const { notifier, logs, finished } = setup([script("fail.sh", "cat > /dev/null; echo 'ntfy: topic not found' >&2; exit 3")]);
    notifier.notify(notification("permission"));
    await waitFor(() => finished() === 1, 10_000, "the command to fail");
    expect(logs.find((line) => line.msg.startsWith("notify command failed"))).toMatchObject({
      level: "warn",
      msg: "notify command failed: exit code 3",
      event: "permission",
      code: 3,
      stderr: "ntfy: topic not found",
    });
  });

  test("a missing program is logged, saying what to check; later notifications still try", async () => {
    const missing = join(dir, "no-such-notifier");
    const { notifier, logs } = setup([missing]);
    notifier.notify(notification("failed"));
    await waitFor(() => logs.some((line) => line.level === "warn" && line.command === missing), 10_000, "the warning");
    expect(logs.find((line) => line.command === missing)!.msg).toMatch(/could not be started/);
    notifier.notify(notification("failed"));
    await waitFor(() => logs.filter((line) => line.command === missing).length === 2, 10_000, "the second warning");
  });

  test("close: nothing new starts, waiting ones are dropped, a running one gets the grace period and is then killed", async () => {
    const out = join(dir, "closing.jsonl");
    const { notifier, logs } = setup([RECORD, out, join(dir, "never")]);
    notifier.notify(notification("permission", { requestId: "running" }));
    notifier.notify(notification("permission", { requestId: "waiting" }));
    await notifier.close(200);
    expect(logs.some((line) => line.msg === "notify command failed: signal SIGKILL")).toBe(true);
    notifier.notify(notification("permission", { requestId: "after" }));
    await Bun.sleep(100);
    expect(linesOf(out)).toEqual([]);
    expect(logs.filter((line) => line.msg.startsWith("notify command failed"))).toHaveLength(1);
  });
});
