/**
 * The compiled binary: `bun scripts/build.ts --host-only` builds dist/claude-relay, which prints
 * the package version, ignores `.env`/`bunfig.toml` where it starts, and runs the same
 * end-to-end flows (plain, --tls, and Web Push with NODE_EXTRA_CA_CERTS) as the source from outside the checkout.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { BUN, REPO_ROOT, runCli } from "../support/cli-process.ts";
import { describeWebPushFlow } from "../support/push-process.ts";
import { describeRelayProcessFlows, describeTlsProcessFlows } from "../support/relay-process.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

const BINARY = join(REPO_ROOT, "dist", "claude-relay");

let elsewhere: string;
beforeAll(() => {
  const build = spawnSync(BUN, ["scripts/build.ts", "--host-only"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 });
  if (build.status !== 0) throw new Error(`build failed (${build.status}): ${build.stderr}${build.stdout}`);
  elsewhere = makeTempDir("relay-binary-cwd-");
}, 60_000);
afterAll(() => removeTempDir(elsewhere));

/** Runs the binary in a directory outside the checkout. */
function runBinary(args: string[], env: Record<string, string | undefined> = process.env) {
  const result = spawnSync(BINARY, args, { cwd: elsewhere, env, encoding: "utf8", timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("compiled binary", () => {
  test("--version prints package.json's version", () => {
    const result = runBinary(["--version"]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`claude-relay ${pkg.version}`);
  });

  test("--help matches the source CLI's help", () => {
    const result = runBinary(["--help"]);
    expect(result.code).toBe(0);
    for (const command of ["serve", "install", "uninstall", "keys"]) expect(result.stdout).toContain(command);
    expect(result.stdout).toBe(runCli(["--help"]).stdout);
  });

  test("does not load .env or bunfig.toml from the directory it starts in", () => {
    const marker = join(elsewhere, "preloaded");
    writeFileSync(join(elsewhere, "preload.ts"), `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x");\n`);
    writeFileSync(join(elsewhere, "bunfig.toml"), `preload = ["./preload.ts"]\n`);
    writeFileSync(join(elsewhere, ".env"), "CLAUDE_RELAY_SERVICE_PLATFORM=darwin\n");
    const home = join(elsewhere, "home");
    const result = runBinary(["install", "--dry-run"], { ...process.env, HOME: home, CLAUDE_RELAY_SERVICE_PLATFORM: undefined });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("[Service]"); // systemd, not the launchd plist .env would ask for
    expect(existsSync(marker)).toBe(false);
    // a plain `bun` run in the same directory does honour both files, so the checks above are real
    const plain = spawnSync(BUN, ["-e", "console.log(process.env.CLAUDE_RELAY_SERVICE_PLATFORM)"], { cwd: elsewhere, encoding: "utf8", timeout: 30_000 });
    expect(plain.stdout.trim()).toBe("darwin");
    expect(existsSync(marker)).toBe(true);
  });

  test("install run from the binary puts the binary itself in ExecStart", () => {
    const home = join(elsewhere, "home");
    const result = runBinary(["install", "--dry-run", "--port", "7801"], { ...process.env, HOME: home, CLAUDE_RELAY_SERVICE_PLATFORM: "linux" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`ExecStart=${BINARY} serve --port 7801 --log-format json\n`);
    expect(result.stdout).toContain(`WorkingDirectory=${elsewhere}\n`);
    expect(existsSync(home)).toBe(false);
  });
});

describeRelayProcessFlows("compiled binary", [BINARY]);
describeTlsProcessFlows("compiled binary", [BINARY], true);
describeWebPushFlow("compiled binary", [BINARY]);
