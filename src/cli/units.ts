/**
 * Parsers for flag values: durations (`1500`, `1.5s`, `2m`) and byte sizes (`1048576`, `1MiB`).
 * They return `undefined` for bad input; the caller names the flag in its message.
 *
 * @example
 * ```ts
 * parseDuration("1.5s"); // 1500
 * parseDuration("2m");   // 120000
 * parseByteSize("8MiB"); // 8388608
 * ```
 */

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** Milliseconds from a plain number of milliseconds or a number with a unit (ms, s, m, h). */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * DURATION_UNITS[(match[2] ?? "ms").toLowerCase()]!;
  return Number.isFinite(ms) && Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : undefined;
}

/** Bytes from a plain integer or a number with a binary unit (k/KiB, m/MiB, g/GiB). */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = SIZE_UNITS[match[2]!.toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.round(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
