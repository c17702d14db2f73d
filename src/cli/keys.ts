/**
 * `claude-relay keys`: every non-comment line of authorized_keys as the relay sees it — line number,
 * key type, fingerprint, comment, and whether it is accepted, refused (and why) or skipped.
 *
 * @example
 * ```ts
 * const exitCode = runKeysCommand({ authorizedKeysPath: join(homedir(), ".ssh/authorized_keys"), now: new Date() });
 * process.exit(exitCode);
 * ```
 */
import { readFileSync } from "node:fs";
import { parseAuthorizedKeys } from "../auth/authorized-keys.ts";

export type KeyStatus = "accepted" | "refused" | "skipped";

export interface KeysReportRow {
  line: number;
  type: string;
  fingerprint: string;
  comment: string;
  status: KeyStatus;
  /** Why refused/skipped, or the restrictions that apply to an accepted key. */
  note: string;
}

export interface KeysReport {
  path: string;
  rows: KeysReportRow[];
  /** Set when the file could not be read. */
  error?: string;
  accepted: number;
}

export interface KeysCommandOptions {
  authorizedKeysPath: string;
  now: Date;
  /** Output sink; defaults to stdout. */
  write?: (text: string) => void;
}

/**
 * Reads and classifies the file.
 *
 * @example
 * keysReport({ authorizedKeysPath: "/home/me/.ssh/authorized_keys", now: new Date() }).accepted // 2
 */
export function keysReport({ authorizedKeysPath: path, now }: Omit<KeysCommandOptions, "write">): KeysReport {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { path, rows: [], error: (error as Error).message, accepted: 0 };
  }
  const { entries, diagnostics } = parseAuthorizedKeys(text);
  const rows: KeysReportRow[] = [
    ...entries.map((e): KeysReportRow => {
      const expired = e.expiresAt !== undefined && now.getTime() >= e.expiresAt.getTime();
      const refusal = e.refused ?? (expired ? `expired at ${e.expiresAt!.toISOString()}` : undefined);
      const restrictions = [e.from !== undefined ? `only from ${e.from}` : "", e.expiresAt && !expired ? `expires ${e.expiresAt.toISOString()}` : ""].filter(
        Boolean,
      );
      return {
        line: e.line,
        type: e.type,
        fingerprint: e.fingerprint,
        comment: e.comment,
        status: refusal ? "refused" : "accepted",
        note: refusal ?? restrictions.join("; "),
      };
    }),
    ...diagnostics.map(
      (d): KeysReportRow => ({
        line: d.line,
        type: d.type ?? "?",
        fingerprint: d.fingerprint ?? "-",
        comment: d.comment ?? "",
        status: "skipped",
        note: d.message,
      }),
    ),
  ].sort((a, b) => a.line - b.line);
  return { path, rows, accepted: rows.filter((r) => r.status === "accepted").length };
}

/**
 * Renders a report as an aligned plain-text table with a summary line.
 *
 * @example
 * console.log(formatKeysReport(keysReport({ authorizedKeysPath, now: new Date() })));
 */
export function formatKeysReport(report: KeysReport): string {
  if (report.error) return `cannot read ${report.path}: ${report.error}\nNobody can log in.\n`;
  const header = ["LINE", "TYPE", "FINGERPRINT", "COMMENT", "STATUS", "NOTE"];
  const cells = report.rows.map((r) => [String(r.line), r.type, r.fingerprint, r.comment, r.status, r.note]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const render = (row: string[]) =>
    row
      .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const summary =
    report.accepted === 0
      ? `${report.path}: no accepted keys. Nobody can log in.`
      : `${report.path}: ${report.accepted} accepted key${report.accepted === 1 ? "" : "s"}.`;
  const table = report.rows.length > 0 ? `${[render(header), ...cells.map(render)].join("\n")}\n` : "";
  return `${table}${summary}\n`;
}

/**
 * Prints the table; returns the exit code (1 when the file cannot be read, else 0).
 *
 * @example
 * process.exitCode = runKeysCommand({ authorizedKeysPath: path, now: new Date() });
 */
export function runKeysCommand({ write = (t) => process.stdout.write(t), ...options }: KeysCommandOptions): number {
  const report = keysReport(options);
  write(formatKeysReport(report));
  return report.error ? 1 : 0;
}
