import { expect, test } from "bun:test";
import { createLogger } from "../../src/log/logger.ts";
import { procFdReader, startFdMonitor } from "../../src/server/fd-monitor.ts";

test("warns once when crossing the high mark and notes the recovery below the low mark", () => {
  const lines: string[] = [];
  const log = createLogger({ format: "json", write: (line) => lines.push(line) });
  const samples = [50, 95, 97, 85, 70, 96].map((open) => ({ open, limit: 100 }));
  let index = 0;
  const monitor = startFdMonitor({ log, intervalMs: 60_000, read: () => samples[index++] });
  const seen: boolean[] = [monitor.usage()!.exhausted];
  for (let i = 1; i < samples.length; i++) {
    if (i === 4) expect(monitor.degraded()).toEqual(["file descriptors nearly exhausted: new connections refused"]);
    seen.push(monitor.check()!.exhausted);
    if (i === 4) expect(monitor.degraded()).toEqual([]);
  }
  monitor.stop();
  expect(seen).toEqual([false, true, true, true, false, true]);
  expect(monitor.degraded()).toEqual(["file descriptors nearly exhausted: new connections refused"]);
  const messages = lines.map((line) => JSON.parse(line)).map((line) => `${line.level}:${line.open}`);
  expect(messages).toEqual(["warn:95", "info:70", "warn:96"]);
});

test("reads real numbers from /proc on Linux", () => {
  const usage = procFdReader()?.();
  if (process.platform !== "linux") return expect(usage).toBeUndefined();
  expect(usage!.open).toBeGreaterThan(2);
  expect(usage!.limit).toBeGreaterThan(usage!.open);
});
