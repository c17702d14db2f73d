/**
 * An ed25519 key-file signer on node:crypto, producing the same SSHSIG as src/client/signer.ts's
 * keyFileSigner (which signs ed25519 with @noble/ed25519). Benchmarks use it to show what the
 * client-side signing costs with native crypto: on this machine ~70,000 signatures/s against
 * ~3,000/s for @noble — so with @noble the benchmark clients, not the relay, are the bottleneck.
 *
 * @example
 * ```ts
 * const signer = nativeEd25519Signer("/tmp/id_ed25519");
 * ws.send(JSON.stringify({ type: "auth.response", signature: await signer.sign(challenge) }));
 * ```
 */
import { createPrivateKey, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import sshpk from "sshpk";
import type { ChallengeSigner } from "../../src/client/signer.ts";
import { AUTH_NAMESPACE } from "../../src/protocol/messages.ts";
import { fingerprintOf } from "../../src/ssh/public-key.ts";
import { armorSignature, encodeSignatureBlob, signedData } from "../../src/ssh/sshsig.ts";
import { WireWriter } from "../../src/ssh/wire.ts";

export function nativeEd25519Signer(path: string): ChallengeSigner {
  const key = sshpk.parsePrivateKey(readFileSync(path), "auto", { filename: path });
  if (key.type !== "ed25519") throw new Error(`${path}: not an ed25519 key`);
  const parts = key.part as unknown as Record<string, { data: Buffer }>;
  const seed = parts.k!.data.subarray(0, 32);
  const point = parts.A!.data;
  const privateKey = createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d: seed.toString("base64url"), x: point.toString("base64url") }, format: "jwk" });
  const publicKey = new Uint8Array(key.toPublic().toBuffer("rfc4253", {}));
  const encoder = new TextEncoder();
  return {
    publicKey,
    fingerprint: fingerprintOf(publicKey),
    source: "file",
    close: () => {},
    async sign(message) {
      const bytes = typeof message === "string" ? encoder.encode(message) : message;
      const data = signedData(AUTH_NAMESPACE, "sha512", bytes);
      const signature = new WireWriter()
        .string("ssh-ed25519")
        .string(sign(null, data, privateKey))
        .toBytes();
      return armorSignature(encodeSignatureBlob({ publicKey, namespace: AUTH_NAMESPACE, reserved: new Uint8Array(0), hashAlgorithm: "sha512", signature }));
    },
  };
}
