/**
 * install's pure parts: the systemd unit (checked by `systemd-analyze verify`), the launchd plist
 * (parsed back by Python's plistlib), the serve command line, PATH, and the from-source check.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { servicePlan, serviceProgram } from "../../src/cli/install.ts";
import { resolveServeOptions } from "../../src/cli/serve-options.ts";
import { LAUNCHD_LABEL, launchdPlan, renderLaunchdPlist, xmlEscape } from "../../src/cli/service/launchd.ts";
import { type ServiceSpec, serveArgs, servicePath } from "../../src/cli/service/spec.ts";
import { renderSystemdEnvironment, renderSystemdUnit, systemdPlan, systemdQuote, systemdUnitPath } from "../../src/cli/service/systemd.ts";
import { UsageError } from "../../src/cli/usage-error.ts";
import { isRunningFromSource } from "../../src/shared/self-command.ts";
import { shellQuote } from "../../src/shared/shell-quote.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

/** Arguments that need every kind of quoting: spaces, quotes, backslashes, specifiers, variables, XML. */
const AWKWARD_ARGS = ["--append-system-prompt", `say "hi" it's <b>&</b> 100% $HOME \\n`, ";", "tab\there", "ünïcødé"];

let dir: string;
let program: string;
let spec: ServiceSpec;
const envFile = () => join(dir, "claude-relay.env");

beforeAll(() => {
  dir = makeTempDir("relay-install-unit-");
  program = join(dir, "bin dir", "claude-relay");
  mkdirSync(join(dir, "bin dir"));
  writeFileSync(program, "#!/bin/sh\nexit 0\n");
  chmodSync(program, 0o755);
  spec = {
    program,
    args: ["serve", "--port", "7717", "--cwd", join(dir, "work 100%"), "--log-format", "json", "--", ...AWKWARD_ARGS],
    workingDirectory: join(dir, "work 100%"),
    path: "/opt/claude bin:/usr/bin:/bin",
    description: "claude-relay: 100% test",
    environment: {},
    reloadsOnHangup: false,
  };
});
afterAll(() => removeTempDir(dir));

function systemdAnalyzeVerify(unitPath: string, user: boolean) {
  const runtimeDir = join(dir, "runtime");
  mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
  const result = spawnSync("systemd-analyze", [...(user ? ["--user"] : []), "verify", unitPath], {
    encoding: "utf8",
    env: { ...process.env, XDG_RUNTIME_DIR: runtimeDir, SYSTEMD_LOG_COLOR: "0" },
    timeout: 20_000,
  });
  return { code: result.status, stderr: result.stderr };
}

describe("systemd unit", () => {
  test("systemd-analyze verify accepts it, system and --user mode, with no warnings", () => {
    const unitPath = join(dir, "claude-relay.service");
    writeFileSync(unitPath, renderSystemdUnit(spec, envFile()));
    for (const user of [false, true]) {
      const result = systemdAnalyzeVerify(unitPath, user);
      expect({ user, ...result }).toEqual({ user, code: 0, stderr: "" });
    }
  });

  test("systemd-analyze verify rejects it when the binary is missing (the check is real)", () => {
    const unitPath = join(dir, "missing-binary.service");
    writeFileSync(unitPath, renderSystemdUnit({ ...spec, program: join(dir, "nope", "claude-relay") }, envFile()));
    const result = systemdAnalyzeVerify(unitPath, false);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("nope/claude-relay");
  });

  test("has the service settings install promises", () => {
    const unit = renderSystemdUnit(spec, envFile());
    expect(unit).toContain("After=network-online.target\n");
    expect(unit).toContain("Restart=on-failure\n");
    expect(unit).toMatch(/\nRestartSec=\d+s\n/);
    expect(unit).toContain(`WorkingDirectory=${dir}/work 100%%\n`);
    expect(unit).toContain(`Environment="PATH=/opt/claude bin:/usr/bin:/bin"\n`);
    expect(unit).toContain("WantedBy=default.target\n");
    expect(unit).toContain(`ExecStart="${dir}/bin dir/claude-relay" serve --port 7717 --cwd "${dir}/work 100%%" --log-format json -- `);
  });

  test("with TLS, `systemctl reload` sends SIGHUP (the certificate is re-read); without, there is no reload", () => {
    expect(renderSystemdUnit(spec, envFile())).not.toContain("ExecReload");
    const unitPath = join(dir, "reloading.service");
    writeFileSync(unitPath, renderSystemdUnit({ ...spec, reloadsOnHangup: true }, envFile()));
    expect(systemdAnalyzeVerify(unitPath, true)).toEqual({ code: 0, stderr: "" });
    expect(renderSystemdUnit({ ...spec, reloadsOnHangup: true }, envFile())).toContain("\nExecReload=/bin/kill -HUP $MAINPID\n");
  });

  test("quotes words so systemd reads them back verbatim", () => {
    expect(systemdQuote("--port")).toBe("--port");
    expect(systemdQuote("a b")).toBe('"a b"');
    expect(systemdQuote('say "hi"')).toBe('"say \\"hi\\""');
    expect(systemdQuote("back\\slash")).toBe('"back\\\\slash"');
    expect(systemdQuote("100%")).toBe("100%%");
    expect(systemdQuote("$HOME")).toBe("$$HOME");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${X} is what systemd would expand.
    expect(systemdQuote("${X} y")).toBe('"$${X} y"');
    expect(systemdQuote("line\nbreak")).toBe('"line\\nbreak"');
    expect(systemdQuote(";")).toBe("\\;");
    expect(systemdQuote("")).toBe('""');
  });

  test("a working directory with a line break is refused, not written into the unit", () => {
    expect(() => renderSystemdUnit({ ...spec, workingDirectory: "/tmp/a\nExecStartPre=/bin/evil" }, envFile())).toThrow(/line break/);
  });

  test("reads the credentials from an environment file beside it, 0600; the unit stays 0644", () => {
    const plan = systemdPlan({ home: "/home/me", env: {} });
    const files = plan.render({ ...spec, environment: { ANTHROPIC_API_KEY: "sk-ant-secret" } });
    expect(files.map(({ path, mode }) => ({ path, mode }))).toEqual([
      { path: "/home/me/.config/systemd/user/claude-relay.service", mode: 0o644 },
      { path: "/home/me/.config/systemd/user/claude-relay.env", mode: 0o600 },
    ]);
    expect(plan.files).toEqual(files.map((file) => file.path));
    expect(files[0]!.content).toContain("\nEnvironmentFile=/home/me/.config/systemd/user/claude-relay.env\n");
    expect(files[0]!.content).not.toContain("sk-ant-secret");
    expect(files[1]!.content).toContain("\nANTHROPIC_API_KEY='sk-ant-secret'\n");
  });

  test("the environment file holds every value verbatim (systemd quoting; POSIX sh reads the same forms alike)", () => {
    const environment = {
      ANTHROPIC_API_KEY: "sk-ant-api03-AbC_d-1",
      ANTHROPIC_BASE_URL: "https://proxy.example/a b?x=1&y=$HOME",
      ANTHROPIC_CUSTOM_HEADERS: `X-A: it's "q" \`cmd\` \\ $PATH`,
    };
    const text = renderSystemdEnvironment(environment);
    expect(text).toStartWith("# Generated by `claude-relay install`");
    expect(text).toContain(`\nANTHROPIC_API_KEY='sk-ant-api03-AbC_d-1'\n`);
    expect(text).toContain(`\nANTHROPIC_CUSTOM_HEADERS="X-A: it's \\"q\\" \\\`cmd\\\` \\\\ \\$PATH"\n`);
    const file = join(dir, "readback.env");
    writeFileSync(file, text);
    const script = `set -a; . "${file}"; printf '%s\\0' "$ANTHROPIC_API_KEY" "$ANTHROPIC_BASE_URL" "$ANTHROPIC_CUSTOM_HEADERS"`;
    const result = spawnSync("sh", ["-c", script], { encoding: "utf8", env: { PATH: process.env.PATH } });
    expect(result.stdout.split("\0").slice(0, 3)).toEqual(Object.values(environment));
  });

  test("lives under XDG_CONFIG_HOME when set, else ~/.config", () => {
    expect(systemdUnitPath("/home/me", {})).toBe("/home/me/.config/systemd/user/claude-relay.service");
    expect(systemdUnitPath("/home/me", { XDG_CONFIG_HOME: "/cfg" })).toBe("/cfg/systemd/user/claude-relay.service");
    expect(systemdUnitPath("/home/me", { XDG_CONFIG_HOME: "relative" })).toBe("/home/me/.config/systemd/user/claude-relay.service");
  });
});

describe("launchd plist", () => {
  function parsePlist(xml: string): Record<string, any> {
    const script = "import json,plistlib,sys; print(json.dumps(plistlib.loads(sys.stdin.buffer.read(), fmt=plistlib.FMT_XML)))";
    const result = spawnSync("python3", ["-c", script], { input: xml, encoding: "utf8", timeout: 20_000 });
    if (result.status !== 0) throw new Error(`plistlib rejected the plist: ${result.stderr}`);
    return JSON.parse(result.stdout);
  }

  test("is a valid XML plist with the expected keys, arguments exactly as given", () => {
    const plist = parsePlist(renderLaunchdPlist(spec, "/Users/me"));
    expect(plist).toEqual({
      Label: LAUNCHD_LABEL,
      ProgramArguments: [program, ...spec.args],
      WorkingDirectory: spec.workingDirectory,
      EnvironmentVariables: { PATH: spec.path },
      RunAtLoad: true,
      KeepAlive: { SuccessfulExit: false },
      ThrottleInterval: 5,
      StandardOutPath: "/Users/me/Library/Logs/claude-relay/claude-relay.out.log",
      StandardErrorPath: "/Users/me/Library/Logs/claude-relay/claude-relay.log",
    });
  });

  test("carries the credentials in EnvironmentVariables, and is then written 0600", () => {
    const plan = launchdPlan({ home: "/Users/me", uid: 501 });
    const [withKey] = plan.render({ ...spec, environment: { ANTHROPIC_API_KEY: "sk-ant-secret", ANTHROPIC_BASE_URL: "https://x/?a=1&b=2" } });
    expect(withKey!.mode).toBe(0o600);
    expect(parsePlist(withKey!.content).EnvironmentVariables).toEqual({
      PATH: spec.path,
      ANTHROPIC_API_KEY: "sk-ant-secret",
      ANTHROPIC_BASE_URL: "https://x/?a=1&b=2",
    });
    expect(plan.render(spec)[0]!.mode).toBe(0o644);
  });

  test("plistlib rejects unescaped XML (the check is real)", () => {
    expect(() => parsePlist(renderLaunchdPlist(spec, "/Users/me").replace("&amp;", "&"))).toThrow(/plistlib rejected/);
  });

  test("escapes XML and refuses characters XML cannot carry", () => {
    expect(xmlEscape(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    expect(() => renderLaunchdPlist({ ...spec, args: ["serve", "bell\u0007"] }, "/Users/me")).toThrow(/control character/);
  });
});

describe("serve command line", () => {
  const context = { env: {}, platform: "linux" as const, cwd: "/home/me/code", home: "/home/me" };
  const argsFor = (flags: Record<string, unknown>) => serveArgs(flags, resolveServeOptions(flags, context));

  test("makes paths absolute and asks for JSON logs", () => {
    expect(argsFor({ port: 0, authorizedKeys: "~/keys", cwd: "app", stateDir: "state", claudeBin: "./bin/claude", "--": [] })).toEqual([
      "serve",
      "--port",
      "0",
      "--authorized-keys",
      "/home/me/keys",
      "--claude-bin",
      "/home/me/code/bin/claude",
      "--cwd",
      "/home/me/code/app",
      "--state-dir",
      "/home/me/code/state",
      "--log-format",
      "json",
    ]);
  });

  test("keeps an explicit log format, boolean flags and Claude's extra args", () => {
    expect(argsFor({ logFormat: "pretty", newSession: true, heartbeatInterval: "5s", claudeBin: "claude", "--": ["--model", "opus"] })).toEqual([
      "serve",
      "--heartbeat-interval",
      "5s",
      "--claude-bin",
      "claude",
      "--new-session",
      "--log-format",
      "pretty",
      "--",
      "--model",
      "opus",
    ]);
  });

  test("makes the TLS certificate and key paths absolute too", () => {
    expect(argsFor({ host: "0.0.0.0", tlsCert: "tls/cert.pem", tlsKey: "~/tls/key.pem", "--": [] })).toEqual([
      "serve",
      "--host",
      "0.0.0.0",
      "--tls-cert",
      "/home/me/code/tls/cert.pem",
      "--tls-key",
      "/home/me/tls/key.pem",
      "--log-format",
      "json",
    ]);
  });

  test("a repeated flag is passed once per value; --allow-dir paths made absolute", () => {
    expect(argsFor({ maxSessions: "4", allowDir: ["~/code", "repos"], "--": [] })).toEqual([
      "serve",
      "--max-sessions",
      "4",
      "--allow-dir",
      "/home/me/code",
      "--allow-dir",
      "/home/me/code/repos",
      "--log-format",
      "json",
    ]);
    expect(argsFor({ allowDir: "~/one", "--": [] })).toEqual(["serve", "--allow-dir", "/home/me/one", "--log-format", "json"]);
  });

  test("--notify-command is passed as a JSON array with its program made absolute, so the service runs the same command", () => {
    expect(argsFor({ notifyCommand: "bin/notify 'a b'", idleTimeout: "1h", "--": [] })).toEqual([
      "serve",
      "--idle-timeout",
      "1h",
      "--notify-command",
      '["/home/me/code/bin/notify","a b"]',
      "--log-format",
      "json",
    ]);
  });

  test("a bad serve flag is refused as serve would refuse it", () => {
    expect(() => argsFor({ port: "99999" })).toThrow(UsageError);
    expect(() => argsFor({ logFormat: "xml" })).toThrow(/--log-format/);
  });
});

describe("service PATH", () => {
  test("puts claude's directory first, keeps absolute entries once", () => {
    expect(servicePath("/usr/bin:relative::/bin:/usr/bin", "/opt/claude/bin/claude")).toBe("/opt/claude/bin:/usr/bin:/bin");
    expect(servicePath(undefined, undefined)).toBe("");
  });

  test("shellQuote shows commands as a shell would need them", () => {
    expect(shellQuote("gui/501/dev.claude-relay.agent")).toBe("gui/501/dev.claude-relay.agent");
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
  });
});

describe("which binary the service runs", () => {
  test("detects running from source", () => {
    expect(isRunningFromSource("/usr/local/bin/bun", "/src/claude-relay/src/cli.ts")).toBe(true);
    expect(isRunningFromSource("/repo/node_modules/bun/bin/bun.exe", "/repo/src/cli.ts")).toBe(true);
    expect(isRunningFromSource("/usr/bin/deno", "file:///repo/src/cli.ts")).toBe(true);
    expect(isRunningFromSource("/usr/local/bin/claude-relay", "/$bunfs/root/claude-relay")).toBe(false);
    expect(isRunningFromSource("/opt/claude-relay", undefined)).toBe(false);
  });

  test("refuses from source without --binary, with a hint", () => {
    expect(() => serviceProgram(undefined, { execPath: "/usr/bin/bun", argv: ["/usr/bin/bun", "/repo/src/cli.ts"], cwd: "/" })).toThrow(/--binary PATH/);
  });

  test("uses the compiled binary itself, or --binary when it is an executable file", () => {
    expect(serviceProgram(undefined, { execPath: "/opt/claude-relay", argv: ["/opt/claude-relay", "/$bunfs/root/claude-relay"], cwd: "/" })).toBe(
      "/opt/claude-relay",
    );
    expect(serviceProgram("bin dir/claude-relay", { execPath: "/usr/bin/bun", argv: [], cwd: dir })).toBe(program);
    expect(() => serviceProgram(join(dir, "nope"), { execPath: "/usr/bin/bun", argv: [], cwd: dir })).toThrow(/not an executable file/);
    expect(() => serviceProgram(join(dir, "bin dir"), { execPath: "/usr/bin/bun", argv: [], cwd: dir })).toThrow(/not an executable file/);
  });

  test("service manager by platform, with an override; others are refused", () => {
    const base = { env: {}, home: "/h", uid: 501 };
    expect(servicePlan({ ...base, platform: "linux" }).manager).toBe("systemd");
    expect(servicePlan({ ...base, platform: "darwin" }).file).toBe(`/h/Library/LaunchAgents/${LAUNCHD_LABEL}.plist`);
    expect(servicePlan({ ...base, platform: "linux", env: { CLAUDE_RELAY_SERVICE_PLATFORM: "darwin" } }).manager).toBe("launchd");
    expect(() => servicePlan({ ...base, platform: "win32" })).toThrow(/Linux \(systemd\) and macOS \(launchd\), not win32/);
  });
});
