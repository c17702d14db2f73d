/**
 * Claude's notes and turn ends classified for people (src/client/claude-notes.ts), from lines the
 * real CLI wrote (test/support/recorded-claude-lines.ts).
 */
import { describe, expect, test } from "bun:test";
import { claudeNote, modelName, noteWords, turnEnd } from "../../src/client/claude-notes.ts";
import {
  API_ERROR_RESULT,
  INTERRUPTED_FOR_TOOL_MARKER,
  INTERRUPTED_FOR_TOOL_RESULT,
  INTERRUPTED_MARKER,
  INTERRUPTED_RESULT,
  MODEL_SET_DEFAULT,
  MODEL_SET_HAIKU,
  MODEL_SET_SONNET,
  SUCCESS_RESULT,
} from "../support/recorded-claude-lines.ts";

const MODELS = [
  { value: "default", displayName: "Default (recommended)", resolvedModel: "claude-opus-4-8[1m]" },
  { value: "haiku", displayName: "Haiku", resolvedModel: "claude-haiku-4-5-20251001" },
];
const markerText = (line: { message: { content: Array<{ text: string }> } }) => line.message.content[0]!.text;

describe("claudeNote", () => {
  test("a model change is the model, named from Claude's list, or the alias capitalized, or the id as it is", () => {
    expect(claudeNote(MODEL_SET_HAIKU.message.content)).toEqual({ kind: "model", model: "haiku" });
    expect(noteWords(claudeNote(MODEL_SET_HAIKU.message.content), MODELS)).toBe("Model: Haiku");
    expect(noteWords(claudeNote(MODEL_SET_DEFAULT.message.content), MODELS)).toBe("Model: Default (recommended)");
    expect(noteWords(claudeNote(MODEL_SET_SONNET.message.content))).toBe("Model: Sonnet");
    expect(noteWords(claudeNote(MODEL_SET_DEFAULT.message.content))).toBe("Model: claude-opus-4-8[1m]");
  });

  test("other local-command output is its text without the tags; anything else stays as written", () => {
    expect(claudeNote("<local-command-stdout>Compacted </local-command-stdout>")).toEqual({ kind: "local", text: "Compacted" });
    expect(claudeNote("<local-command-stderr>Unknown command: /nope</local-command-stderr>")).toEqual({ kind: "local", text: "Unknown command: /nope" });
    // Not a whole local-command line (someone's text that mentions the tag): left as it is.
    const mention = "see <local-command-stdout>x</local-command-stdout> here";
    expect(claudeNote(mention)).toEqual({ kind: "text", text: mention });
    expect(noteWords(claudeNote("Set model to haiku"))).toBe("Set model to haiku");
  });

  test("both interruption markers say a client interrupted", () => {
    expect(claudeNote(markerText(INTERRUPTED_MARKER))).toEqual({ kind: "interrupted" });
    expect(claudeNote(markerText(INTERRUPTED_FOR_TOOL_MARKER))).toEqual({ kind: "interrupted" });
    expect(noteWords({ kind: "interrupted" })).toBe("Interrupted");
  });
});

describe("turnEnd", () => {
  test("an interrupted turn's end is Interrupted, not an error", () => {
    expect(turnEnd(INTERRUPTED_RESULT, true)).toEqual({ kind: "interrupted" });
    expect(turnEnd(INTERRUPTED_FOR_TOOL_RESULT, true)).toEqual({ kind: "interrupted" });
  });

  test("without a client's interruption, the same end stays an error; a real error keeps Claude's words", () => {
    expect(turnEnd(INTERRUPTED_RESULT, false)).toEqual({ kind: "error", text: "the turn ended with error_during_execution" });
    expect(turnEnd(API_ERROR_RESULT, true)).toEqual({ kind: "error", text: "API Error: 400 messages: text content blocks must be non-empty" });
    expect(turnEnd(SUCCESS_RESULT, true)).toEqual({ kind: "done" });
  });

  test("modelName: an unknown full id stays as it is", () => {
    expect(modelName("claude-opus-4-1", MODELS)).toBe("claude-opus-4-1");
    expect(modelName("opus[1m]")).toBe("opus[1m]");
  });
});
