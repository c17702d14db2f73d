/**
 * Who else is connected, by name: the devices a relay lists for a session without this client's
 * own device (left out once — a second connection with the same key leaves its name in the
 * list, collapsed by the relay into one). Pure; used by the terminal and the web app.
 *
 * @example
 * ```ts
 * otherDevices(["me@laptop", "phone"], "phone"); // ["me@laptop"]
 * otherDevices(undefined, "phone");              // [] (a relay that names no devices)
 * ```
 */
export function otherDevices(devices: readonly string[] | undefined, own: string | undefined): readonly string[] {
  if (!devices) return [];
  const at = own === undefined ? -1 : devices.indexOf(own);
  return at < 0 ? devices : [...devices.slice(0, at), ...devices.slice(at + 1)];
}
