/**
 * Signs auth challenges with the device key in the page itself: an SSHSIG (namespace
 * claude-relay, sha512) byte-identical in format to `ssh-keygen -Y sign`, made with WebCrypto.
 *
 * @example
 * ```ts
 * const signer = browserSigner(deviceKey);
 * const armored = await signer.sign(challenge); // "-----BEGIN SSH SIGNATURE-----\n…"
 * ```
 */
import type { ChallengeSigner } from "../../client/signer.ts";
import { AUTH_NAMESPACE } from "../../protocol/messages.ts";
import { ecdsaSignatureBlob, ed25519SignatureBlob } from "../../ssh/signature-blob.ts";
import { signSshsig } from "../../ssh/sshsig-encode.ts";
import type { DeviceKey } from "./device-key.ts";

const encoder = new TextEncoder();

/** A {@link ChallengeSigner} over the device key (WebCrypto; the private key never leaves it). */
export function browserSigner(
  key: Pick<DeviceKey, "algorithm" | "privateKey" | "publicBlob" | "fingerprint">,
  subtle: SubtleCrypto = crypto.subtle,
): ChallengeSigner {
  const rawSign = async (data: Uint8Array): Promise<Uint8Array> => {
    const bytes = data as Uint8Array<ArrayBuffer>;
    if (key.algorithm === "ed25519") return ed25519SignatureBlob(new Uint8Array(await subtle.sign({ name: "Ed25519" }, key.privateKey, bytes)));
    // WebCrypto hashes with SHA-256 itself (as ecdsa-sha2-nistp256 requires) and returns r ‖ s.
    return ecdsaSignatureBlob("nistp256", new Uint8Array(await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key.privateKey, bytes)));
  };
  return {
    publicKey: key.publicBlob,
    fingerprint: key.fingerprint,
    source: "browser",
    close: () => {},
    sign: (message) =>
      signSshsig({
        publicKey: key.publicBlob,
        namespace: AUTH_NAMESPACE,
        hashAlgorithm: "sha512",
        message: typeof message === "string" ? encoder.encode(message) : message,
        digest: async (bytes) => new Uint8Array(await subtle.digest("SHA-512", bytes as Uint8Array<ArrayBuffer>)),
        rawSign,
      }),
  };
}
