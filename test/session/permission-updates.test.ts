/** Checking a permission answer's updatedPermissions ("allow for this session"). Suggestion shapes as Claude Code 2.1.197 sends them. */
import { expect, test } from "bun:test";
import { checkPermissionUpdates, MAX_PERMISSION_UPDATES_BYTES } from "../../src/session/permission-updates.ts";

const MODES = ["default", "acceptEdits", "plan"];

test("Claude's own suggestions pass: rules (session or settings), directories, a mode", () => {
  const suggestions = [
    { type: "addRules", rules: [{ toolName: "Bash", ruleContent: "npm run *" }], behavior: "allow", destination: "localSettings" },
    { type: "addRules", rules: [{ toolName: "Read", ruleContent: "//home/me/other/**" }], behavior: "allow", destination: "session" },
    { type: "addDirectories", directories: ["/home/me/other"], destination: "session" },
    { type: "setMode", mode: "acceptEdits", destination: "session" },
  ];
  expect(checkPermissionUpdates(suggestions, MODES)).toBeUndefined();
  expect(checkPermissionUpdates([], MODES)).toBeUndefined();
});

test("refused: no type, a setMode without a mode or to a mode clients may not choose, too many bytes", () => {
  expect(checkPermissionUpdates([{ type: "setMode", mode: "plan" }, { rules: [] }], MODES)).toBe(
    "updatedPermissions[1] needs a string type (addRules, addDirectories, setMode …)",
  );
  expect(checkPermissionUpdates([{ type: "" }], MODES)).toStartWith("updatedPermissions[0] needs a string type");
  expect(checkPermissionUpdates([{ type: "setMode" }], MODES)).toBe("updatedPermissions[0]: setMode needs a string mode");
  expect(checkPermissionUpdates([{ type: "setMode", mode: "bypassPermissions", destination: "session" }], MODES)).toContain("--allow-bypass-permissions");
  expect(checkPermissionUpdates([{ type: "setMode", mode: "bypassPermissions" }], [...MODES, "bypassPermissions"])).toBeUndefined();
  expect(checkPermissionUpdates([{ type: "setMode", mode: "yolo" }], MODES)).toBe(
    'updatedPermissions[0]: permission mode "yolo" is not one of default, acceptEdits, plan',
  );
  const big = [{ type: "addRules", rules: [{ toolName: "Bash", ruleContent: "x".repeat(MAX_PERMISSION_UPDATES_BYTES) }] }];
  expect(checkPermissionUpdates(big, MODES)).toMatch(/^updatedPermissions is \d+ bytes; at most 65536 are accepted$/);
});
