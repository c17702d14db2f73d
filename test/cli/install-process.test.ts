/**
 * `claude-relay install` / `uninstall` as real processes in a temporary HOME, with stub
 * `systemctl` and `launchctl` on PATH that record their calls (and can be told to fail).
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { runCli } from "../support/cli-process.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

let dir: string;
let home: string;
let binary: string;
let callsLog: string;
let env: Record<string, string | undefined>;

const unitPath = () => join(home, ".config", "systemd", "user", "claude-relay.service");
const envFilePath = () => join(home, ".config", "systemd", "user", "claude-relay.env");
/** The API key in the installing environment; it must reach the service and never the terminal. */
const SECRET = "sk-ant-api03-test-secret-value";
const mode = (path: string) => statSync(path).mode & 0o777;
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
  // No transpiler cache: Bun would otherwise write one under the temp HOME. No credential
  // variables from the machine running the tests: each test sets the ones it is about.
  const machine = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(ANTHROPIC_|CLAUDE_|AWS_|GOOGLE_)/.test(name)));
  env = {
    ...machine,
    HOME: home,
    XDG_CONFIG_HOME: undefined,
    BUN_RUNTIME_TRANSPILER_CACHE_PATH: "0",
    PATH: [stubs, claudeDir, process.env.PATH].join(delimiter),
    ANTHROPIC_API_KEY: SECRET,
  };
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
    expect(unit).toContain(`EnvironmentFile=${envFilePath()}\n`);
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

  test("a repeated --allow-dir reaches the unit once per value, ~ expanded", () => {
    const result = install("--allow-dir", "~/code", "--allow-dir", dir, "--max-sessions", "3");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(readFileSync(unitPath(), "utf8")).toContain(
      `ExecStart=${binary} serve --max-sessions 3 --allow-dir ${join(home, "code")} --allow-dir ${dir} --log-format json\n`,
    );
  });

  test("uninstall stops, disables and removes exactly the unit; other files stay", () => {
    expect(install().code).toBe(0);
    const neighbour = join(home, ".config", "systemd", "user", "other.service");
    writeFileSync(neighbour, "[Service]\nExecStart=/bin/true\n");
    const before = filesUnder(home);
    const result = runCli(["uninstall"], env);
    expect(result.code).toBe(0);
    expect(calls().slice(2)).toEqual(["systemctl --user disable --now claude-relay.service", "systemctl --user daemon-reload"]);
    expect(filesUnder(home)).toEqual(before.filter((file) => !file.startsWith(".config/systemd/user/claude-relay.")));
    expect(existsSync(envFilePath())).toBe(false);
    expect(result.stdout).toContain(`Removed ${envFilePath()}`);
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
    expect(result.stdout).toContain(`# Would write ${unitPath()} (mode 0644):`);
    expect(result.stdout).toContain(`# Would write ${envFilePath()} (mode 0600):`);
    expect(result.stdout).toContain(`ExecStart=${binary} serve --host 0.0.0.0 --tls --log-format json\n`);
    // with TLS, `systemctl --user reload` re-reads the certificate (SIGHUP)
    expect(result.stdout).toContain("ExecReload=/bin/kill -HUP $MAINPID\n");
    expect(result.stdout).toContain("systemctl --user daemon-reload\nsystemctl --user enable --now claude-relay.service\n");
    expect(filesUnder(home)).toEqual([]);
    expect(calls()).toEqual([]);

    expect(install().code).toBe(0);
    const dry = runCli(["uninstall", "--dry-run"], env);
    expect(dry.stdout).toContain(`systemctl --user disable --now claude-relay.service\nrm ${unitPath()} ${envFilePath()}\nsystemctl --user daemon-reload\n`);
    expect(existsSync(unitPath())).toBe(true);
    expect(calls()).toHaveLength(2);
  });

  test("warns when claude cannot be found for the service", () => {
    const result = install("--dry-run", "--claude-bin", "no-such-claude");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Claude Code ("no-such-claude") was not found`);
  });
});

describe("credentials for the service", () => {
  test("the ANTHROPIC_* variables go into an environment file only the user can read; only their names are shown", () => {
    const result = runCli(["install", "--binary", binary], { ...env, ANTHROPIC_BASE_URL: "https://proxy.example/v1", CLAUDE_CODE_ENTRYPOINT: "cli" });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(mode(unitPath())).toBe(0o644);
    expect(mode(envFilePath())).toBe(0o600);
    const lines = readFileSync(envFilePath(), "utf8")
      .split("\n")
      .filter((line) => line && !line.startsWith("#"));
    expect(lines).toEqual([`ANTHROPIC_API_KEY='${SECRET}'`, "ANTHROPIC_BASE_URL='https://proxy.example/v1'"]);
    expect(readFileSync(unitPath(), "utf8")).not.toContain(SECRET);
    expect(result.stdout).toContain(`Wrote ${envFilePath()} (mode 0600)`);
    expect(result.stdout).toContain("Carried ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL into the service");
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  test("a re-install restores 0600 on an environment file whose mode was loosened, and leaves no temporary file", () => {
    expect(install().code).toBe(0);
    chmodSync(envFilePath(), 0o644);
    expect(install().code).toBe(0);
    expect(mode(envFilePath())).toBe(0o600);
    expect(readdirSync(join(home, ".config", "systemd", "user")).sort()).toEqual(["claude-relay.env", "claude-relay.service"]); // no temporary file left
  });

  test("--dry-run names the variables but never prints their values", () => {
    const result = install("--dry-run");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("# Would carry ANTHROPIC_API_KEY into the service (values shown as ********).");
    expect(result.stdout).toContain("ANTHROPIC_API_KEY='********'");
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    const mac = runCli(["install", "--binary", binary, "--dry-run"], { ...env, CLAUDE_RELAY_SERVICE_PLATFORM: "darwin" });
    expect(mac.stdout).toContain("<key>ANTHROPIC_API_KEY</key>\n    <string>********</string>");
    expect(mac.stdout).toContain("(mode 0600):");
    expect(mac.stdout + mac.stderr).not.toContain(SECRET);
    expect(filesUnder(home)).toEqual([]);
  });

  test("no credential variable and no stored login: a warning saying how to fix it (install still goes ahead)", () => {
    const result = runCli(["install", "--binary", binary], { ...env, ANTHROPIC_API_KEY: undefined });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Claude Code has no stored login here and no ANTHROPIC_API_KEY");
    expect(result.stderr).toContain("Run `claude` once and log in with /login, or set ANTHROPIC_API_KEY and run install again");
    expect(
      readFileSync(envFilePath(), "utf8")
        .split("\n")
        .filter((line) => line && !line.startsWith("#")),
    ).toEqual([]);
  });

  test("no variable but a stored login (~/.claude/.credentials.json): no warning", () => {
    mkdirSync(join(home, ".claude"));
    writeFileSync(join(home, ".claude", ".credentials.json"), '{"claudeAiOauth":{}}');
    const result = runCli(["install", "--binary", binary, "--dry-run"], { ...env, ANTHROPIC_API_KEY: undefined });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
  });

  test("an environment file install did not write is left alone, by install and by uninstall", () => {
    mkdirSync(dirname(envFilePath()), { recursive: true });
    writeFileSync(envFilePath(), "MY_OWN=1\n");
    const installed = install();
    expect(installed.code).toBe(1);
    expect(installed.stderr).toContain(`${envFilePath()} was not written by claude-relay install`);
    expect(existsSync(unitPath())).toBe(false);
    expect(calls()).toEqual([]);

    rmSync(envFilePath());
    expect(install().code).toBe(0);
    writeFileSync(envFilePath(), "MY_OWN=1\n");
    const removed = runCli(["uninstall"], env);
    expect(removed.code).toBe(1);
    expect(removed.stderr).toContain(`${envFilePath()} was not written by claude-relay install`);
    expect(readFileSync(envFilePath(), "utf8")).toBe("MY_OWN=1\n");
    expect(existsSync(unitPath())).toBe(true);
    expect(calls()).toHaveLength(2); // the install's; uninstall ran nothing
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
    expect(readFileSync(plistPath(), "utf8")).toContain(`<key>ANTHROPIC_API_KEY</key>\n    <string>${SECRET}</string>`);
    expect(mode(plistPath())).toBe(0o600);
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
    const noCwd = install("--cwd", join(dir, "no-such-dir"));
    expect(noCwd.code).toBe(2);
    expect(noCwd.stderr).toContain(`--cwd ${join(dir, "no-such-dir")} does not exist`);
    const stateFile = join(dir, "claude-relay"); // the stub binary: a file
    const badState = install("--state-dir", join(stateFile, "state"));
    expect(badState.code).toBe(2);
    expect(badState.stderr).toContain(`--state-dir ${join(stateFile, "state")} cannot be created: ${stateFile} is not a directory`);
    const unknown = install("--colour");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--colour");
    expect(filesUnder(home)).toEqual([]);
    expect(calls()).toEqual([]);
  });
});
