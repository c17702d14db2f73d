/**
 * A local Web Push service for tests: an https server (a certificate signed by a CA of its own,
 * made by openssl) that records every POST, decrypts its body as a browser would (RFC 8291
 * `aes128gcm`, with the subscriber's private key that the test made: node:crypto ECDH + HKDF +
 * AES-GCM, independent of src/ and of the library the relay uses) and verifies the VAPID
 * `Authorization` header (RFC 8292: the ES256 signature with the key in `k=`, and the claims).
 * Answers are scripted per endpoint: by default 201.
 *
 * @example
 * ```ts
 * const service = await startPushService(dir);
 * const device = service.subscriber("phone");       // { subscription, … } for push.subscribe
 * service.answer("phone", { status: 429, headers: { "retry-after": "1" } }, { status: 201 });
 * const push = await service.next("phone");         // decrypted payload, headers, JWT claims
 * await service.close();
 * ```
 */
import { createDecipheriv, createECDH, createPublicKey, type ECDH, hkdfSync, randomBytes, verify } from "node:crypto";
import { makeCaSignedCertificate } from "./tls.ts";

export interface Subscriber {
  name: string;
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  ecdh: ECDH;
  auth: Buffer;
}

export interface ReceivedPush {
  endpoint: string;
  receivedAt: number;
  headers: Record<string, string>;
  /** The decrypted plaintext, parsed as JSON. */
  payload: Record<string, any>;
  /** The VAPID JWT's claims, after its signature checked out against `k`. */
  claims: { aud: string; exp: number; sub: string };
  /** `k=` of the Authorization header. */
  vapidKey: string;
  /** What the service answered. */
  status: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
}

export interface PushServiceUnderTest {
  /** https://127.0.0.1:port */
  origin: string;
  /** PEM of the CA that signed the server certificate: trust it to reach the service. */
  ca: string;
  caPath: string;
  received: ReceivedPush[];
  /** Requests that failed the checks (decryption, JWT), with why: a test expects none. */
  rejected: string[];
  /** A new device: its keys and a subscription at this service. */
  subscriber(name: string): Subscriber;
  /** Scripts the next answers for `name`'s endpoint (then 201 again). */
  answer(name: string, ...answers: Answer[]): void;
  /** The next push to `name` not yet taken by next(). */
  next(name: string, timeoutMs?: number): Promise<ReceivedPush>;
  /** Pushes to `name` so far. */
  count(name: string): number;
  /** fetch trusting this service's CA (Bun's `tls.ca`): the relay's push client in-process. */
  post: (url: string, init: RequestInit) => Promise<Response>;
  close(): Promise<void>;
}

export async function startPushService(dir: string): Promise<PushServiceUnderTest> {
  const certificate = makeCaSignedCertificate(dir, "push-service");
  const caPath = `${dir}/push-service-ca.crt`;
  const subscribers = new Map<string, Subscriber>();
  const scripted = new Map<string, Answer[]>();
  const received: ReceivedPush[] = [];
  const rejected: string[] = [];
  const taken = new Map<string, number>();
  const waiters = new Set<() => void>();

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert: certificate.cert, key: Bun.file(certificate.keyPath) },
    async fetch(request) {
      const url = new URL(request.url);
      const name = url.pathname.replace(/^\/push\//, "");
      const subscriber = subscribers.get(name);
      if (request.method !== "POST" || !subscriber) return new Response("no such subscription", { status: 404 });
      const headers = Object.fromEntries(request.headers.entries());
      const body = new Uint8Array(await request.arrayBuffer());
      const answer = scripted.get(name)?.shift() ?? { status: 201 };
      try {
        if (headers["content-encoding"] !== "aes128gcm") throw new Error(`Content-Encoding ${headers["content-encoding"]}`);
        const { claims, vapidKey } = checkVapid(headers.authorization ?? "");
        const payload = JSON.parse(decrypt(body, subscriber)) as Record<string, any>;
        received.push({ endpoint: subscriber.subscription.endpoint, receivedAt: performance.now(), headers, payload, claims, vapidKey, status: answer.status });
      } catch (error) {
        rejected.push(`${name}: ${(error as Error).message}`);
        return new Response("bad push", { status: 400 });
      }
      for (const wake of waiters) wake();
      return new Response(null, { status: answer.status, headers: answer.headers ?? {} });
    },
  });
  const origin = `https://127.0.0.1:${server.port}`;
  const pushesTo = (name: string) => received.filter((push) => push.endpoint === `${origin}/push/${name}`);

  return {
    origin,
    ca: certificate.ca,
    caPath,
    received,
    rejected,
    subscriber(name) {
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const subscriber: Subscriber = {
        name,
        ecdh,
        auth,
        subscription: { endpoint: `${origin}/push/${name}`, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") } },
      };
      subscribers.set(name, subscriber);
      return subscriber;
    },
    answer(name, ...answers) {
      scripted.set(name, [...(scripted.get(name) ?? []), ...answers]);
    },
    count: (name) => pushesTo(name).length,
    next(name, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const index = taken.get(name) ?? 0;
          const push = pushesTo(name)[index];
          if (!push) return;
          taken.set(name, index + 1);
          waiters.delete(check);
          clearTimeout(timer);
          resolve(push);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no push to ${name} within ${timeoutMs} ms (rejected: ${rejected.join("; ") || "none"})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    post: (url, init) => fetch(url, { ...init, tls: { ca: certificate.ca } }),
    async close() {
      await server.stop(true);
    },
  };
}

/** RFC 8291 §3.4 and RFC 8188, as the browser decrypts. */
function decrypt(body: Uint8Array, subscriber: Subscriber): string {
  const bytes = Buffer.from(body);
  const salt = bytes.subarray(0, 16);
  const keyIdLength = bytes[20]!;
  const senderKey = bytes.subarray(21, 21 + keyIdLength);
  const ciphertext = bytes.subarray(21 + keyIdLength);
  const secret = subscriber.ecdh.computeSecret(senderKey);
  const info = Buffer.concat([Buffer.from("WebPush: info\0"), subscriber.ecdh.getPublicKey(), senderKey]);
  const ikm = Buffer.from(hkdfSync("sha256", secret, subscriber.auth, info, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("the last record lacks its 0x02 delimiter");
  return padded.subarray(0, end).toString("utf8");
}

/** RFC 8292 §3: `vapid t=<JWT>, k=<key>`; the ES256 signature must verify with k. */
function checkVapid(authorization: string): { claims: ReceivedPush["claims"]; vapidKey: string } {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+),\s*k=([\w-]+)$/.exec(authorization);
  if (!match) throw new Error(`Authorization is not "vapid t=…, k=…": ${authorization}`);
  const [header, claims, signature] = match[1]!.split(".") as [string, string, string];
  const point = Buffer.from(match[2]!, "base64url");
  const key = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") },
    format: "jwk",
  });
  if (JSON.parse(Buffer.from(header, "base64url").toString()).alg !== "ES256") throw new Error("JWT alg is not ES256");
  const signed = verify("sha256", Buffer.from(`${header}.${claims}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
  if (!signed) throw new Error("the VAPID JWT's signature does not verify with k");
  return { claims: JSON.parse(Buffer.from(claims, "base64url").toString()), vapidKey: match[2]! };
}
