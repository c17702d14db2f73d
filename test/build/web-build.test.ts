/**
 * The web app build (scripts/build-web.ts): content-hashed asset names that the HTML references,
 * a generated module the relay imports, and a first load within the weight budget.
 */
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildWebAssets, generatedModule, writeWebAssets } from "../../scripts/build-web.ts";
import { measureWebWeight, WEB_WEIGHT_BUDGET_BYTES } from "../../scripts/web-weight.ts";
import { makeTempDir, removeTempDir } from "../support/ssh.ts";

test("assets are named by a hash of their content, and the HTML names exactly them", async () => {
  const assets = await buildWebAssets();
  const paths = assets.map((asset) => asset.path);
  expect(paths).toEqual([
    "/",
    expect.stringMatching(/^\/assets\/[0-9a-f]{16}\.js$/),
    expect.stringMatching(/^\/assets\/[0-9a-f]{16}\.css$/),
    "/manifest.webmanifest",
    "/icon.svg",
    "/sw.js",
  ]);
  for (const asset of assets.slice(1, 3)) expect(asset.path).toContain(createHash("sha256").update(asset.body).digest("hex").slice(0, 16));
  const html = assets[0]!.body;
  for (const path of paths.slice(1, 3)) expect(html).toContain(`"${path}"`);
  expect(html).not.toContain("{{");
  // the service worker caches exactly the app shell: the page, its script and stylesheet, manifest and icon
  const worker = assets.find((asset) => asset.path === "/sw.js")!.body;
  for (const path of paths.slice(0, 5)) expect(worker).toContain(`"${path}"`);
  expect(worker).not.toContain("__APP_SHELL__");
  expect(assets.filter((asset) => asset.immutable).map((asset) => asset.path)).toEqual(paths.slice(1, 3));
  // the same source builds to the same names
  expect((await buildWebAssets()).map((asset) => asset.path)).toEqual(paths);
}, 30_000);

test("the generated module is written only when it changes", async () => {
  const dir = makeTempDir("web-build-");
  try {
    const target = join(dir, "web-assets.ts");
    const first = await writeWebAssets(target);
    expect(first.changed).toBe(true);
    expect(readFileSync(target, "utf8")).toBe(generatedModule(first.assets));
    expect((await writeWebAssets(target)).changed).toBe(false);
  } finally {
    removeTempDir(dir);
  }
}, 30_000);

test(`the first load weighs at most ${WEB_WEIGHT_BUDGET_BYTES / 1024} KiB gzipped`, async () => {
  const weight = await measureWebWeight();
  expect(weight.files.map((file) => file.path)).toContain("/");
  expect(weight.totalGzipBytes).toBeLessThanOrEqual(WEB_WEIGHT_BUDGET_BYTES);
}, 30_000);

test("the script carries no server logging: neither consola nor the stderr line writer", async () => {
  // The client library in the app takes its logger from src/log/silent-logger.ts; an import of
  // src/log/logger.ts would bring consola (its throttle options and "(repeated N times)") and stderr.
  const script = (await buildWebAssets()).find((asset) => asset.path.endsWith(".js"))!.body;
  // "process.stderr", not "stderr": the app may name Claude's <local-command-stderr> tag.
  for (const marker of ["throttleMin", "(repeated ", "process.stderr"]) expect(script).not.toContain(marker);
}, 30_000);
