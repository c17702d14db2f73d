/**
 * The one-shot turn's words and exit codes (pure parts); the turn itself runs against a real relay
 * in test/cli/connect.test.ts.
 */
import { describe, expect, test } from "bun:test";
import { EXIT_AUTH_FAILED, EXIT_FAILED, EXIT_UNREACHABLE, exitCodeFor } from "../../../src/cli/connect/exit-codes.ts";
import { permissionNote, policyFor } from "../../../src/cli/connect/one-shot.ts";
import { RelayClientError } from "../../../src/client/errors.ts";
import type { PermissionRequestMessage } from "../../../src/client/messages.ts";
import { SignerError } from "../../../src/client/signer.ts";
import { makeStyle } from "../../../src/terminal/style.ts";

const style = makeStyle({ color: false, unicode: true });
const bash: PermissionRequestMessage = {
  type: "permission.request",
  sessionId: "s",
  seq: 1,
  requestId: "r",
  toolName: "Bash",
  input: { command: "rm -rf build" },
  toolUseId: "t",
};

describe("permission notes", () => {
  test("allowed: by which flag", () => {
    expect(permissionNote(bash, { behavior: "allow" }, { kind: "all" }, style)).toBe("✓ allowed Bash: rm -rf build (--yes)");
    expect(permissionNote(bash, { behavior: "allow" }, { kind: "tools", tools: ["Bash"] }, style)).toBe("✓ allowed Bash: rm -rf build (--allow Bash)");
  });
  test("denied: why, and the flag that would allow it", () => {
    expect(permissionNote(bash, { behavior: "deny", message: "m" }, { kind: "tools", tools: ["Write", "Edit"] }, style)).toBe(
      "✗ denied Bash: rm -rf build (not in --allow Write,Edit); to allow it: --allow Write,Edit,Bash, or --yes for every tool",
    );
    expect(permissionNote(bash, { behavior: "deny", message: "m" }, { kind: "deny" }, style)).toBe(
      "✗ denied Bash: rm -rf build (one-shot turns deny tools that need permission); to allow it: --allow Bash, or --yes for every tool",
    );
  });
  test("each choice stands for its policy", async () => {
    expect(await policyFor({ kind: "all" })(bash)).toEqual({ behavior: "allow" });
    expect(await policyFor({ kind: "tools", tools: ["bash"] })(bash)).toEqual({ behavior: "allow" });
    expect((await policyFor({ kind: "deny" })(bash)).behavior).toBe("deny");
  });
});

describe("exitCodeFor", () => {
  test("3 for a refused or unusable key, 4 for an unreachable relay, 1 for the rest", () => {
    expect(exitCodeFor(new RelayClientError("auth_failed", "x"))).toBe(EXIT_AUTH_FAILED);
    expect(exitCodeFor(new RelayClientError("signer_failed", "x"))).toBe(EXIT_AUTH_FAILED);
    expect(exitCodeFor(new SignerError("no SSH key"))).toBe(EXIT_AUTH_FAILED);
    expect(exitCodeFor(new RelayClientError("unreachable", "x"))).toBe(EXIT_UNREACHABLE);
    expect(exitCodeFor(new RelayClientError("connection_lost", "x"))).toBe(EXIT_FAILED);
    expect(exitCodeFor(new Error("other"))).toBe(EXIT_FAILED);
  });
});
