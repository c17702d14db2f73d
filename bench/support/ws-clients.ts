#!/usr/bin/env bun
/**
 * A benchmark client process: many WebSocket clients of the relay (authenticating with a real
 * ed25519 key) or of the bare server (no authentication), driven by JSON commands on stdin and
 * answering with `{"kind": …}` JSON lines on stdout. It runs in its own process so its CPU is not
 * the server's.
 *
 * Config (env BENCH_CLIENTS, JSON): `{ url, clients, auth, keyPath?, signer?: "noble" | "native", ca?, attach? }`
 * (`ca`: the PEM certificate to trust for a wss:// url; `attach`: a session id each client attaches
 * to after auth.ok, leaving the default session, and that its prompts name).
 * Commands:
 * - `{"cmd":"connect"}` → opens `clients` sockets at once and authenticates them →
 *   `{"kind":"connected","at","authenticated","failed","cpuMs"}`
 * - `{"cmd":"expect","count","prompt"?}` → counts frames carrying `"sent_at"` (the synthetic
 *   Claude's print time) until `count` arrived over all sockets; the first client sends `prompt`
 *   → `{"kind":"fanout","received","firstReceipt","lastReceipt","minSentAt","histogram","cpuMs"}`;
 *   `histogram` maps latency buckets of 10 µs to counts, so several processes' latencies merge exactly
 * - `{"cmd":"handshakes","concurrency","durationMs","total"?}` → that many loops of connect →
 *   challenge → sign → auth.ok → close, for that long or until `total` handshakes were started →
 *   `{"kind":"handshakes","count","failed","elapsedMs","cpuMs"}`
 * - `{"cmd":"exit"}`
 *
 * @example
 * ```sh
 * BENCH_CLIENTS='{"url":"ws://127.0.0.1:7717/ws","clients":100,"auth":true,"keyPath":"/tmp/k","signer":"native"}' bun bench/support/ws-clients.ts
 * ```
 */
import { LineSplitter } from "../../src/claude/line-splitter.ts";
import { type ChallengeSigner, keyFileSigner } from "../../src/client/signer.ts";
import { nativeEd25519Signer } from "./native-signer.ts";

interface Config {
  url: string;
  clients: number;
  auth: boolean;
  keyPath?: string;
  signer?: "noble" | "native";
  ca?: string;
  attach?: string;
  /** Ask for the live view (`"partial":true` in auth.response): claude.partial frames too. */
  partial?: boolean;
}

const config = JSON.parse(process.env.BENCH_CLIENTS ?? "{}") as Config;
const signer: ChallengeSigner | undefined = config.auth
  ? config.signer === "native"
    ? nativeEd25519Signer(config.keyPath!)
    : keyFileSigner(config.keyPath!)
  : undefined;
const wallNow = () => performance.timeOrigin + performance.now();
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const report = (kind: string, fields: Record<string, unknown>) => console.log(JSON.stringify({ kind, ...fields }));

const sockets: WebSocket[] = [];
const SENT_AT = '"sent_at":';

// ── fan-out reception ────────────────────────────────────────────────────────────────────────
let expected = 0;
let received = 0;
/** Latency histogram: index = latency in 10 µs units, the last bucket holds everything ≥ 2 s. */
const BUCKETS = 200_001;
let histogram = new Uint32Array(BUCKETS);
let firstReceipt = 0;
let lastReceipt = 0;
let minSentAt = Infinity;
let fanoutCpuStart = 0;

function onFrame(data: string, at: number): void {
  const now = wallNow();
  const sentAt = parseFloat(data.slice(at + SENT_AT.length, at + SENT_AT.length + 24));
  if (received === 0) firstReceipt = now;
  lastReceipt = now;
  if (sentAt < minSentAt) minSentAt = sentAt;
  histogram[Math.min(BUCKETS - 1, Math.max(0, Math.round((now - sentAt) * 100)))]!++;
  received++;
  if (received === expected) reportFanout();
}

function reportFanout(): void {
  const sparse: Record<number, number> = {};
  histogram.forEach((count, bucket) => {
    if (count > 0) sparse[bucket] = count;
  });
  report("fanout", { received, firstReceipt, lastReceipt, minSentAt, histogram: sparse, cpuMs: cpuMs() - fanoutCpuStart });
}

// ── connecting and authenticating ────────────────────────────────────────────────────────────
/** Opens one socket; resolves true once it may receive session events (auth.ok, or open without auth). */
function connect(onEvent: (data: string, at: number) => void): Promise<{ ws: WebSocket; ok: boolean }> {
  return new Promise((resolve) => {
    // Bun's WebSocket takes TLS options (an extension of the standard constructor).
    const ws = config.ca ? new WebSocket(config.url, { tls: { ca: config.ca } } as unknown as string[]) : new WebSocket(config.url);
    let settled = false;
    const settle = (ok: boolean) => {
      if (!settled) resolve({ ws, ok });
      settled = true;
    };
    ws.onopen = () => {
      if (!signer) settle(true);
    };
    ws.onmessage = (event) => {
      const data = event.data as string;
      const at = data.indexOf(SENT_AT);
      if (at >= 0) return onEvent(data, at);
      if (settled) return;
      const message = JSON.parse(data) as { type: string; challenge?: string; code?: string; sessionId?: string };
      if (message.type === "auth.challenge") {
        void signer!
          .sign(message.challenge!)
          .then((signature) => ws.send(JSON.stringify({ type: "auth.response", signature, ...(config.partial && { partial: true }) })));
      } else if (message.type === "auth.ok" && config.attach) {
        ws.send(JSON.stringify({ type: "session.detach", sessionId: message.sessionId }));
        ws.send(JSON.stringify({ type: "session.attach", sessionId: config.attach }));
      } else if (message.type === "auth.ok" || (message.type === "session.attached" && message.sessionId === config.attach)) {
        settle(true);
      } else if (message.type === "error") {
        console.error(`client error: ${message.code}`);
        settle(false);
      }
    };
    ws.onclose = (event) => {
      // A receiver dropped mid-run (e.g. slow_consumer) must be visible, not a silent shortfall.
      if (settled && expected > 0) console.error(`client closed during fan-out: ${event.code} ${event.reason}`);
      settle(false);
    };
  });
}

async function connectAll(): Promise<void> {
  const cpuStart = cpuMs();
  const results = await Promise.all(Array.from({ length: config.clients }, () => connect(onFrame)));
  let authenticated = 0;
  for (const { ws, ok } of results) {
    sockets.push(ws);
    if (ok) authenticated++;
  }
  report("connected", { at: wallNow(), authenticated, failed: config.clients - authenticated, cpuMs: cpuMs() - cpuStart });
}

// ── handshake loops ──────────────────────────────────────────────────────────────────────────
async function handshakes(concurrency: number, durationMs: number, total = Infinity): Promise<void> {
  const cpuStart = cpuMs();
  const start = performance.now();
  const end = start + durationMs;
  let count = 0;
  let failed = 0;
  let started = 0;
  const loop = async () => {
    while (performance.now() < end && started++ < total) {
      const { ws, ok } = await connect(() => {});
      ws.close();
      if (performance.now() > end) break;
      if (ok) count++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  report("handshakes", { count, failed, elapsedMs: durationMs, cpuMs: cpuMs() - cpuStart });
}

// ── commands ─────────────────────────────────────────────────────────────────────────────────
function onCommand(command: { cmd: string; count?: number; prompt?: string; concurrency?: number; durationMs?: number; total?: number }): void {
  switch (command.cmd) {
    case "connect":
      return void connectAll();
    case "expect":
      expected = command.count!;
      received = 0;
      histogram = new Uint32Array(BUCKETS);
      minSentAt = Infinity;
      fanoutCpuStart = cpuMs();
      if (command.prompt !== undefined)
        sockets[0]!.send(JSON.stringify({ type: "prompt", text: command.prompt, ...(config.attach && { sessionId: config.attach }) }));
      return;
    case "report":
      return reportFanout();
    case "handshakes":
      return void handshakes(command.concurrency!, command.durationMs!, command.total);
    case "exit":
      for (const ws of sockets) ws.close();
      setTimeout(() => process.exit(0), 100);
      return;
  }
}

report("loaded", {});
const splitter = new LineSplitter();
for await (const chunk of process.stdin as AsyncIterable<Uint8Array>) {
  for (const event of splitter.push(chunk)) if (event.kind === "line") onCommand(JSON.parse(event.text));
}
process.exit(0);
