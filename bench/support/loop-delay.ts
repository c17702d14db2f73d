/**
 * Preloaded into a benchmark's relay (`bun --preload`): watches the relay's own event loop with
 * `monitorEventLoopDelay` (a timer every millisecond; its lateness is how long the loop was busy,
 * or the process was not scheduled). On SIGUSR2 it prints what it saw since the last SIGUSR2 and
 * starts over, as a `{"kind":"loopDelay","p50","p99","max","count"}` line (ms) that
 * bench/support/harness.ts's `ChildProcess.message("loopDelay")` picks up.
 *
 * @example
 * ```ts
 * const relay = await startRelayProcess(bench, flags, {}, { bunFlags: ["--preload", LOOP_DELAY_PRELOAD] });
 * relay.child.kill("SIGUSR2"); // reset
 * // … the measured stretch …
 * relay.child.kill("SIGUSR2");
 * const delay = await relay.child.message<LoopDelay>("loopDelay", 5000);
 * ```
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
const ms = (ns: number) => Math.round(ns / 1e3) / 1e3;
process.on("SIGUSR2", () => {
  const { count } = histogram;
  console.log(JSON.stringify({ kind: "loopDelay", p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), count }));
  histogram.reset();
});
