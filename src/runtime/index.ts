/**
 * Picks the runtime adapter for the runtime we are on.
 *
 * @example
 * ```ts
 * const runtime = await detectRuntime(); // bunRuntime under Bun, denoRuntime under Deno
 * ```
 */
import type { RuntimeAdapter } from "./types.ts";

export async function detectRuntime(): Promise<RuntimeAdapter> {
  if (typeof (globalThis as { Bun?: unknown }).Bun !== "undefined") return (await import("./bun/index.ts")).bunRuntime;
  if (typeof (globalThis as { Deno?: unknown }).Deno !== "undefined") return (await import("./deno/index.ts")).denoRuntime;
  throw new Error("claude-relay runs on Bun or Deno; start it with `bun src/cli.ts` or `deno run -A src/cli.ts`");
}

export type { ListeningServer, PeerInfo, PeerSocket, RequestPeer, RuntimeAdapter, SocketEvents, TlsCertificate } from "./types.ts";
export { AddressInUseError, formatHostPort } from "./types.ts";
