/**
 * The web app's weight on first load: every file a first visit fetches (the HTML, the script, the
 * stylesheet, the manifest and the icon), raw and gzipped as the relay serves them. Fails (exit 1)
 * above the budget of 100 KiB gzipped. Results go in docs/benchmarks.md.
 *
 *     bun scripts/web-weight.ts          # a table, then the total
 *     bun scripts/web-weight.ts --json   # one JSON object
 *
 * @example
 * ```ts
 * const weight = await measureWebWeight();
 * weight.totalGzipBytes <= WEB_WEIGHT_BUDGET_BYTES;
 * ```
 */
import { gzipSync } from "node:zlib";
import { buildWebAssets } from "./build-web.ts";

export const WEB_WEIGHT_BUDGET_BYTES = 100 * 1024;

export interface WebWeight {
  files: { path: string; bytes: number; gzipBytes: number }[];
  totalBytes: number;
  totalGzipBytes: number;
}

/** Builds the app and weighs each file (gzip at the relay's level, the zlib default). */
export async function measureWebWeight(): Promise<WebWeight> {
  const encoder = new TextEncoder();
  const files = (await buildWebAssets()).map((asset) => {
    const bytes = encoder.encode(asset.body);
    return { path: asset.path, bytes: bytes.length, gzipBytes: gzipSync(bytes).length };
  });
  return { files, totalBytes: files.reduce((n, f) => n + f.bytes, 0), totalGzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0) };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

if (import.meta.main) {
  const weight = await measureWebWeight();
  if (process.argv.includes("--json")) console.log(JSON.stringify(weight));
  else {
    for (const file of weight.files) console.log(`${file.path.padEnd(28)} ${kib(file.bytes).padStart(10)} ${kib(file.gzipBytes).padStart(10)} gzipped`);
    console.log(
      `${"total (first load)".padEnd(28)} ${kib(weight.totalBytes).padStart(10)} ${kib(weight.totalGzipBytes).padStart(10)} gzipped (budget ${kib(WEB_WEIGHT_BUDGET_BYTES)})`,
    );
  }
  if (weight.totalGzipBytes > WEB_WEIGHT_BUDGET_BYTES) {
    console.error(`web-weight: ${kib(weight.totalGzipBytes)} gzipped exceeds the budget of ${kib(WEB_WEIGHT_BUDGET_BYTES)}`);
    process.exit(1);
  }
}
