/**
 * `claude-relay install` / `uninstall` as real processes in a temporary HOME, with stub
 * `systemctl` and `launchctl` on PATH that record their calls (and can be told to fail).
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { runCli } from "../support/cli-process.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

let dir: string;
let home: string;
let binary: string;
let callsLog: string;
let env: Record<string, string | undefined>;

const unitPath = () => join(home, ".config", "systemd", "user", "claude-relay.service");
const plistPath = () => join(home, "Library", "LaunchAgents", "dev.claude-relay.agent.plist");

/** Every stub call so far, one `tool args…` line each. */
function calls(): string[] {
  return existsSync(callsLog) ? readFileSync(callsLog, "utf8").trim().split("\n").filter(Boolean) : [];
}

/** Every file under HOME, relative to it. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .sort();
}

beforeEach(() => {
  dir = makeTempDir("relay-install-");
  home = join(dir, "home");
  mkdirSync(home);
  const stubs = join(dir, "stubs");
  mkdirSync(stubs);
  callsLog = join(dir, "calls.log");
  for (const tool of ["systemctl", "launchctl"]) {
    const stub = join(stubs, tool);
    // Records its arguments; exits 1 when STUB_FAIL names this exact call.
    writeFileSync(stub, `#!/bin/sh\necho "${tool} $*" >> "${callsLog}"\n[ "$STUB_FAIL" = "${tool} $*" ] && { echo "stub: refused" >&2; exit 1; }\nexit 0\n`);
    chmodSync(stub, 0o755);
  }
  binary = join(dir, "claude-relay");
  writeFileSync(binary, "#!/bin/sh\nexit 0\n");
  chmodSync(binary, 0o755);
  const claudeDir = join(dir, "claude-bin");
  mkdirSync(claudeDir);
  writeFileSync(join(claudeDir, "claude"), "#!/bin/sh\nexit 0\n");
  chmodSync(join(claudeDir, "claude"), 0o755);
  // No transpiler cache: Bun would otherwise write one under the temp HOME.
  env = { ...process.env, HOME: home, XDG_CONFIG_HOME: undefined, BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0", PATH: [stubs, claudeDir, process.env.PATH].join(delimiter) };
});
afterEach(() => removeTempDir(dir));

const install = (...args: string[]) => runCli(["install", "--binary", binary, ...args], env);

describe("install on Linux (systemd)", () => {
  test("writes the unit, reloads and enables it, and tells about linger and logs", () => {
    const result = install("--port", "7800", "--cwd", dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(calls()).toEqual(["systemctl --user daemon-reload", "systemctl --user enable --now claude-relay.service"]);
    const unit = readFileSync(unitPath(), "utf8");
    expect(unit).toContain(`ExecStart=${binary} serve --port 7800 --cwd ${dir} --log-format json\n`);
    expect(unit).toContain(`WorkingDirectory=${dir}\n`);
    expect(unit).toContain(`Environment=PATH=${join(dir, "claude-bin")}${delimiter}`);
    expect(result.stdout).toContain("loginctl enable-linger");
    expect(result.stdout).toContain("journalctl --user -u claude-relay");
  });

  test("running again replaces the unit and restarts the service", () => {
    expect(install("--port", "7800").code).toBe(0);
    const second = install("--port", "7801");
    expect(second.code).toBe(0);
    expect(calls().slice(2)).toEqual([
      "systemctl --user daemon-reload",
      "systemctl --user enable claude-relay.service",
      "systemctl --user restart claude-relay.service",
    ]);
    expect(readFileSync(unitPath(), "utf8")).toContain("serve --port 7801 ");
  });

  test("uninstall stops, disables and removes exactly the unit; other files stay", () => {
    expect(install().code).toBe(0);
    const neighbour = join(home, ".config", "systemd", "user", "other.service");
    writeFileSync(neighbour, "[Service]\nExecStart=/bin/true\n");
    const before = filesUnder(home);
    const result = runCli(["uninstall"], env);
    expect(result.code).toBe(0);
    expect(calls().slice(2)).toEqual(["systemctl --user disable --now claude-relay.service", "systemctl --user daemon-reload"]);
    expect(filesUnder(home)).toEqual(before.filter((file) => file !== ".config/systemd/user/claude-relay.service"));
    expect(existsSync(neighbour)).toBe(true);
  });

  test("uninstall with nothing installed says so and runs nothing", () => {
    const result = runCli(["uninstall"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("not installed");
    expect(calls()).toEqual([]);
  });

  test("uninstall leaves a claude-relay.service it did not write", () => {
    mkdirSync(join(home, ".config", "systemd", "user"), { recursive: true });
    writeFileSync(unitPath(), "[Service]\nExecStart=/usr/bin/my-own-relay\n");
    const result = runCli(["uninstall"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("was not written by claude-relay install");
    expect(readFileSync(unitPath(), "utf8")).toContain("my-own-relay");
    expect(calls()).toEqual([]);
  });

  test("a failing systemctl is reported with the command, exit 1", () => {
    const result = runCli(["install", "--binary", binary], { ...env, STUB_FAIL: "systemctl --user enable --now claude-relay.service" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("`systemctl --user enable --now claude-relay.service` failed (exit 1)");
    expect(result.stderr).toContain("claude-relay uninstall");
  });

  test("--dry-run prints the unit and the commands and touches nothing", () => {
    // a network --host needs TLS (or --allow-plaintext), or the service could never start
    expect(install("--dry-run", "--host", "0.0.0.0")).toMatchObject({ code: 2, stderr: expect.stringContaining("--allow-plaintext") });
    const result = install("--dry-run", "--host", "0.0.0.0", "--tls");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`# Would write ${unitPath()}:`);
    expect(result.stdout).toContain(`ExecStart=${binary} serve --host 0.0.0.0 --tls --log-format json\n`);
    expect(result.stdout).toContain("systemctl --user daemon-reload\nsystemctl --user enable --now claude-relay.service\n");
    expect(filesUnder(home)).toEqual([]);
    expect(calls()).toEqual([]);

    expect(install().code).toBe(0);
    const dry = runCli(["uninstall", "--dry-run"], env);
    expect(dry.stdout).toContain(`systemctl --user disable --now claude-relay.service\nrm ${unitPath()}\nsystemctl --user daemon-reload\n`);
    expect(existsSync(unitPath())).toBe(true);
    expect(calls()).toHaveLength(2);
  });

  test("warns when claude cannot be found for the service", () => {
    const result = install("--dry-run", "--claude-bin", "no-such-claude");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Claude Code ("no-such-claude") was not found`);
  });
});

describe("install on macOS (launchd, via the platform override)", () => {
  const mac = () => ({ ...env, CLAUDE_RELAY_SERVICE_PLATFORM: "darwin" });
  const uid = process.getuid!();

  test("writes the plist, creates the log directory and bootstraps the agent; uninstall boots it out", () => {
    const result = runCli(["install", "--binary", binary, "--cwd", dir], mac());
    expect(result.code).toBe(0);
    expect(calls()).toEqual([`launchctl bootstrap gui/${uid} ${plistPath()}`]);
    expect(readFileSync(plistPath(), "utf8")).toContain(`<string>${binary}</string>`);
    expect(existsSync(join(home, "Library", "Logs", "claude-relay"))).toBe(true);

    expect(runCli(["install", "--binary", binary], mac()).code).toBe(0);
    expect(calls().slice(1)).toEqual([`launchctl bootout gui/${uid}/dev.claude-relay.agent`, `launchctl bootstrap gui/${uid} ${plistPath()}`]);

    const removed = runCli(["uninstall"], mac());
    expect(removed.code).toBe(0);
    expect(calls().slice(3)).toEqual([`launchctl bootout gui/${uid}/dev.claude-relay.agent`]);
    expect(existsSync(plistPath())).toBe(false);
  });

  test("a failing bootout on uninstall only warns; the plist still goes", () => {
    expect(runCli(["install", "--binary", binary], mac()).code).toBe(0);
    const result = runCli(["uninstall"], { ...mac(), STUB_FAIL: `launchctl bootout gui/${uid}/dev.claude-relay.agent` });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("failed (exit 1); continuing");
    expect(existsSync(plistPath())).toBe(false);
  });
});

describe("refusals", () => {
  test("from source without --binary: exit 2, nothing written or run", () => {
    const result = runCli(["install"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("install is running from source");
    expect(result.stderr).toContain("--binary PATH");
    expect(filesUnder(home)).toEqual([]);
    expect(calls()).toEqual([]);
  });

  test("a bad serve flag or a missing --binary: exit 2 naming it, nothing written", () => {
    const badPort = install("--port", "70000");
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain("--port");
    const missing = runCli(["install", "--binary", join(dir, "nope")], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("is not an executable file");
    const unknown = install("--colour");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--colour");
    expect(filesUnder(home)).toEqual([]);
    expect(calls()).toEqual([]);
  });
});
