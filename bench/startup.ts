/**
 * Distribution benchmark: the compiled binary's size against a hello-world `bun build --compile`,
 * how fast `claude-relay --version` returns, and how long `claude-relay serve` takes until its
 * port listens. Also the same for builds without `--bytecode` and for the source run on Bun and
 * Deno, to show what the build flags buy.
 *
 *     bun bench/startup.ts            # RUNS=30 by default; prints a markdown section
 *
 * Start-up is wall time from spawn to exit (`--version`) or to the "listening on" log line, which
 * the relay writes right after the listen call returns (`serve --port 0`, with the synthetic
 * Claude from bench/support so that no model CLI competes for the CPU).
 *
 * @example
 * ```sh
 * RUNS=50 bun bench/startup.ts
 * ```
 */
import { spawnSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { compileArgs } from "../scripts/build.ts";
import { BUN, createBenchEnv, fmtMs, hardDeadline, machineLine, markdownTable, percentile, REPO_ROOT, SYNTHETIC_CLAUDE } from "./support/harness.ts";

const RUNS = Number(process.env.RUNS ?? 30);
const DENO = join(REPO_ROOT, "node_modules", ".bin", "deno");
const CLI = join(REPO_ROOT, "src", "cli.ts");

hardDeadline(600_000, "startup");
const bench = createBenchEnv();
const out = join(bench.dir, "out");
const env = { ...bench.env, PATH: [join(REPO_ROOT, "node_modules", ".bin"), process.env.PATH].join(delimiter), BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0" };

/** Compiles `entry` with the release flags (optionally without `--bytecode`) into the temp dir. */
function compile(name: string, entry: string, bytecode = true): string {
  const outfile = join(out, name);
  const args = compileArgs({ outfile }).filter((arg) => bytecode || arg !== "--bytecode");
  args[args.indexOf("src/cli.ts")] = entry;
  const result = spawnSync(BUN, args, { cwd: REPO_ROOT, encoding: "utf8", timeout: 120_000 });
  if (result.status !== 0) throw new Error(`compiling ${name} failed: ${result.stderr}`);
  return outfile;
}

const helloEntry = join(bench.dir, "hello.ts");
writeFileSync(helloEntry, 'console.log("hello");\n');
const binary = compile("claude-relay", CLI);
const noBytecode = compile("claude-relay-no-bytecode", CLI, false);
const hello = compile("hello", helloEntry);
const helloPlain = join(out, "hello-plain");
spawnSync(BUN, ["build", "--compile", helloEntry, "--outfile", helloPlain], { cwd: REPO_ROOT, timeout: 120_000 });

/** Median and p90 of `RUNS` timings of `run` (after two warm-up runs). */
async function timeRuns(run: () => Promise<number> | number): Promise<{ median: number; p90: number }> {
  for (let i = 0; i < 2; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await run());
  samples.sort((a, b) => a - b);
  return { median: percentile(samples, 50), p90: percentile(samples, 90) };
}

function timeExit(cmd: string[]): number {
  const started = performance.now();
  const result = spawnSync(cmd[0]!, cmd.slice(1), { cwd: bench.dir, env, stdio: "ignore", timeout: 30_000 });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`${cmd.join(" ")} exited ${result.status}`);
  return elapsed;
}

/** Spawn → "listening on" line; then SIGTERM and wait for the exit. */
async function timeListen(cmd: string[]): Promise<number> {
  const args = [
    ...cmd,
    "serve",
    "--port",
    "0",
    "--claude-bin",
    SYNTHETIC_CLAUDE,
    "--authorized-keys",
    bench.authorizedKeysPath,
    "--cwd",
    bench.dir,
    "--state-dir",
    join(bench.dir, "state"),
    "--log-format",
    "json",
  ];
  const started = performance.now();
  const child = Bun.spawn(args, { cwd: bench.dir, env, stdout: "ignore", stderr: "pipe" });
  const decoder = new TextDecoder();
  let output = "";
  let elapsed = NaN;
  for await (const chunk of child.stderr as ReadableStream<Uint8Array>) {
    output += decoder.decode(chunk);
    if (output.includes("listening on ws://")) {
      elapsed = performance.now() - started;
      break;
    }
  }
  child.kill("SIGTERM");
  await child.exited;
  if (Number.isNaN(elapsed)) throw new Error(`${cmd.join(" ")} never listened:\n${output}`);
  return elapsed;
}

const mib = (path: string) => statSync(path).size / 2 ** 20;
const sizeRows = [
  ["dist/claude-relay (release flags)", mib(binary)],
  ["same, without --bytecode", mib(noBytecode)],
  ["hello world, release flags", mib(hello)],
  ["hello world, plain `bun build --compile`", mib(helloPlain)],
].map(([what, size]) => [
  what as string,
  fmtMs(size as number, 1),
  `${(size as number) - mib(helloPlain) >= 0 ? "+" : ""}${fmtMs((size as number) - mib(helloPlain), 1)}`,
]);

const versionRows: string[][] = [];
for (const [what, cmd] of [
  ["dist/claude-relay --version", [binary, "--version"]],
  ["same, without --bytecode", [noBytecode, "--version"]],
  ["hello world binary", [hello]],
  ["bun src/cli.ts --version", [BUN, CLI, "--version"]],
  ["deno run -A src/cli.ts --version", [DENO, "run", "-A", CLI, "--version"]],
] as const) {
  const t = await timeRuns(() => timeExit([...cmd]));
  versionRows.push([what, fmtMs(t.median, 1), fmtMs(t.p90, 1)]);
}

const listenRows: string[][] = [];
for (const [what, cmd] of [
  ["dist/claude-relay serve", [binary]],
  ["same, without --bytecode", [noBytecode]],
  ["bun src/cli.ts serve", [BUN, CLI]],
  ["deno run -A src/cli.ts serve", [DENO, "run", "-A", CLI]],
] as const) {
  const t = await timeRuns(() => timeListen([...cmd]));
  listenRows.push([what, fmtMs(t.median, 1), fmtMs(t.p90, 1)]);
}

console.log(`Measured: ${machineLine()}, ${RUNS} runs each after 2 warm-ups.\n`);
console.log(markdownTable(["<binary", "size MiB", "vs plain hello world MiB"], sizeRows));
console.log();
console.log(markdownTable(["<command (spawn → exit)", "median ms", "p90 ms"], versionRows));
console.log();
console.log(markdownTable(["<command (spawn → listening)", "median ms", "p90 ms"], listenRows));
bench.cleanup();
process.exit(0);
