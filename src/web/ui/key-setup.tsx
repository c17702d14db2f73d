/**
 * The device key as the user needs it to authorize the device: the authorized_keys line (copy
 * button), the fingerprint as `ssh-keygen -l` prints it, and the one command to add it. Shown
 * until the relay accepts the key, and in the menu afterwards.
 *
 * @example
 * ```tsx
 * <KeySetup deviceKey={key} actions={actions} />
 * ```
 */
import type { DeviceKey } from "../key/device-key.ts";
import { authorizeCommand } from "../key/ssh-public-key.ts";
import type { Actions } from "./actions.ts";
import { CopyButton } from "./copy-button.tsx";

export function KeyDetails({ deviceKey }: { deviceKey: DeviceKey }) {
  const command = authorizeCommand(deviceKey.line);
  return (
    <div class="key-details">
      <h3>Public key (authorized_keys line)</h3>
      <pre class="copyable" data-testid="key-line">
        {deviceKey.line}
      </pre>
      <CopyButton text={deviceKey.line} label="Copy key" />
      <h3>Fingerprint</h3>
      <pre class="copyable" data-testid="key-fingerprint">
        {deviceKey.listing}
      </pre>
      <h3>Add it on the computer running claude-relay</h3>
      <pre class="copyable" data-testid="key-command">
        {command}
      </pre>
      <CopyButton text={command} label="Copy command" />
    </div>
  );
}

export function KeySetup({ deviceKey, actions }: { deviceKey: DeviceKey; actions: Actions }) {
  return (
    <section class="panel key-setup" aria-labelledby="key-setup-title">
      <h2 id="key-setup-title">Authorize this device</h2>
      <p>
        This browser made its own SSH key; its private half never leaves this device. The relay lets it in once the key is in the relay's{" "}
        <code>authorized_keys</code> (<code>~/.ssh/authorized_keys</code>, or the file given with <code>--authorized-keys</code>). This page logs in by itself
        as soon as it is there.
      </p>
      <KeyDetails deviceKey={deviceKey} />
      <div class="actions">
        <button type="button" onClick={() => actions.retry()}>
          I added it: log in now
        </button>
        <button type="button" class="danger" onClick={() => actions.forgetKey()}>
          Forget this device's key
        </button>
      </div>
    </section>
  );
}
