/**
 * The v3 review messages (contract "Reviewing changes"): what changed in a session's directory
 * (`changes.get` → `changes`), one path's diff (`changes.diff` → `diff`) and a slice of a file
 * (`file.read` → `file`). Each is answered to the asking client only, with its `id`. Spread into
 * messages.ts's `clientMessages` and `serverMessages`.
 *
 * @example
 * ```ts
 * changesGet.parse({ type: "changes.get", sessionId: "…", id: "1" }).ok; // true
 * ```
 */
import { id } from "./fields.ts";
import { MAX_ID_LENGTH, MAX_PATH_LENGTH } from "./limits.ts";
import { arrayOf, boolean, integer, literal, object, oneOf, string } from "./schema.ts";

const sessionId = string({ maxLength: MAX_ID_LENGTH, description: "The session whose directory is reviewed." });
const path = string({
  minLength: 1,
  maxLength: MAX_PATH_LENGTH,
  description: "Relative to the session directory; refused with invalid_path when absolute, leading out, under .git, a link out, a device, FIFO or socket.",
});

export const changesGet = object(
  { type: literal("changes.get"), sessionId },
  { id },
  "Lists what changed in the session's directory against HEAD; answered changes.",
);

export const changesDiff = object(
  { type: literal("changes.diff"), sessionId, path },
  { id },
  "The unified diff of one path against HEAD (untracked: against /dev/null); answered diff.",
);

export const fileRead = object(
  { type: literal("file.read"), sessionId, path },
  {
    id,
    offset: integer({ minimum: 0, description: "The first byte to read; default 0." }),
    length: integer({ minimum: 0, description: "Bytes to read; default and at most 1 MiB." }),
  },
  "Reads a slice of a file in the session's directory; answered file.",
);

export const CHANGE_STATUSES = ["added", "modified", "deleted", "renamed", "untracked"] as const;

const changedFile = object(
  {
    path: string({ description: "Relative to the session directory." }),
    status: oneOf(CHANGE_STATUSES),
    additions: integer({ minimum: 0, description: "Lines added (0 for binary files)." }),
    deletions: integer({ minimum: 0, description: "Lines deleted (0 for binary files)." }),
  },
  {
    from: string({ description: "A renamed file's path in HEAD, relative to the session directory." }),
    binary: boolean("Present (true) when git cannot count lines: a binary file, or an untracked one over 8 MiB."),
  },
  "One changed file.",
);

const truncated = boolean("The answer was cut at its limit.");

export const reviewServerMessages = {
  changes: object(
    { type: literal("changes"), sessionId, git: boolean("false: the session directory is not in a git repository."), files: arrayOf(changedFile), truncated },
    { id, branch: string({ description: "The checked-out branch (absent when HEAD is detached)." }) },
    "Answer to changes.get: the working tree against HEAD, untracked files included, .gitignore respected; at most 2000 files (then truncated).",
  ),
  diff: object(
    { type: literal("diff"), path: string(), patch: string({ description: "Unified diff, as git prints it; empty when the path is unchanged." }), truncated },
    { id, sessionId },
    "Answer to changes.diff: at most 512 KiB of patch, cut at a line end (then truncated).",
  ),
  file: object(
    {
      type: literal("file"),
      path: string(),
      size: integer({ minimum: 0, description: "The whole file's size in bytes." }),
      encoding: oneOf(["utf8", "base64"], "utf8: valid UTF-8 text without NUL; base64: anything else."),
      data: string(),
      truncated: boolean("More of the file follows this slice."),
    },
    {
      id,
      sessionId,
      offset: integer({ minimum: 0, description: "The slice's first byte." }),
      length: integer({ minimum: 0, description: "Bytes in data (decoded); the next slice starts at offset + length." }),
    },
    "Answer to file.read: at most 1 MiB of the file.",
  ),
} as const;

/** The review requests by type. */
export const reviewClientMessages = { "changes.get": changesGet, "changes.diff": changesDiff, "file.read": fileRead } as const;
