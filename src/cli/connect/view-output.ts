/**
 * What the parts of the interactive view share: the client, the style, and the ways to show
 * something — lines above the input, a problem in red, a redrawn status line — and the input's
 * label (`reason › ` while a reason for a denial is typed).
 *
 * @example
 * ```ts
 * const out: ViewOutput = { client, style, print: (...l) => console.log(l.join("\n")), problem: console.error, refresh() {}, setLabel() {} };
 * new PermissionKeys(out).key("y");
 * ```
 */
import type { RelayClient } from "../../client/client.ts";
import type { Style } from "../../terminal/style.ts";

export interface ViewOutput {
  readonly client: RelayClient;
  readonly style: Style;
  /** Prints lines above the input, in one redraw. */
  print(...lines: string[]): void;
  problem(text: string): void;
  /** Redraws the status line. */
  refresh(): void;
  setLabel(label: string): void;
}
