/**
 * Minimal ssh-agent protocol client (draft-miller-ssh-agent) over a Unix socket, usually
 * `$SSH_AUTH_SOCK`: list identities and ask for signatures. Requests are answered in order, so a
 * FIFO of pending requests is enough.
 *
 * @example
 * ```ts
 * const agent = await SshAgentClient.connect();           // $SSH_AUTH_SOCK
 * const [first] = await agent.listIdentities();
 * const sig = await agent.sign(first.blob, data, SSH_AGENT_RSA_SHA2_512);
 * agent.close();
 * ```
 */
import { createConnection, type Socket } from "node:net";
import { WireError, WireReader, WireWriter } from "../ssh/wire.ts";

const SSH_AGENT_FAILURE = 5;
const SSH_AGENTC_REQUEST_IDENTITIES = 11;
const SSH_AGENT_IDENTITIES_ANSWER = 12;
const SSH_AGENTC_SIGN_REQUEST = 13;
const SSH_AGENT_SIGN_RESPONSE = 14;

/** SIGN_REQUEST flags: ask an RSA key for rsa-sha2-256 / rsa-sha2-512 instead of SHA-1. */
export const SSH_AGENT_RSA_SHA2_256 = 2;
export const SSH_AGENT_RSA_SHA2_512 = 4;

/** OpenSSH's agent caps messages at 256 KiB; a larger length prefix means a broken stream. */
const MAX_AGENT_MESSAGE = 256 * 1024;

export interface AgentIdentity {
  /** Public key blob. */
  blob: Uint8Array;
  comment: string;
}

/** The agent is unreachable, refused a request, or spoke garbage. */
export class SshAgentError extends Error {
  override readonly name = "SshAgentError";
}

interface Pending {
  resolve: (message: Uint8Array) => void;
  reject: (error: Error) => void;
}

/** A connection to one ssh-agent. */
export class SshAgentClient {
  #buffer = new Uint8Array(0);
  readonly #pending: Pending[] = [];
  #failure: Error | undefined;

  readonly #socket: Socket;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", (err) => this.#fail(new SshAgentError(`ssh-agent connection error: ${err.message}`)));
    socket.on("close", () => this.#fail(new SshAgentError("ssh-agent closed the connection")));
  }

  /**
   * Connects to the agent at `socketPath` (default `$SSH_AUTH_SOCK`).
   *
   * @example
   * const agent = await SshAgentClient.connect(process.env.SSH_AUTH_SOCK);
   */
  static connect(socketPath: string | undefined = process.env.SSH_AUTH_SOCK): Promise<SshAgentClient> {
    if (!socketPath) return Promise.reject(new SshAgentError("SSH_AUTH_SOCK is not set; no ssh-agent to use"));
    return new Promise((resolve, reject) => {
      const socket = createConnection(socketPath);
      socket.once("connect", () => {
        socket.removeListener("error", reject);
        resolve(new SshAgentClient(socket));
      });
      socket.once("error", (err) => reject(new SshAgentError(`cannot connect to ssh-agent at ${socketPath}: ${err.message}`)));
    });
  }

  /** Keys the agent holds (REQUEST_IDENTITIES → IDENTITIES_ANSWER). */
  async listIdentities(): Promise<AgentIdentity[]> {
    const reader = await this.#request(new WireWriter().byte(SSH_AGENTC_REQUEST_IDENTITIES), SSH_AGENT_IDENTITIES_ANSWER);
    return parseReply("identities answer", () => {
      const count = reader.readUint32();
      // Each identity needs at least 8 bytes; a larger count is a lie that must not drive allocation.
      if (count > reader.remaining / 8) throw new WireError(`identity count ${count} exceeds message size`);
      const identities: AgentIdentity[] = [];
      for (let i = 0; i < count; i++) identities.push({ blob: reader.readBytes(), comment: reader.readString() });
      reader.expectEnd("identities answer");
      return identities;
    });
  }

  /** Asks the agent to sign `data` with the key `blob` (SIGN_REQUEST → SIGN_RESPONSE); returns the SSH signature blob. */
  async sign(blob: Uint8Array, data: Uint8Array, flags = 0): Promise<Uint8Array> {
    const request = new WireWriter().byte(SSH_AGENTC_SIGN_REQUEST).string(blob).string(data).uint32(flags);
    const reader = await this.#request(request, SSH_AGENT_SIGN_RESPONSE);
    return parseReply("sign response", () => {
      const signature = reader.readBytes();
      reader.expectEnd("sign response");
      return signature;
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #request(body: WireWriter, expectedType: number): Promise<WireReader> {
    if (this.#failure) return Promise.reject(this.#failure);
    const payload = body.toBytes();
    this.#socket.write(new WireWriter().string(payload).toBytes());
    return new Promise<Uint8Array>((resolve, reject) => this.#pending.push({ resolve, reject })).then((message) => {
      const reader = new WireReader(message);
      const type = reader.readByte();
      if (type === SSH_AGENT_FAILURE) throw new SshAgentError("ssh-agent refused the request");
      if (type !== expectedType) throw new SshAgentError(`unexpected ssh-agent reply type ${type}`);
      return reader;
    });
  }

  #onData(chunk: Buffer): void {
    const merged = new Uint8Array(this.#buffer.length + chunk.length);
    merged.set(this.#buffer);
    merged.set(chunk, this.#buffer.length);
    this.#buffer = merged;
    while (this.#buffer.length >= 4) {
      const length = new DataView(this.#buffer.buffer, this.#buffer.byteOffset).getUint32(0);
      if (length === 0 || length > MAX_AGENT_MESSAGE) return this.#fail(new SshAgentError(`bad ssh-agent message length ${length}`));
      if (this.#buffer.length < 4 + length) return;
      const message = this.#buffer.slice(4, 4 + length);
      this.#buffer = this.#buffer.slice(4 + length);
      const next = this.#pending.shift();
      if (!next) return this.#fail(new SshAgentError("unsolicited ssh-agent message"));
      next.resolve(message);
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const p of this.#pending.splice(0)) p.reject(error);
    this.#socket.destroy();
  }
}

function parseReply<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof WireError) throw new SshAgentError(`malformed ssh-agent ${what}: ${error.message}`);
    throw error;
  }
}
