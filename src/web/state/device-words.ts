/**
 * Devices in words for the page (pure): who sent a prompt or answered a permission, and who is
 * connected to the session shown — by the names the relay gives their keys (`phone`,
 * `me@laptop`), the same after a reload. A relay too old to name devices leaves `device` out; the
 * connection id then stands in.
 *
 * @example
 * ```ts
 * authorWords("c1", "phone", (id) => id === "c0");              // "phone"
 * authorWords("c0", "phone", (id) => id === "c0");              // "You"
 * devicesWords({ clients: 2, devices: ["me@laptop", "phone"] }); // { text: "me@laptop, phone", title: "Connected: me@laptop, phone" }
 * devicesWords({ clients: 2, devices: ["Chrome-on-Android", "me@laptop"] }); // { text: "2 devices", title: "Connected: Chrome-on-Android, me@laptop" }
 * ```
 */

/** Longest list of names shown in the top bar itself; a longer one is counted (the title names them). */
export const MAX_DEVICES_TEXT = 20;

/**
 * Who sent a prompt or resolved a permission: "You" for this page's own connections, Claude, the
 * relay, else the device's name.
 *
 * @example
 * authorWords("3f9a0c1e-…", undefined, () => false) // "Another device (3f9a0c1e)"
 */
export function authorWords(by: string, device: string | undefined, isOwn: (clientId: string) => boolean): string {
  if (isOwn(by)) return "You";
  if (by === "claude") return "Claude";
  if (by === "relay") return "the relay";
  return device ?? `Another device (${by.slice(0, 8)})`;
}

/**
 * Who is connected to the session, for the top bar: nothing when this page is alone, else the
 * devices' names when they fit (counted when they do not), with every name in `title`. Two tabs
 * with one key are one device with two connections.
 *
 * @example
 * devicesWords({ clients: 3, devices: ["phone"] }) // { text: "3 connections", title: "Connected: phone (3 connections)" }
 */
export function devicesWords(status: { clients: number; devices?: readonly string[] }): { text: string; title: string } | undefined {
  const { clients, devices } = status;
  if (clients <= 1) return undefined;
  if (!devices || devices.length === 0) return { text: `${clients} devices`, title: `${clients} devices connected` };
  const names = devices.join(", ");
  const connections = clients > devices.length ? ` (${clients} connections)` : "";
  const title = `Connected: ${names}${connections}`;
  if (devices.length === 1) return { text: `${clients} connections`, title };
  return { text: names.length <= MAX_DEVICES_TEXT ? names : `${devices.length} devices`, title };
}
