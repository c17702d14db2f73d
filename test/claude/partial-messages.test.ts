/**
 * Whether a Claude binary streams partial messages, from its --help: the real CLI (2.1.x) does,
 * the synthetic Claude (like 2.0.77) does not, a missing or broken binary does not.
 */
import { expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PARTIAL_MESSAGES_FLAG, partialMessagesArgs, supportsPartialMessages } from "../../src/claude/partial-messages.ts";
import { CLAUDE_BIN } from "../support/claude-harness.ts";
import { SYNTHETIC_CLAUDE } from "../support/cli-process.ts";
import { pathWithRepoBin } from "../support/relay.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

const env = { ...process.env, PATH: pathWithRepoBin() };

test("the real Claude Code has the flag; asking twice runs --help once", async () => {
  const first = supportsPartialMessages(CLAUDE_BIN, env);
  expect(supportsPartialMessages(CLAUDE_BIN, env)).toBe(first);
  expect(await first).toBe(true);
});

test("the synthetic Claude, a missing binary and one whose --help fails or says otherwise do not", async () => {
  expect(await supportsPartialMessages(SYNTHETIC_CLAUDE, env)).toBe(false);
  const dir = makeTempDir("partial-bin-");
  try {
    expect(await supportsPartialMessages(join(dir, "no-such-claude"), env)).toBe(false);
    const old = join(dir, "claude-2.0");
    writeFileSync(old, "#!/bin/sh\necho 'Usage: claude [options]'\necho '  --verbose  Override verbose mode'\n");
    chmodSync(old, 0o755);
    expect(await supportsPartialMessages(old, env)).toBe(false);
    const broken = join(dir, "broken");
    writeFileSync(broken, "#!/bin/sh\nexit 3\n");
    chmodSync(broken, 0o755);
    expect(await supportsPartialMessages(broken, env)).toBe(false);
  } finally {
    removeTempDir(dir);
  }
});

test("the flag is added once: not when unsupported, not when the user's extra args have it", () => {
  expect(partialMessagesArgs(true, ["--model", "x"])).toEqual([PARTIAL_MESSAGES_FLAG]);
  expect(partialMessagesArgs(false, [])).toEqual([]);
  expect(partialMessagesArgs(true, [PARTIAL_MESSAGES_FLAG])).toEqual([]);
});
