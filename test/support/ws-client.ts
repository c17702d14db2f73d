/**
 * A real WebSocket client for tests: collects every frame, waits for the next one matching a
 * predicate, and reports how the socket closed.
 *
 * @example
 * ```ts
 * const client = await TestClient.connect(relay.url);
 * const challenge = await client.next("auth.challenge");
 * client.send({ type: "ping", id: "1" });
 * expect(await client.next("pong")).toEqual({ type: "pong", id: "1" });
 * ```
 */
export type Frame = Record<string, any>;

export interface ConnectOptions {
  ca?: string;
  headers?: Record<string, string>;
}

export class TestClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #cursor = 0;
  #close: { code: number; reason: string } | undefined;
  #waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      this.frames.push(JSON.parse(String(event.data)));
      for (const wake of this.#waiters) wake();
    });
    this.closed = new Promise((resolve) =>
      socket.addEventListener("close", (event) => {
        this.#close = { code: event.code, reason: event.reason };
        resolve(this.#close);
        for (const wake of this.#waiters) wake();
      }),
    );
  }

  /** `ca` trusts a (self-signed) certificate for wss://; `headers` go with the upgrade request (e.g. Origin). */
  static connect(url: string, timeoutMs = 5000, options: ConnectOptions = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      // Bun's WebSocket takes headers and TLS options (an extension of the standard constructor).
      const socket = new WebSocket(url, {
        ...(options.headers && { headers: options.headers }),
        ...(options.ca && { tls: { ca: options.ca } }),
      } as unknown as string[]);
      const client = new TestClient(socket);
      const timer = setTimeout(() => reject(new Error(`connect to ${url} timed out`)), timeoutMs);
      socket.addEventListener("open", () => (clearTimeout(timer), resolve(client)), { once: true });
      socket.addEventListener("error", () => (clearTimeout(timer), reject(new Error(`connect to ${url} failed`))), { once: true });
    });
  }

  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  sendRaw(data: string | Uint8Array<ArrayBuffer>): void {
    this.socket.send(data);
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** The next unread frame of `type` (or matching `match`); frames before it are skipped. */
  next(match: string | ((frame: Frame) => boolean), timeoutMs = 10_000): Promise<Frame> {
    const test = typeof match === "string" ? (frame: Frame) => frame.type === match : match;
    return new Promise((resolve, reject) => {
      const check = () => {
        while (this.#cursor < this.frames.length) {
          const frame = this.frames[this.#cursor++]!;
          if (test(frame)) return finish(() => resolve(frame));
        }
        if (this.socket.readyState === WebSocket.CLOSED)
          finish(() =>
            reject(
              new Error(`socket closed (${JSON.stringify(this.#close)}) while waiting for ${String(match)}; got ${JSON.stringify(this.frames.slice(-5))}`),
            ),
          );
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`timed out waiting for ${String(match)}; last frames ${JSON.stringify(this.frames.slice(-5))}`))),
        timeoutMs,
      );
      const finish = (done: () => void) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        done();
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Marks every frame received so far as read: `next()` then only sees frames that arrive later. */
  skipReceived(): void {
    this.#cursor = this.frames.length;
  }

  /** Every frame of `type` received so far. */
  all(type: string): Frame[] {
    return this.frames.filter((frame) => frame.type === type);
  }

  close(code = 1000): Promise<{ code: number; reason: string }> {
    this.socket.close(code);
    return this.closed;
  }
}
