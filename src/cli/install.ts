/**
 * `claude-relay install` and `claude-relay uninstall`: run `claude-relay serve` as a user service,
 * a systemd user unit on Linux or a launchd agent on macOS, and remove it again.
 *
 * Install writes one file and runs the service manager's commands; uninstall stops the service
 * and removes that file, and nothing else (a file without install's marker line is left alone).
 * `--dry-run` prints the file and the commands and changes nothing.
 *
 * @example
 * ```ts
 * const cli = cac("claude-relay");
 * registerInstallCommands(cli);
 * // claude-relay install --host 0.0.0.0 --cwd ~/code/app --dry-run
 * ```
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, resolve } from "node:path";
import type { CAC } from "cac";
import { resolveClaudeBin } from "../claude/resolve-bin.ts";
import { formatHostPort } from "../runtime/types.ts";
import { resolveServeOptions, SERVE_FLAGS, UsageError } from "./serve-options.ts";
import { launchdPlan } from "./service/launchd.ts";
import { GENERATED_MARKER, serveArgs, servicePath, shellQuote, type ServiceCommand, type ServicePlan, type ServiceSpec } from "./service/spec.ts";
import { systemdPlan } from "./service/systemd.ts";

/** Picks the service manager regardless of the OS (for tests and for reviewing the other OS's file). */
export const PLATFORM_OVERRIDE_ENV = "CLAUDE_RELAY_SERVICE_PLATFORM";

/** The running process as install sees it; tests pass their own. */
export interface InstallContext {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  cwd: string;
  home: string;
  uid: number;
  execPath: string;
  argv: readonly string[];
  print(line: string): void;
  warn(line: string): void;
}

function processContext(): InstallContext {
  return {
    env: process.env,
    platform: process.platform,
    cwd: process.cwd(),
    home: process.env.HOME || homedir(),
    uid: process.getuid?.() ?? 0,
    execPath: process.execPath,
    argv: process.argv,
    print: (line) => process.stdout.write(line + "\n"),
    warn: (line) => process.stderr.write(`claude-relay: ${line}\n`),
  };
}

/**
 * True when this is `bun|deno|node src/cli.ts`, not a compiled binary: then `execPath` is the
 * runtime, not claude-relay. (In a Bun binary `argv[1]` is a `/$bunfs/…` path and `execPath` the binary.)
 *
 * @example
 * ```ts
 * isRunningFromSource("/usr/bin/bun", "/src/claude-relay/src/cli.ts"); // true
 * isRunningFromSource("/usr/local/bin/claude-relay", "/$bunfs/root/claude-relay"); // false
 * ```
 */
export function isRunningFromSource(execPath: string, argv1: string | undefined): boolean {
  if (argv1?.startsWith("/$bunfs/")) return false;
  return /^(bun|deno|node)(\.exe)?$/i.test(basename(execPath)) || /\.[cm]?[jt]sx?$/.test(argv1 ?? "");
}

/** The executable the service runs: `--binary`, else this compiled binary; refuses a source checkout. */
export function serviceProgram(binary: unknown, context: Pick<InstallContext, "execPath" | "argv" | "cwd">): string {
  if (binary === undefined) {
    if (isRunningFromSource(context.execPath, context.argv[1])) {
      throw new UsageError(
        `install is running from source (${context.execPath} ${context.argv[1] ?? ""}), which a service should not depend on; ` +
          "build the binary (npm run build) and run dist/claude-relay install, or name it with --binary PATH",
      );
    }
    return context.execPath;
  }
  if (typeof binary !== "string" || binary.trim() === "") throw new UsageError("--binary needs a path");
  const path = resolve(context.cwd, binary);
  try {
    accessSync(path, constants.X_OK);
    if (!statSync(path).isFile()) throw new Error("not a file");
  } catch {
    throw new UsageError(`--binary ${binary}: ${path} is not an executable file`);
  }
  return realpathSync(path);
}

/** systemd on Linux, launchd on macOS (or as `CLAUDE_RELAY_SERVICE_PLATFORM` says). */
export function servicePlan(context: Pick<InstallContext, "env" | "platform" | "home" | "uid">): ServicePlan {
  const platform = context.env[PLATFORM_OVERRIDE_ENV] || context.platform;
  if (platform === "linux") return systemdPlan({ home: context.home, env: context.env });
  if (platform === "darwin") return launchdPlan({ home: context.home, uid: context.uid });
  throw new UsageError(`install supports Linux (systemd) and macOS (launchd), not ${platform}; run claude-relay serve under your own service manager`);
}

/** Builds the service description from `install`'s flags, as `serve` would run with them. */
export function serviceSpec(flags: Record<string, unknown>, context: InstallContext): { spec: ServiceSpec; missingClaude?: string } {
  const { dryRun: _dryRun, binary, ...serveFlags } = flags;
  const options = resolveServeOptions(serveFlags, { env: context.env, platform: context.platform, cwd: context.cwd, home: context.home });
  const program = serviceProgram(binary, context);
  let claude: string | undefined;
  try {
    claude = resolveClaudeBin({ bin: options.claudeBin, cwd: options.cwd, path: context.env.PATH });
  } catch {
    claude = undefined;
  }
  return {
    spec: {
      program,
      args: serveArgs(serveFlags, options),
      workingDirectory: options.cwd,
      path: servicePath(context.env.PATH, claude),
      description: `claude-relay: Claude Code over an SSH-key-authenticated WebSocket on ${formatHostPort(options.host, options.port)}`,
    },
    ...(claude === undefined && { missingClaude: options.claudeBin ?? "claude" }),
  };
}

const showCommand = (command: ServiceCommand) => command.argv.map(shellQuote).join(" ");

/** Runs service-manager commands in order; a failing one stops the rest unless it may fail. */
function runCommands(commands: readonly ServiceCommand[], context: InstallContext): void {
  for (const command of commands) {
    const [program, ...args] = command.argv as [string, ...string[]];
    context.print(`$ ${showCommand(command)}`);
    const result = spawnSync(program, args, { stdio: ["ignore", "inherit", "inherit"], env: context.env as NodeJS.ProcessEnv, timeout: 60_000 });
    if (result.status === 0) continue;
    const why = result.error ? `${result.error.message}${(result.error as NodeJS.ErrnoException).code === "ENOENT" ? ` (is ${program} installed and on PATH?)` : ""}` : `exit ${result.status ?? result.signal}`;
    if (command.mayFail) context.warn(`\`${showCommand(command)}\` failed (${why}); continuing`);
    else throw new Error(`\`${showCommand(command)}\` failed (${why})`);
  }
}

/** `claude-relay install [serve flags] [--binary PATH] [--dry-run] [-- claude args]`. */
export function runInstall(flags: Record<string, unknown>, context: InstallContext = processContext()): void {
  const plan = servicePlan(context);
  const { spec, missingClaude } = serviceSpec(flags, context);
  const content = plan.render(spec);
  const replacing = existsSync(plan.file);
  const commands = plan.installCommands(replacing);
  if (missingClaude) context.warn(`Claude Code ("${missingClaude}") was not found; the service will fail to start until it is installed or --claude-bin names it`);

  if (flags.dryRun) {
    context.print(`# Dry run: nothing is written or run.`);
    context.print(`# ${replacing ? "Would replace" : "Would write"} ${plan.file}:`);
    context.print(content.trimEnd());
    context.print(`# Would run:`);
    for (const command of commands) context.print(showCommand(command));
    return;
  }
  if (replacing) assertGenerated(plan.file);
  for (const dir of [dirname(plan.file), ...plan.directories]) mkdirSync(dir, { recursive: true });
  writeFileSync(plan.file, content, { mode: 0o644 });
  context.print(`${replacing ? "Replaced" : "Wrote"} ${plan.file}`);
  try {
    runCommands(commands, context);
  } catch (error) {
    throw new Error(`${(error as Error).message}; ${plan.file} is in place: fix the problem and run install again, or remove it with claude-relay uninstall`);
  }
  context.print(`claude-relay is installed as a ${plan.manager} service: ${[spec.program, ...spec.args].map(shellQuote).join(" ")}`);
  for (const note of plan.notes) context.print(note);
}

/** `claude-relay uninstall [--dry-run]`. */
export function runUninstall(flags: Record<string, unknown>, context: InstallContext = processContext()): void {
  const plan = servicePlan(context);
  if (!existsSync(plan.file)) {
    context.print(`claude-relay is not installed as a ${plan.manager} service (no ${plan.file}); nothing to do`);
    return;
  }
  assertGenerated(plan.file);
  if (flags.dryRun) {
    context.print(`# Dry run: nothing is removed or run.`);
    context.print(`# Would run:`);
    for (const command of plan.stopCommands) context.print(showCommand(command));
    context.print(`rm ${shellQuote(plan.file)}`);
    for (const command of plan.cleanupCommands) context.print(showCommand(command));
    return;
  }
  runCommands(plan.stopCommands, context);
  rmSync(plan.file);
  context.print(`Removed ${plan.file}`);
  runCommands(plan.cleanupCommands, context);
  context.print(`claude-relay is no longer installed as a ${plan.manager} service`);
}

/** Refuses to replace or remove a file that `install` did not write. */
function assertGenerated(file: string): void {
  if (!readFileSync(file, "utf8").includes(GENERATED_MARKER)) {
    throw new Error(`${file} was not written by claude-relay install; leaving it alone (move it away yourself if it should go)`);
  }
}

/**
 * Adds `install` (with every `serve` flag) and `uninstall` to the CLI.
 *
 * @example
 * ```ts
 * registerInstallCommands(cli); // in src/cli.ts, before cli.parse
 * ```
 */
export function registerInstallCommands(cli: CAC): void {
  const install = cli
    .command("install", "Run `claude-relay serve` as a user service (systemd on Linux, launchd on macOS)")
    .usage("install [serve options] [--binary PATH] [--dry-run] [-- extra args for claude]");
  for (const spec of SERVE_FLAGS) install.option(spec.flag, spec.default ? `${spec.help} (default: ${spec.default})` : spec.help);
  install
    .option("--binary <path>", "claude-relay executable the service runs (default: this binary; required when running from source)")
    .option("--dry-run", "Print the service file and the commands; change nothing")
    .example("claude-relay install --host 0.0.0.0 --cwd ~/code/app --dry-run")
    .action((flags: Record<string, unknown>) => runInstall(flags));
  cli
    .command("uninstall", "Stop the user service and remove the file install wrote")
    .option("--dry-run", "Print what would be stopped and removed; change nothing")
    .action((flags: Record<string, unknown>) => runUninstall(flags));
}
