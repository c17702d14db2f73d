/**
 * `/changes` and `/diff PATH` in the interactive view: what changed in the followed session's
 * directory against git's HEAD, asked of the relay (`changes.get`, `changes.diff`) and printed as
 * terminal-lines.ts words them; a refusal (a path the relay's rules refuse, no such file) in the
 * relay's words. The paths of the last `/changes` are kept for Tab after `/diff `.
 *
 * @example
 * ```ts
 * const review = new ReviewCommands(out);
 * review.changes();          // "branch main · 2 files changed …", then one line each
 * review.diff("src/a.ts");   // the coloured patch
 * review.paths;              // ["src/a.ts", "README.md"]: what /diff completes
 * ```
 */
import { changesLines, patchLines, visible } from "../../terminal/changes-lines.ts";
import type { ViewOutput } from "./view-output.ts";

export class ReviewCommands {
  readonly #out: ViewOutput;
  /** The paths the last `/changes` listed (of the session followed then). */
  #paths: { sessionId: string; paths: string[] } | undefined;

  constructor(out: ViewOutput) {
    this.#out = out;
  }

  /** The paths `/diff` completes: those of the last `/changes`, while the same session is followed. */
  get paths(): string[] {
    return this.#paths && this.#paths.sessionId === this.#out.client.sessionId ? this.#paths.paths : [];
  }

  changes(): void {
    const { client, style } = this.#out;
    const sessionId = client.sessionId;
    if (sessionId === undefined) return this.#out.problem("/changes: no session joined yet");
    client.changes(sessionId).then(
      (changes) => {
        this.#paths = { sessionId, paths: changes.files.map((file) => file.path) };
        this.#out.print(...changesLines(changes, style));
      },
      (error: Error) => this.#out.problem(`/changes: ${error.message}`),
    );
  }

  diff(path: string): void {
    const { client, style } = this.#out;
    if (path === "") return this.#out.problem("/diff takes the path of a changed file, as /changes lists it (Tab completes it)");
    const sessionId = client.sessionId;
    if (sessionId === undefined) return this.#out.problem("/diff: no session joined yet");
    client.diff(path, { sessionId }).then(
      (diff) => this.#out.print(style.paint("dim", `── ${visible(diff.path)} ──`), ...patchLines(diff, style)),
      (error: Error) => this.#out.problem(`/diff ${visible(path)}: ${error.message}`),
    );
  }
}
