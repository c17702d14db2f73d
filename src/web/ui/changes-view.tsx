/**
 * The Changes view of a session: the files changed against git's HEAD (status, +/− lines; "not a
 * git repository", "no changes" and a cut list said in words), one file's diff (git's unified patch
 * line by line, additions and removals coloured, long lines scrolling inside it), and a file as it
 * is now, read-only (text, or "binary file, N bytes"; a long one a slice at a time with "Load
 * more"). Paths and contents are untrusted: they go into text nodes only.
 *
 * @example
 * ```tsx
 * <ChangesView review={review} />
 * <TurnChangesLink review={review} sessionId={id} turnKey={item.key} />
 * ```
 */
import { useState } from "preact/hooks";
import type { ChangesMessage } from "../../client/client.ts";
import type { ChangesListView, DiffView, FileView, ReviewState } from "../state/changes.ts";
import { turnLinkKey } from "../state/changes.ts";

type ChangedFile = ChangesMessage["files"][number];

/** Patch lines drawn at first: a 512 KiB patch is some 10,000 lines, too many for a phone at once. */
const FIRST_LINES = 2000;

const STATUS_WORDS: Record<ChangedFile["status"], string> = {
  added: "added",
  modified: "modified",
  deleted: "deleted",
  renamed: "renamed",
  untracked: "new",
};

function bytesWords(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function filesWords(count: number): string {
  return `${count} ${count === 1 ? "file" : "files"} changed`;
}

/** After a turn that changed files: "3 files changed", opening the list. */
export function TurnChangesLink({ review, sessionId, turnKey }: { review: ReviewState; sessionId: string; turnKey: string }) {
  const link = review.turnLinks.value.get(turnLinkKey(sessionId, turnKey));
  if (!link) return null;
  return (
    <button type="button" class="secondary turn-changes" onClick={() => review.showList(sessionId)} data-testid="turn-changes">
      {filesWords(link.count)}
    </button>
  );
}

export function ChangesView({ review }: { review: ReviewState }) {
  const open = review.open.value;
  if (!open) return null;
  const screen = open.screen;
  return (
    <section class="changes" aria-labelledby="changes-title" data-testid="changes">
      <div class="changes-bar">
        <button type="button" class="secondary" onClick={() => review.back()} data-testid="changes-back">
          Back<span class="visually-hidden">{screen.kind === "list" ? " to the conversation" : " to the changed files"}</span>
        </button>
        <h2 id="changes-title" class="changes-title">
          {screen.kind === "list" ? "Changes" : screen.path}
        </h2>
        {screen.kind === "list" && (
          <button type="button" class="secondary" onClick={() => review.showList(open.sessionId)}>
            Refresh
          </button>
        )}
        {screen.kind === "diff" && (
          <button type="button" class="secondary" onClick={() => review.showFile(screen.path)}>
            File
          </button>
        )}
        {screen.kind === "file" && (
          <button type="button" class="secondary" onClick={() => review.showDiff(screen.path)}>
            Diff
          </button>
        )}
      </div>
      <div class="changes-body">
        {screen.kind === "list" && <ChangesList view={review.list.value} review={review} />}
        {screen.kind === "diff" && <DiffScreen view={review.diff.value} />}
        {screen.kind === "file" && <FileScreen view={review.file.value} review={review} />}
      </div>
    </section>
  );
}

function Failed({ error }: { error: string | undefined }) {
  return (
    <p class="field-error" role="alert" data-testid="changes-error">
      {error}
    </p>
  );
}

function Loading() {
  return (
    <p class="hint" role="status">
      Asking the relay…
    </p>
  );
}

function ChangesList({ view, review }: { view: ChangesListView | undefined; review: ReviewState }) {
  if (!view) return null;
  const changes = view.changes;
  return (
    <>
      {view.phase === "loading" && <Loading />}
      {view.phase === "failed" && <Failed error={view.error} />}
      {changes && !changes.git && (
        <p class="hint" data-testid="not-git">
          This session's directory is not a git repository: there is nothing to compare with.
        </p>
      )}
      {changes?.git && (
        <p class="hint" data-testid="changes-summary">
          {changes.branch !== undefined ? `Branch ${changes.branch}` : "HEAD detached"} ·{" "}
          {changes.files.length === 0 ? "no changes against HEAD" : `${filesWords(changes.files.length)} against HEAD`}
        </p>
      )}
      {changes?.truncated && (
        <p class="hint" role="note" data-testid="changes-truncated">
          More files changed: only the first {changes.files.length} are listed.
        </p>
      )}
      {changes && changes.files.length > 0 && (
        <ul class="changed-files">
          {changes.files.map((file) => (
            <li key={file.path}>
              <button type="button" class="changed-file" onClick={() => review.showDiff(file.path)} data-testid="changed-file" data-status={file.status}>
                <span class={`change-status ${file.status}`}>{STATUS_WORDS[file.status]}</span>
                <span class="changed-path">{file.path}</span>
                {file.from !== undefined && <span class="changed-from">from {file.from}</span>}
                <span class="change-counts">
                  {file.binary ? (
                    "binary"
                  ) : (
                    <>
                      <span class="additions">+{file.additions}</span> <span class="deletions">−{file.deletions}</span>
                    </>
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The class of a patch line, by what git starts it with (`add`, `del` as the tool calls' diffs colour them). */
function patchLineClass(line: string): string {
  if (line.startsWith("+++ ") || line.startsWith("--- ") || line.startsWith("diff ")) return "meta";
  if (line.startsWith("@@")) return "hunk";
  if (line.startsWith("+")) return "add";
  if (line.startsWith("-")) return "del";
  return line.startsWith(" ") ? "ctx" : "meta";
}

function DiffScreen({ view }: { view: DiffView | undefined }) {
  const [all, setAll] = useState(false);
  if (!view) return null;
  if (view.phase === "loading") return <Loading />;
  if (view.phase === "failed") return <Failed error={view.error} />;
  const patch = view.patch ?? "";
  if (patch === "") return <p class="hint">No differences against HEAD.</p>;
  const lines = (patch.endsWith("\n") ? patch.slice(0, -1) : patch).split("\n");
  const shown = all ? lines : lines.slice(0, FIRST_LINES);
  return (
    <>
      {view.truncated && (
        <p class="hint" role="note" data-testid="diff-truncated">
          The diff is too long to send whole: it is cut after 512 KiB.
        </p>
      )}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the patch scrolls sideways; the keyboard must be able to scroll it. */}
      <pre class="patch diff" tabIndex={0} data-testid="patch">
        <code>
          {shown.map((line, index) => (
            <span key={index} class={patchLineClass(line)}>{`${line}\n`}</span>
          ))}
        </code>
      </pre>
      {shown.length < lines.length && (
        <button type="button" class="secondary" onClick={() => setAll(true)}>
          Show all {lines.length} lines
        </button>
      )}
    </>
  );
}

function FileScreen({ view, review }: { view: FileView | undefined; review: ReviewState }) {
  if (!view) return null;
  if (view.phase === "loading") return <Loading />;
  if (view.phase === "failed") return <Failed error={view.error} />;
  if (view.binary) return <p class="hint" data-testid="binary-file">{`Binary file, ${bytesWords(view.size ?? 0)}.`}</p>;
  const text = view.text ?? "";
  return (
    <>
      {text === "" ? (
        <p class="hint">The file is empty.</p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the text scrolls sideways; the keyboard must be able to scroll it.
        <pre class="file-text" tabIndex={0} data-testid="file-text">
          <code>{text}</code>
        </pre>
      )}
      {view.restBinary && <p class="hint">The rest of the file is not text.</p>}
      {view.error && <Failed error={view.error} />}
      {view.nextOffset !== undefined && (
        <div class="file-more">
          <p class="hint" data-testid="file-truncated">
            Showing the first {bytesWords(view.nextOffset)} of {bytesWords(view.size ?? 0)}.
          </p>
          <button type="button" class="secondary" disabled={view.loadingMore} onClick={() => review.loadMore()} data-testid="load-more">
            {view.loadingMore ? "Loading…" : "Load more"}
          </button>
        </div>
      )}
    </>
  );
}
