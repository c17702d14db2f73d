/**
 * Finding Claude Code's stored login where the real CLI keeps it (files; the macOS keychain only on
 * a Mac), checked against the real CLI: with no credential variable, it answers a prompt exactly
 * when storedClaudeLogin finds a login.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { storedClaudeLogin } from "../../../src/cli/service/claude-login.ts";
import { CLAUDE_BIN } from "../../support/claude-harness.ts";
import { type FakeAnthropic, startFakeAnthropic } from "../../support/fake-anthropic.ts";
import { claudeEnv } from "../../support/relay.ts";
import { makeTempDir, removeTempDir } from "../../support/ssh.ts";

let home: string;
beforeEach(() => {
  home = makeTempDir("relay-login-");
});
afterEach(() => removeTempDir(home));

// On Linux there is no keychain to ask, so these cases are decided by files alone.
const linux = (env: Record<string, string | undefined> = {}) => storedClaudeLogin({ env, home, platform: "linux" });

describe("storedClaudeLogin", () => {
  test("a fresh HOME has none", () => {
    expect(linux()).toBeUndefined();
  });

  test("~/.claude/.credentials.json (what /login writes) counts; an empty one does not", () => {
    mkdirSync(join(home, ".claude"));
    writeFileSync(join(home, ".claude", ".credentials.json"), "");
    expect(linux()).toBeUndefined();
    writeFileSync(join(home, ".claude", ".credentials.json"), '{"claudeAiOauth":{}}');
    expect(linux()).toBe(join(home, ".claude", ".credentials.json"));
  });

  test("CLAUDE_CONFIG_DIR moves it", () => {
    const config = join(home, "elsewhere");
    mkdirSync(config);
    writeFileSync(join(config, ".credentials.json"), "{}");
    expect(linux()).toBeUndefined();
    expect(linux({ CLAUDE_CONFIG_DIR: config })).toBe(join(config, ".credentials.json"));
  });

  test("an approved API key in ~/.claude.json counts; the file without one does not", () => {
    writeFileSync(join(home, ".claude.json"), '{"numStartups":3}');
    expect(linux()).toBeUndefined();
    writeFileSync(join(home, ".claude.json"), "not json");
    expect(linux()).toBeUndefined();
    writeFileSync(join(home, ".claude.json"), '{"primaryApiKey":"sk-ant-x"}');
    expect(linux()).toBe(`${join(home, ".claude.json")} (primaryApiKey)`);
  });
});

describe("agrees with the real Claude Code CLI (no credential variable, the fake API)", () => {
  let api: FakeAnthropic;
  beforeAll(async () => {
    api = await startFakeAnthropic();
  });
  afterAll(() => api.close());

  /** `claude -p` in `home` without ANTHROPIC_API_KEY: its result line. */
  async function claudeAnswers(): Promise<{ is_error: boolean; result: string }> {
    const env = { ...claudeEnv(api, home), ANTHROPIC_API_KEY: undefined };
    const child = spawn(CLAUDE_BIN, ["-p", "hi", "--output-format", "json"], { env, cwd: home, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await new Promise((resolve) => child.on("exit", resolve));
    clearTimeout(killer);
    return JSON.parse(out);
  }

  test("a fresh HOME: not logged in, and nothing found", async () => {
    expect(await claudeAnswers()).toMatchObject({ is_error: true, result: expect.stringContaining("Not logged in") });
    expect(linux()).toBeUndefined();
  });

  test("an OAuth login in ~/.claude/.credentials.json: it answers, and the file is found", async () => {
    mkdirSync(join(home, ".claude"));
    const oauth = {
      accessToken: "sk-ant-oat01-test",
      refreshToken: "r",
      expiresAt: Date.now() + 3_600_000,
      scopes: ["user:inference"],
      subscriptionType: "pro",
    };
    writeFileSync(join(home, ".claude", ".credentials.json"), JSON.stringify({ claudeAiOauth: oauth }));
    expect(await claudeAnswers()).toMatchObject({ is_error: false });
    expect(linux()).toBeDefined();
  });

  test("an API key saved by /login in ~/.claude.json: it answers, and the key is found", async () => {
    writeFileSync(join(home, ".claude.json"), JSON.stringify({ primaryApiKey: "sk-ant-api03-test" }));
    expect(await claudeAnswers()).toMatchObject({ is_error: false });
    expect(linux()).toBeDefined();
  });
});
