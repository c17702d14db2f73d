/**
 * `claude-relay install` and `claude-relay uninstall`: run `claude-relay serve` as a user service,
 * a systemd user unit on Linux or a launchd agent on macOS, and remove it again.
 *
 * Install writes the service's files (systemd: the unit and, mode 0600, an environment file with
 * the credentials Claude needs; launchd: one plist, 0600 when it holds credentials) and runs the
 * service manager's commands; uninstall stops the service and removes those files, and nothing
 * else (a file without install's marker line is left alone). `--dry-run` prints the files (with
 * credential values hidden) and the commands and changes nothing.
 *
 * @example
 * ```ts
 * const commands = [installCommand, uninstallCommand];
 * // claude-relay install --host 0.0.0.0 --tls --cwd ~/code/app --dry-run
 * ```
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, resolve } from "node:path";
import { resolveClaudeBin } from "../claude/resolve-bin.ts";
import { formatHostPort } from "../runtime/types.ts";
import { writeFileAtomically } from "../shared/atomic-write.ts";
import { isRunningFromSource } from "../shared/self-command.ts";
import { shellQuote } from "../shared/shell-quote.ts";
import { checkStateDir, checkWorkingDirectory } from "./check-paths.ts";
import type { CommandSpec } from "./command.ts";
import { resolveServeOptions, SERVE_FLAGS } from "./serve-options.ts";
import { storedClaudeLogin } from "./service/claude-login.ts";
import { hasCredentialVariables, serviceEnvironment } from "./service/environment.ts";
import { launchdPlan } from "./service/launchd.ts";
import { GENERATED_MARKER, type ServiceCommand, type ServicePlan, type ServiceSpec, serveArgs, servicePath } from "./service/spec.ts";
import { systemdPlan } from "./service/systemd.ts";
import { UsageError } from "./usage-error.ts";

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
    print: (line) => process.stdout.write(`${line}\n`),
    warn: (line) => process.stderr.write(`claude-relay: ${line}\n`),
  };
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

/**
 * Builds the service description from `install`'s flags, as `serve` would run with them: the same
 * checks (flag values, --cwd, --state-dir), and the credentials of the installing environment.
 */
export function serviceSpec(flags: Record<string, unknown>, context: InstallContext): { spec: ServiceSpec; missingClaude?: string } {
  const { dryRun: _dryRun, binary, ...serveFlags } = flags;
  const options = resolveServeOptions(serveFlags, { env: context.env, platform: context.platform, cwd: context.cwd, home: context.home });
  checkWorkingDirectory(options.cwd, serveFlags.cwd !== undefined);
  checkStateDir(options.stateDir, serveFlags.stateDir !== undefined);
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
      environment: serviceEnvironment(context.env),
      description: `claude-relay: Claude Code over an SSH-key-authenticated WebSocket on ${formatHostPort(options.host, options.port)}`,
      reloadsOnHangup: options.tls !== undefined,
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
    const why = result.error
      ? `${result.error.message}${(result.error as NodeJS.ErrnoException).code === "ENOENT" ? ` (is ${program} installed and on PATH?)` : ""}`
      : `exit ${result.status ?? result.signal}`;
    if (command.mayFail) context.warn(`\`${showCommand(command)}\` failed (${why}); continuing`);
    else throw new Error(`\`${showCommand(command)}\` failed (${why})`);
  }
}

/** Stands in for a credential's value in `--dry-run` output. */
const HIDDEN = "********";

const octal = (mode: number) => `0${mode.toString(8)}`;

/** `claude-relay install [serve flags] [--binary PATH] [--dry-run] [-- claude args]`. */
export function runInstall(flags: Record<string, unknown>, context: InstallContext = processContext()): void {
  const plan = servicePlan(context);
  const { spec, missingClaude } = serviceSpec(flags, context);
  const replacing = existsSync(plan.file);
  const commands = plan.installCommands(replacing);
  if (missingClaude)
    context.warn(`Claude Code ("${missingClaude}") was not found; the service will fail to start until it is installed or --claude-bin names it`);
  warnWithoutCredentials(spec.environment, context);
  const carried = Object.keys(spec.environment);

  if (flags.dryRun) {
    const hidden = Object.fromEntries(carried.map((name) => [name, HIDDEN]));
    context.print(`# Dry run: nothing is written or run.`);
    if (carried.length > 0) context.print(`# Would carry ${carried.join(", ")} into the service (values shown as ${HIDDEN}).`);
    for (const file of plan.render({ ...spec, environment: hidden })) {
      context.print(`# ${existsSync(file.path) ? "Would replace" : "Would write"} ${file.path} (mode ${octal(file.mode)}):`);
      context.print(file.content.trimEnd());
    }
    context.print(`# Would run:`);
    for (const command of commands) context.print(showCommand(command));
    return;
  }
  for (const file of plan.files) if (existsSync(file)) assertGenerated(file);
  for (const dir of [...new Set([...plan.files.map((file) => dirname(file)), ...plan.directories])]) mkdirSync(dir, { recursive: true });
  for (const file of plan.render(spec)) {
    const existed = existsSync(file.path);
    writeFileAtomically(file.path, file.content, file.mode); // exactly file.mode, never looser for a moment
    context.print(`${existed ? "Replaced" : "Wrote"} ${file.path} (mode ${octal(file.mode)})`);
  }
  if (carried.length > 0) context.print(`Carried ${carried.join(", ")} into the service (readable only by you)`);
  try {
    runCommands(commands, context);
  } catch (error) {
    throw new Error(`${(error as Error).message}; ${plan.file} is in place: fix the problem and run install again, or remove it with claude-relay uninstall`);
  }
  context.print(`claude-relay is installed as a ${plan.manager} service: ${[spec.program, ...spec.args].map(shellQuote).join(" ")}`);
  for (const note of plan.notes) context.print(note);
}

/**
 * Warns when the service's Claude would have no way to authenticate: no credential variable to
 * carry and no login stored where Claude Code keeps it.
 */
function warnWithoutCredentials(carried: Record<string, string>, context: InstallContext): void {
  if (hasCredentialVariables(carried) || storedClaudeLogin(context) !== undefined) return;
  context.warn(
    "Claude Code has no stored login here and no ANTHROPIC_API_KEY (or other credential variable) is set, so the service's Claude " +
      'would answer every prompt with "Not logged in". Run `claude` once and log in with /login, or set ANTHROPIC_API_KEY and run install again.',
  );
}

/** `claude-relay uninstall [--dry-run]`. */
export function runUninstall(flags: Record<string, unknown>, context: InstallContext = processContext()): void {
  const plan = servicePlan(context);
  const present = plan.files.filter((file) => existsSync(file));
  if (present.length === 0) {
    context.print(`claude-relay is not installed as a ${plan.manager} service (no ${plan.file}); nothing to do`);
    return;
  }
  for (const file of present) assertGenerated(file);
  if (flags.dryRun) {
    context.print(`# Dry run: nothing is removed or run.`);
    context.print(`# Would run:`);
    for (const command of plan.stopCommands) context.print(showCommand(command));
    context.print(`rm ${present.map(shellQuote).join(" ")}`);
    for (const command of plan.cleanupCommands) context.print(showCommand(command));
    return;
  }
  runCommands(plan.stopCommands, context);
  for (const file of present) {
    rmSync(file);
    context.print(`Removed ${file}`);
  }
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
 * `install`'s declaration for the CLI: every `serve` flag, plus --binary and --dry-run.
 *
 * @example
 * ```ts
 * const commands = [serveCommand, installCommand, uninstallCommand];
 * ```
 */
export const installCommand: CommandSpec = {
  name: "install",
  summary: "Run `claude-relay serve` as a user service (systemd on Linux, launchd on macOS)",
  synopsis: "[serve flags] [--binary PATH] [--dry-run] [-- extra args for claude]",
  rest: "extra args for claude",
  flags: [
    ...SERVE_FLAGS,
    { flag: "--binary <path>", help: "claude-relay executable the service runs", default: "this binary; required when running from source" },
    { flag: "--dry-run", help: "Print the service files (credential values hidden) and the commands; change nothing" },
  ],
  examples: ["claude-relay install --host 0.0.0.0 --tls --cwd ~/code/app --dry-run", "claude-relay install --cwd ~/code/app -- --model opus"],
  notes: [
    "The service runs `claude-relay serve` with these flags (paths made absolute, --log-format json unless you chose one). " +
      "The ANTHROPIC_* variables (and CLAUDE_CODE_OAUTH_TOKEN, CLAUDE_CONFIG_DIR, the CLAUDE_CODE_USE_* provider switches) set now are carried into it, " +
      "in a file only you can read; only their names are printed. See docs/distribution.md.",
  ],
  run: ({ flags }) => runInstall(flags),
};

/**
 * `uninstall`'s declaration for the CLI.
 *
 * @example
 * ```ts
 * const commands = [installCommand, uninstallCommand];
 * ```
 */
export const uninstallCommand: CommandSpec = {
  name: "uninstall",
  summary: "Stop the user service and remove the files install wrote",
  synopsis: "[--dry-run]",
  flags: [{ flag: "--dry-run", help: "Print what would be stopped and removed; change nothing" }],
  run: ({ flags }) => runUninstall(flags),
};
