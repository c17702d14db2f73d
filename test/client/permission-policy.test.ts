import { describe, expect, test } from "bun:test";
import type { PermissionRequestMessage } from "../../src/client/messages.ts";
import { allowAll, allowTools, denyAll } from "../../src/client/permission-policy.ts";

const request = (toolName: string): PermissionRequestMessage => ({
  type: "permission.request",
  sessionId: "s",
  seq: 1,
  requestId: "r",
  toolName,
  input: {},
  toolUseId: "t",
});

describe("permission policies", () => {
  test("denyAll denies with a message for Claude saying why", () => {
    expect(denyAll(request("Bash"))).toEqual({ behavior: "deny", message: expect.stringContaining("Bash was denied: this turn runs unattended") });
  });
  test("allowAll allows", () => {
    expect(allowAll(request("Bash"))).toEqual({ behavior: "allow" });
  });
  test("allowTools allows the named tools (any case) and denies the rest, naming what is allowed", () => {
    const policy = allowTools(["Write", "edit"]);
    expect(policy(request("Write"))).toEqual({ behavior: "allow" });
    expect(policy(request("Edit"))).toEqual({ behavior: "allow" });
    expect(policy(request("Bash"))).toEqual({ behavior: "deny", message: expect.stringContaining("may only use Write, edit") });
  });
});
