import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { createLineWriter, FLUSH_BYTES } from "../../src/log/line-writer.ts";

async function waitFor(condition: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A writer whose scheduled flush runs only when the test says the turn ended. */
function manual() {
  const chunks: string[] = [];
  const scheduled: (() => void)[] = [];
  const writer = createLineWriter(
    (chunk) => chunks.push(chunk),
    (flush) => scheduled.push(flush),
  );
  const endTurn = () => {
    for (const flush of scheduled.splice(0)) flush();
  };
  return { writer, chunks, scheduled, endTurn };
}

describe("line writer", () => {
  test("lines of one turn go out together, in order, each with its newline", () => {
    const { writer, chunks, scheduled, endTurn } = manual();
    writer.write("a");
    writer.write("b");
    writer.write("c");
    expect(chunks).toEqual([]);
    expect(scheduled).toHaveLength(1);
    endTurn();
    expect(chunks).toEqual(["a\nb\nc\n"]);
    writer.write("d");
    endTurn();
    expect(chunks).toEqual(["a\nb\nc\n", "d\n"]);
  });

  test("flush writes at once; the later scheduled flush then has nothing to write", () => {
    const { writer, chunks, endTurn } = manual();
    writer.write("a");
    writer.flush();
    expect(chunks).toEqual(["a\n"]);
    endTurn();
    writer.flush();
    expect(chunks).toEqual(["a\n"]);
  });

  test("a batch past FLUSH_BYTES is written at once, without waiting for its turn", () => {
    const { writer, chunks, endTurn } = manual();
    const line = "x".repeat(1000);
    const lines = Math.ceil(FLUSH_BYTES / (line.length + 1));
    for (let i = 0; i < lines; i++) writer.write(line);
    expect(chunks).toEqual([`${line}\n`.repeat(lines)]);
    writer.write("after");
    endTurn();
    expect(chunks).toEqual([`${line}\n`.repeat(lines), "after\n"]);
  });

  test("by default a batch is written by a timer, not line by line", async () => {
    const chunks: string[] = [];
    const writer = createLineWriter((chunk) => chunks.push(chunk));
    writer.write("a");
    await new Promise((resolve) => setImmediate(resolve));
    writer.write("b");
    expect(chunks).toEqual([]);
    await waitFor(() => chunks.length > 0);
    expect(chunks).toEqual(["a\nb\n"]);
  });

  test("the process's stderr writer flushes what is pending when the process exits, even after an uncaught exception", () => {
    const script = join(import.meta.dir, "..", "..", "src", "log", "logger.ts");
    const code = `import { createLogger } from ${JSON.stringify(script)};
      const log = createLogger({ format: "json" });
      log.info("one"); log.warn("two");
      if (process.env.MODE === "throw") { setTimeout(() => { log.error("three"); throw new Error("boom"); }, 1); }
      else { log.info("three"); process.exit(0); }`;
    for (const mode of ["exit", "throw"]) {
      const result = spawnSync(process.execPath, ["-e", code], { encoding: "utf8", timeout: 20_000, env: { ...process.env, MODE: mode } });
      const messages = result.stderr
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line).msg);
      expect(messages).toEqual(["one", "two", "three"]);
      expect(result.status).toBe(mode === "throw" ? 1 : 0);
    }
  });
});
