/**
 * Builds claude-relay as standalone executables with `bun build --compile`:
 * `dist/claude-relay` for this machine, `dist/claude-relay-<platform>` for every release target,
 * and `dist/SHA256SUMS` over the release files (`sha256sum -c SHA256SUMS` checks them).
 *
 *     bun scripts/build.ts               # host binary + all release targets + SHA256SUMS
 *     bun scripts/build.ts --host-only   # dist/claude-relay only (quick; used by the tests)
 *
 * Cross targets need Bun's runtime for that platform, which `bun build` downloads (from the npm
 * registry, @oven/bun-<platform>) into its cache on first use. A target that cannot be built is
 * reported by name with Bun's error and makes the script exit 1; the other targets are still built.
 *
 * @example
 * ```ts
 * compileArgs({ outfile: "dist/claude-relay-linux-arm64", target: "linux-arm64" });
 * // ["build", "--compile", …, "--target=bun-linux-arm64", "src/cli.ts", "src/changes/git-worker.ts", "--outfile", "dist/claude-relay-linux-arm64"]
 * ```
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import pkg from "../package.json" with { type: "json" };
import { writeWebAssets } from "./build-web.ts";

export const RELEASE_TARGETS = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64"] as const;
export type ReleaseTarget = (typeof RELEASE_TARGETS)[number];

const ROOT = join(import.meta.dirname, "..");
const ENTRY = "src/cli.ts";
/** Worker threads the relay starts: each is an entry point of its own, embedded at its path under src/ (see gitWorkerUrl). */
const WORKER_ENTRIES = ["src/changes/git-worker.ts"];

/**
 * `bun` arguments for one executable. `--format=esm` keeps top-level await working with
 * `--bytecode`; the two `--no-compile-autoload-*` flags stop the binary from loading `.env` and
 * `bunfig.toml` from whatever directory it is started in.
 */
export function compileArgs(options: { outfile: string; target?: ReleaseTarget }): string[] {
  return [
    "build",
    "--compile",
    "--minify",
    "--bytecode",
    "--format=esm",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    ...(options.target ? [`--target=bun-${options.target}`] : []),
    ENTRY,
    ...WORKER_ENTRIES,
    "--outfile",
    options.outfile,
  ];
}

/** `sha256sum`-compatible lines (`<hex>  <name>`), one per file, names relative to the file's dir. */
export function sha256sums(files: readonly { name: string; bytes: Uint8Array }[]): string {
  return files.map(({ name, bytes }) => `${createHash("sha256").update(bytes).digest("hex")}  ${name}\n`).join("");
}

interface BuildResult {
  outfile: string;
  error?: string;
}

function compile(outfile: string, target?: ReleaseTarget): BuildResult {
  const result = spawnSync(process.execPath, compileArgs({ outfile, target }), { cwd: ROOT, encoding: "utf8", timeout: 300_000 });
  if (result.status === 0) return { outfile };
  const output = `${result.stderr ?? ""}${result.stdout ?? ""}`.trim() || String(result.error ?? `exit ${result.status}`);
  return { outfile, error: output };
}

/** The built host binary must print the version from package.json (baked in at build time). */
function checkVersion(binary: string): string | undefined {
  const result = spawnSync(binary, ["--version"], { cwd: "/", encoding: "utf8", timeout: 30_000 });
  const printed = (result.stdout ?? "").trim();
  return printed.includes(pkg.version) ? undefined : `${binary} --version printed "${printed}" (stderr: ${result.stderr}), expected ${pkg.version}`;
}

async function main(args: string[]): Promise<number> {
  const unknown = args.filter((arg) => arg !== "--host-only");
  if (unknown.length > 0) {
    console.error(`build: unknown argument ${unknown.join(" ")}; usage: bun scripts/build.ts [--host-only]`);
    return 2;
  }
  const dist = join(ROOT, "dist");
  mkdirSync(dist, { recursive: true });
  // The binary embeds the web app through the generated module; build it fresh first.
  try {
    await writeWebAssets();
  } catch (error) {
    console.error(`build: ${(error as Error).message}`);
    return 1;
  }
  const show = (path: string) => relative(ROOT, path);

  const host = compile(join(dist, "claude-relay"));
  if (host.error) {
    console.error(`build: host binary failed:\n${host.error}`);
    return 1;
  }
  const versionProblem = checkVersion(host.outfile);
  if (versionProblem) {
    console.error(`build: ${versionProblem}`);
    return 1;
  }
  console.log(`built ${show(host.outfile)} (v${pkg.version})`);
  if (args.includes("--host-only")) return 0;

  const built: string[] = [];
  const failed: string[] = [];
  for (const target of RELEASE_TARGETS) {
    const result = compile(join(dist, `claude-relay-${target}`), target);
    if (result.error) {
      failed.push(target);
      rmSync(result.outfile, { force: true });
      console.error(`build: cannot build ${target}: Bun's runtime for bun-${target} could not be fetched or used here:\n${result.error}`);
    } else {
      built.push(result.outfile);
      console.log(`built ${show(result.outfile)}`);
    }
  }
  const sums = sha256sums(built.map((file) => ({ name: basename(file), bytes: readFileSync(file) })));
  writeFileSync(join(dist, "SHA256SUMS"), sums);
  console.log(`wrote dist/SHA256SUMS (${built.length} files)`);
  if (failed.length > 0) {
    console.error(`build: NOT built: ${failed.join(", ")} (see above); SHA256SUMS lists only what was built`);
    return 1;
  }
  return 0;
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
