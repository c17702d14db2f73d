/**
 * Where Claude keeps a directory's transcripts. The long-path case is a name the real CLI (2.1.197)
 * made for that directory.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { isProjectFolderOf, projectFolderName, projectFolders } from "../../src/claude/transcript.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

const LONG_CWD = `/tmp/sl/long/${"Some Project.v2_".repeat(14)}/end`;
const LONG_FOLDER = `-tmp-sl-long-${"Some-Project-v2-".repeat(11)}Some-Projec-cn7nm4`;

describe("projectFolderName", () => {
  test("every character that is not an ASCII letter or digit becomes -", () => {
    expect(projectFolderName("/tmp/tmp.GSuym93Ijj")).toBe("-tmp-tmp-GSuym93Ijj");
    expect(projectFolderName("/home/me/my app_2/ünï")).toBe("-home-me-my-app-2--n-");
  });

  test("a name over 200 characters is cut and gets Claude's hash of the path (as the real CLI names it)", () => {
    expect(projectFolderName(LONG_CWD)).toBe(LONG_FOLDER);
  });
});

describe("the folders of a directory", () => {
  const config = makeTempDir("relay-transcript-");
  afterAll(() => removeTempDir(config));
  const env = { CLAUDE_CONFIG_DIR: config };
  const projects = join(config, "projects");
  const otherHash = `${LONG_FOLDER.slice(0, 200)}-zzz`;
  for (const folder of ["-home-me-app", "-home-me-app-2", LONG_FOLDER, otherHash, `${LONG_FOLDER.slice(0, 199)}x-cn7nm4`])
    mkdirSync(join(projects, folder), { recursive: true });

  test("a short path: exactly its folder, not one whose name merely starts the same", async () => {
    expect(isProjectFolderOf("-home-me-app-2", "/home/me/app")).toBe(false);
    expect(await projectFolders("/home/me/app", env)).toEqual([join(projects, "-home-me-app")]);
  });

  test("a long path: its folder and those with the same cut prefix and another hash (Claude looks at them too)", async () => {
    expect((await projectFolders(LONG_CWD, env)).sort()).toEqual([join(projects, LONG_FOLDER), join(projects, otherHash)].sort());
  });

  test("no projects directory: none", async () => {
    expect(await projectFolders("/home/me/app", { CLAUDE_CONFIG_DIR: join(config, "nothing") })).toEqual([]);
  });
});
