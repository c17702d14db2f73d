/**
 * For the load and shutdown suites: the relay as its own process (so its RSS and its exit are its
 * own) driving the synthetic Claude, and many light WebSocket clients in the test process that
 * authenticate with a real key and check, frame by frame, that session events arrive in seq order
 * without parsing or keeping them.
 *
 * @example
 * ```ts
 * const relay = await startStreamingRelay(["--max-clients", "600"]);
 * const clients = await connectSeqClients(relay, 500);
 * clients[0]!.send({ type: "prompt", text: "synth events=3000 bytes=200 rate=50" });
 * await relay.stop();
 * ```
 */
import { join } from "node:path";
import { type ChallengeSigner, keyFileSigner } from "../../src/client/signer.ts";
import { type RelayProcess, SYNTHETIC_CLAUDE, spawnRelay } from "../support/cli-process.ts";
import { pathWithRepoBin, prepareRelayHome } from "../support/relay.ts";
import { makeTempDir, removeTempDir, type TestKey } from "../support/ssh.ts";

export interface StreamingRelay {
  process: RelayProcess;
  url: string;
  httpUrl: string;
  signer: ChallengeSigner;
  /** The ed25519 key in authorized_keys. */
  key: TestKey;
  health(): Promise<Record<string, any>>;
  /** SIGTERM, wait for the exit, remove the temp dir; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `bun src/cli.ts serve` with the synthetic Claude (or `claudeBin`) in a temp HOME holding
 * one fresh key.
 */
export async function startStreamingRelay(args: string[], options: { claudeBin?: string; env?: Record<string, string> } = {}): Promise<StreamingRelay> {
  const dir = makeTempDir("relay-robustness-");
  const { home, work, key } = prepareRelayHome(dir, "device");
  const relayProcess = spawnRelay(
    [
      "serve",
      "--port",
      "0",
      "--cwd",
      work,
      "--claude-bin",
      options.claudeBin ?? SYNTHETIC_CLAUDE,
      "--state-dir",
      join(dir, "state"),
      "--log-format",
      "json",
      ...args,
    ],
    {
      env: { ...process.env, PATH: pathWithRepoBin(), HOME: home, ...options.env },
      cwd: dir,
    },
  );
  const url = await relayProcess.listening;
  const httpUrl = url.replace(/^ws:/, "http:").replace(/\/ws$/, "");
  let stopped: Promise<number | null> | undefined;
  return {
    process: relayProcess,
    url,
    httpUrl,
    signer: keyFileSigner(key.privatePath),
    key,
    health: async () => (await fetch(`${httpUrl}/healthz`)).json() as Promise<Record<string, any>>,
    stop: () =>
      (stopped ??= (async () => {
        if (relayProcess.child.exitCode === null && relayProcess.child.signalCode === null) relayProcess.kill("SIGTERM");
        const code = await relayProcess.exitCode;
        removeTempDir(dir);
        return code;
      })()),
  };
}

/**
 * A client that checks session events as they arrive: each seq must be the previous one plus
 * one. It reads only the head of each frame (type and seq come first), so 500 of them keep up
 * with a fast stream.
 */
export class SeqClient {
  firstSeq = 0;
  lastSeq = 0;
  events = 0;
  assistants = 0;
  results = 0;
  errors: string[] = [];
  disorder: string[] = [];
  closedAt = 0;
  closeCode = 0;
  readonly closed: Promise<void>;

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) =>
      socket.addEventListener("close", (event) => {
        this.closedAt = performance.now();
        this.closeCode = event.code;
        resolve();
      }),
    );
    socket.addEventListener("message", (event) => this.#onFrame(String(event.data)));
  }

  static async connect(url: string, signer: ChallengeSigner): Promise<SeqClient> {
    const socket = new WebSocket(url);
    const first = await new Promise<string>((resolve, reject) => {
      socket.addEventListener("message", (event) => resolve(String(event.data)), { once: true });
      socket.addEventListener("error", () => reject(new Error(`connect to ${url} failed`)), { once: true });
    });
    const challenge = JSON.parse(first).challenge as string;
    socket.send(JSON.stringify({ type: "auth.response", signature: await signer.sign(challenge) }));
    const answer = await new Promise<string>((resolve) => socket.addEventListener("message", (event) => resolve(String(event.data)), { once: true }));
    if (!answer.startsWith('{"type":"auth.ok"')) throw new Error(`authentication failed: ${answer.slice(0, 200)}`);
    return new SeqClient(socket);
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  #onFrame(frame: string): void {
    const head = frame.slice(0, 160);
    const seqMatch = /"seq":(\d+)/.exec(head);
    if (!seqMatch) {
      if (head.startsWith('{"type":"error"')) this.errors.push(frame.slice(0, 200));
      return;
    }
    const seq = Number(seqMatch[1]);
    if (this.firstSeq === 0) this.firstSeq = seq;
    else if (seq !== this.lastSeq + 1 && this.disorder.length < 10) this.disorder.push(`${this.lastSeq} → ${seq}`);
    this.lastSeq = seq;
    this.events += 1;
    if (head.includes('"event":{"type":"assistant"')) this.assistants += 1;
    else if (head.includes('"event":{"type":"result"')) this.results += 1;
  }
}

/** Connects and authenticates `count` clients, `batch` at a time. */
export async function connectSeqClients(relay: StreamingRelay, count: number, batch = 50): Promise<SeqClient[]> {
  const clients: SeqClient[] = [];
  while (clients.length < count) {
    const n = Math.min(batch, count - clients.length);
    clients.push(...(await Promise.all(Array.from({ length: n }, () => SeqClient.connect(relay.url, relay.signer)))));
  }
  return clients;
}
