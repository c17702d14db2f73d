/**
 * One-shot turn benchmark: how long `claude-relay connect URL --prompt TEXT` takes from spawn to
 * exit for a one-line answer, against a relay with the synthetic Claude (so the figure is the
 * client's and the relay's cost, not a model's), and the same turn from the library in a running
 * process (`connect` + `runTurn` + `close`), which leaves out the process start.
 *
 *     bun bench/one-shot.ts           # RUNS=20 by default; prints a markdown section
 *     BENCH_TLS=1 bun bench/one-shot.ts   # over wss:// (--tls): the TLS transport, the certificate pinned with --fingerprint
 *
 * @example
 * ```sh
 * RUNS=50 bun bench/one-shot.ts
 * ```
 */
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { RelayClient } from "../src/client/client.ts";
import { parseFingerprint } from "../src/client/relay-identity.ts";
import { relayTls } from "../src/client/relay-tls.ts";
import { keyFileSigner } from "../src/client/signer.ts";
import { runTurn } from "../src/client/turn.ts";
import { BUN, createBenchEnv, fmtMs, hardDeadline, machineLine, markdownTable, percentile, REPO_ROOT, startRelayProcess } from "./support/harness.ts";

const RUNS = Number(process.env.RUNS ?? 20);
const PROMPT = "synth events=1 bytes=40";

hardDeadline(300_000, "one-shot");
const bench = createBenchEnv();
const TLS = process.env.BENCH_TLS === "1";
const relay = await startRelayProcess(bench, TLS ? ["--tls"] : []);
/** The relay's certificate, pinned as a user would (the hex a browser shows works too). */
const fingerprint = relay.ca ? parseFingerprint(new X509Certificate(relay.ca).fingerprint256) : undefined;

/** Median and p90 of RUNS timings, after two warm-ups. */
async function timeRuns(run: () => Promise<number>): Promise<{ median: number; p90: number }> {
  for (let i = 0; i < 2; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await run());
  samples.sort((a, b) => a - b);
  return { median: percentile(samples, 50), p90: percentile(samples, 90) };
}

async function cliTurn(): Promise<number> {
  const started = performance.now();
  const pin = fingerprint ? ["--fingerprint", fingerprint] : [];
  const child = Bun.spawn([BUN, join(REPO_ROOT, "src", "cli.ts"), "connect", relay.url, "-i", bench.keyPath, "--prompt", PROMPT, ...pin], {
    env: bench.env,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  const elapsed = performance.now() - started;
  if (code !== 0 || stdout.length === 0) throw new Error(`connect --prompt exited ${code}: ${await new Response(child.stderr).text()}`);
  return elapsed;
}

async function libraryTurn(): Promise<number> {
  const signer = keyFileSigner(bench.keyPath);
  const started = performance.now();
  const client = new RelayClient({ signer, ...(fingerprint && { tls: relayTls({ fingerprint }) }) });
  await client.connect(relay.url);
  const turn = await runTurn(client, PROMPT);
  await client.close();
  const elapsed = performance.now() - started;
  signer.close();
  if (!turn.ok) throw new Error(`runTurn failed: ${turn.error}`);
  return elapsed;
}

try {
  const cli = await timeRuns(cliTurn);
  const library = await timeRuns(libraryTurn);
  console.log(
    `${machineLine()}; ${RUNS} runs after 2 warm-ups; the synthetic Claude answers one ~40-byte line${TLS ? "; over wss:// (--tls, pinned)" : ""}.\n`,
  );
  console.log(
    markdownTable(
      ["<one turn", "median ms", "p90 ms"],
      [
        ["`bun src/cli.ts connect URL --prompt …` (spawn → exit)", fmtMs(cli.median, 1), fmtMs(cli.p90, 1)],
        ["library: `connect` + `runTurn` + `close` in a running process", fmtMs(library.median, 1), fmtMs(library.p90, 1)],
      ],
    ),
  );
} finally {
  await relay.child.stop();
  bench.cleanup();
}
