/**
 * Pairing through a `claude-relay pair` link: the name this device asks to be added under
 * (editable; the one `pair --name` put in the link, else a guess from the browser), its key's
 * fingerprint to compare with what `pair` shows on the computer, then where it stands —
 * connecting, waiting for confirmation on the computer, approved and logging in — or why it
 * failed and what to do.
 *
 * @example
 * ```tsx
 * <PairPanel deviceKey={key} pairing={store.pairing.value} actions={actions} />
 * ```
 */
import { useState } from "preact/hooks";
import type { DeviceKey } from "../key/device-key.ts";
import { SSH_KEY_TYPES } from "../key/ssh-public-key.ts";
import type { PairingView } from "../state/store.ts";
import type { Actions } from "./actions.ts";

/** Where pairing stands, in words (the top bar says the same). */
export const PHASE_WORDS: Record<PairingView["phase"], string> = {
  ready: "Pairing this device",
  connecting: "Connecting to the relay…",
  waiting: "Waiting for confirmation on your computer…",
  approved: "Approved: logging in…",
  failed: "Not paired",
};

export function PairPanel({ deviceKey, pairing, actions }: { deviceKey: DeviceKey; pairing: PairingView; actions: Actions }) {
  const [name, setName] = useState(pairing.name);
  const fingerprint = `${SSH_KEY_TYPES[deviceKey.algorithm]} ${deviceKey.fingerprint}`;
  return (
    <section class="panel pair" aria-labelledby="pair-title" data-testid="pairing">
      <h2 id="pair-title">Pair this device</h2>
      {pairing.phase === "ready" && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void actions.pair(name.trim());
          }}
        >
          <p>
            This link from <code>claude-relay pair</code> adds this browser's key to the computer's <code>authorized_keys</code>. The key was made here; its
            private half never leaves this device.
          </p>
          <label class="field">
            Name for this device
            <input type="text" value={name} maxLength={64} autocomplete="off" onInput={(event) => setName(event.currentTarget.value)} />
          </label>
          <h3>Its key's fingerprint</h3>
          <pre class="copyable" data-testid="pair-fingerprint">
            {fingerprint}
          </pre>
          <div class="actions">
            <button type="submit">Pair this device</button>
          </div>
        </form>
      )}
      {(pairing.phase === "connecting" || pairing.phase === "waiting" || pairing.phase === "approved") && (
        <div role="status" data-testid="pair-waiting" data-phase={pairing.phase}>
          <p>
            <strong>{PHASE_WORDS[pairing.phase]}</strong>
          </p>
          {pairing.phase !== "approved" && (
            <p>
              Check that <code>claude-relay pair</code> shows this fingerprint before you answer y there:
            </p>
          )}
          <pre class="copyable" data-testid="pair-fingerprint">
            {fingerprint}
          </pre>
        </div>
      )}
      {pairing.phase === "failed" && (
        <div role="alert" data-testid="pair-failed">
          <p>{pairing.error}</p>
          <p>
            A pairing link works once, for 10 minutes. Run <code>claude-relay pair</code> on the computer again and open the new link, or add this device's key
            by hand.
          </p>
          <div class="actions">
            <button type="button" class="secondary" onClick={() => actions.skipPairing()}>
              Show this device's key
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
