/**
 * Which SSH key `claude-relay connect` signs with, chosen as `ssh` chooses: `--identity` (through
 * ssh-agent when the agent holds it, else the file), else ssh-agent's first key, else the first of
 * ~/.ssh/id_ed25519, id_ecdsa, id_rsa that exists.
 *
 * @example
 * ```ts
 * const signer = await openDefaultSigner(undefined, process.env, homedir());
 * ```
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { agentSigner, type ChallengeSigner, keyFileSigner, openSigner, SignerError } from "../../client/signer.ts";
import { SshAgentError } from "../../client/ssh-agent.ts";
import { expandPath } from "../expand-path.ts";

/** Keys tried, in order, when neither --identity nor an ssh-agent key is there (as ssh does). */
const DEFAULT_KEY_FILES = ["id_ed25519", "id_ecdsa", "id_rsa"] as const;

/**
 * `--identity` as a path: `~` is the home directory.
 *
 * @example
 * identityPath("~/.ssh/id_ecdsa", "/home/me"); // "/home/me/.ssh/id_ecdsa"
 */
export function identityPath(identity: string, home: string): string {
  return expandPath(identity, { home, cwd: process.cwd() });
}

/**
 * The signer for `identity` (a path, `~` allowed), or the default key. Throws SignerError saying
 * what was tried and what to do.
 *
 * @example
 * const signer = await openDefaultSigner("~/.ssh/id_ecdsa", process.env, homedir());
 */
export async function openDefaultSigner(identity: string | undefined, env: Record<string, string | undefined>, home: string): Promise<ChallengeSigner> {
  const socketPath = env.SSH_AUTH_SOCK || undefined;
  if (identity !== undefined) return openSigner({ identity: identityPath(identity, home), socketPath });
  if (socketPath) {
    try {
      return await agentSigner({ socketPath });
    } catch (error) {
      if (!(error instanceof SignerError || error instanceof SshAgentError)) throw error;
    }
  }
  const file = DEFAULT_KEY_FILES.map((name) => join(home, ".ssh", name)).find((path) => existsSync(path));
  if (file) return keyFileSigner(file);
  throw new SignerError(
    `no SSH key to sign with: ${socketPath ? "ssh-agent holds none" : "SSH_AUTH_SOCK is not set"} and there is no ~/.ssh/${DEFAULT_KEY_FILES.join(", ~/.ssh/")}; ` +
      "make one with `ssh-keygen -t ed25519` (then add the line of ~/.ssh/id_ed25519.pub to the relay's authorized_keys), or pass --identity KEY (or ssh-add one)",
  );
}
