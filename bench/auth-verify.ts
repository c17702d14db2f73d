/**
 * Signature verifications per second per key type, for the auth path the relay uses
 * (node:crypto, cached KeyObjects) and, for ed25519, the alternatives (@noble/ed25519, sshpk).
 * Keys and signatures come from the real ssh-keygen. Prints a markdown table.
 *
 *     bun bench/auth-verify.ts            # ~1 s per row
 *     deno run -A bench/auth-verify.ts    # same code on Deno
 */

import { createHash } from "node:crypto";
import { cpus } from "node:os";
import * as ed from "@noble/ed25519";
import sshpk from "sshpk";
import { authenticate } from "../src/auth/authenticator.ts";
import { parseAuthorizedKeys } from "../src/auth/authorized-keys.ts";
import { createChallenge } from "../src/auth/challenge.ts";
import { publicKeyFromBlob } from "../src/ssh/public-key.ts";
import { parseArmoredSignature, signedData } from "../src/ssh/sshsig.ts";
import { verifySignature } from "../src/ssh/verify.ts";
import { WireReader } from "../src/ssh/wire.ts";
import { ALL_KEY_KINDS, generateKey, makeTempDir, removeTempDir, sshKeygenSign } from "../test/support/ssh.ts";

ed.hashes.sha512 = (message: Uint8Array) => new Uint8Array(createHash("sha512").update(message).digest());

const SECONDS_PER_ROW = Number(process.env.BENCH_SECONDS ?? 1);

/** Runs `fn` repeatedly for about SECONDS_PER_ROW and returns calls per second; throws if fn ever returns false. */
function opsPerSecond(fn: () => boolean): number {
  for (let i = 0; i < 50; i++) if (!fn()) throw new Error("verification failed during warm-up");
  let count = 0;
  const start = performance.now();
  const end = start + SECONDS_PER_ROW * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 20; i++) if (!fn()) throw new Error("verification failed");
    count += 20;
    now = performance.now();
  }
  return count / ((now - start) / 1000);
}

const dir = makeTempDir("relay-bench-");
const rows: string[][] = [];
try {
  const now = new Date();
  const challenge = createChallenge({ server: "127.0.0.1:7777", connectionId: "bench", now, ttlMs: 600_000 }).text;
  const message = new TextEncoder().encode(challenge);
  for (const kind of ALL_KEY_KINDS) {
    const key = generateKey(dir, kind);
    const armored = sshKeygenSign(key.privatePath, challenge);
    const sig = parseArmoredSignature(armored);
    const data = signedData(sig.namespace, sig.hashAlgorithm, message);
    const keys = parseAuthorizedKeys(key.publicLine).entries;
    const publicKey = publicKeyFromBlob(sig.publicKey);

    const full = () => authenticate({ keys, challenge, signature: armored, peerAddress: "127.0.0.1", now }).ok;
    rows.push([kind, "node:crypto, full authenticate()", fmt(opsPerSecond(full))]);
    rows.push([kind, "node:crypto, signature only", fmt(opsPerSecond(() => verifySignature(publicKey, sig.signature, data).ok))]);

    if (kind === "ed25519") {
      const inner = new WireReader(sig.signature);
      inner.readString();
      const rawSig = inner.readBytes();
      const rawKey = new WireReader(sig.publicKey);
      rawKey.readString();
      const point = rawKey.readBytes();
      rows.push([kind, "@noble/ed25519 verify", fmt(opsPerSecond(() => ed.verify(rawSig, data, point)))]);
      const sshpkKey = sshpk.parseKey(key.publicLine, "ssh");
      const sshpkSig = sshpk.parseSignature(Buffer.from(sig.signature), "ed25519", "ssh");
      rows.push([
        kind,
        "sshpk verify",
        fmt(
          opsPerSecond(() => {
            const verifier = sshpkKey.createVerify("sha512");
            verifier.update(Buffer.from(data));
            return verifier.verify(sshpkSig);
          }),
        ),
      ]);
    }
  }
} finally {
  removeTempDir(dir);
}

const runtime =
  typeof (globalThis as { Deno?: unknown }).Deno !== "undefined"
    ? `Deno ${(globalThis as unknown as { Deno: { version: { deno: string } } }).Deno.version.deno}`
    : `Bun ${(process.versions as Record<string, string>).bun}`;
console.log(`${runtime}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, single thread\n`);
console.log("| key | method | verifications/s |");
console.log("| --- | --- | ---: |");
for (const row of rows) console.log(`| ${row.join(" | ")} |`);

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}
