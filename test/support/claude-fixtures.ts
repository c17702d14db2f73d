/**
 * Real stream-json lines of the Claude Code CLI, recorded by scripts/record-claude-fixtures.ts
 * into test/fixtures/claude-<version>/ (the newest version there).
 *
 * @example
 * ```ts
 * const lines = fixtureLines("api-retry"); // the exact lines Claude printed
 * const events = lines.map((line) => JSON.parse(line));
 * ```
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const FIXTURES = join(import.meta.dir, "..", "fixtures");

/** The directory of the newest recorded Claude version. */
export const CLAUDE_FIXTURES = join(
  FIXTURES,
  readdirSync(FIXTURES)
    .filter((name) => name.startsWith("claude-"))
    .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
    .at(-1)!,
);

/** The lines Claude printed in a scenario (partial-text, api-retry, tool-progress, compact, subagent-stop). */
export function fixtureLines(scenario: string): string[] {
  return readFileSync(join(CLAUDE_FIXTURES, `${scenario}.jsonl`), "utf8")
    .split("\n")
    .filter(Boolean);
}
