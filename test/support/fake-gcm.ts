/**
 * A local stand-in for the Google services Chromium's Web Push registers with (the network here
 * is closed), so `PushManager.subscribe()` in the real browser returns a real subscription: its
 * own P-256 key and auth secret made by Chromium, an endpoint naming the token given here.
 * Chromium is pointed at it with its own switches (`--gcm-checkin-url`, `--gcm-registration-url`,
 * and an MCS endpoint that refuses, so no message channel is opened):
 * - **checkin**: the device's first contact; answered with an `AndroidCheckinResponse` protobuf
 *   (`stats_ok`, `android_id`, `security_token`), the three fields Chromium requires;
 * - **register**: one form POST per subscription (`app`, `sender` = the VAPID key, `X-subtype` =
 *   the origin …, `Authorization: AidLogin <android_id>:<security_token>`); answered `token=<t>`.
 * Pushes never pass through it: the tests deliver them through the DevTools protocol.
 *
 * @example
 * ```ts
 * const gcm = await startFakeGcm();
 * const phone = await openPersistentPhone(url, profileDir, gcm.chromiumArgs);
 * // … subscribe in the page …
 * gcm.registrations[0]!.sender; // the VAPID key the page subscribed with
 * gcm.stop();
 * ```
 */

export interface GcmRegistration {
  /** The form fields Chromium sent. */
  fields: Record<string, string>;
  /** `sender`: for Web Push, the applicationServerKey in base64url. */
  sender: string;
  token: string;
}

export interface FakeGcm {
  /** Chromium switches that send its push registration here. */
  chromiumArgs: string[];
  /** Web Push registrations so far (Chromium's own GCM registration, app `com.google.android.gms`, left out). */
  registrations: GcmRegistration[];
  checkins: number;
  stop(): void;
}

const ANDROID_ID = 5_551_234_567n;
const SECURITY_TOKEN = 9_876_543_210n;

export async function startFakeGcm(): Promise<FakeGcm> {
  const registrations: GcmRegistration[] = [];
  let checkins = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      if (path === "/checkin") {
        checkins++;
        return new Response(checkinResponse(), { headers: { "content-type": "application/x-protobuf" } });
      }
      if (path !== "/register") return new Response("not found", { status: 404 });
      if (request.headers.get("authorization") !== `AidLogin ${ANDROID_ID}:${SECURITY_TOKEN}`) return new Response("Error=AUTHENTICATION_FAILED");
      const fields = Object.fromEntries(new URLSearchParams(await request.text()));
      const token = `fake-${crypto.randomUUID()}`;
      if (fields.app !== "com.google.android.gms") registrations.push({ fields, sender: fields.sender ?? "", token });
      return new Response(`token=${token}`);
    },
  });
  const base = `http://127.0.0.1:${server.port}`;
  return {
    chromiumArgs: [`--gcm-checkin-url=${base}/checkin`, `--gcm-registration-url=${base}/register`, "--gcm-mcs-endpoint=https://127.0.0.1:1"],
    registrations,
    get checkins() {
      return checkins;
    },
    stop: () => void server.stop(true),
  };
}

/** `AndroidCheckinResponse { stats_ok = 1: true; android_id = 7: fixed64; security_token = 8: fixed64 }`. */
function checkinResponse(): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(2 + 9 + 9);
  const view = new DataView(bytes.buffer);
  bytes.set([0x08, 0x01, 0x39]); // field 1 varint = 1; field 7, wire type 1 (64-bit)
  view.setBigUint64(3, ANDROID_ID, true);
  bytes[11] = 0x41; // field 8, wire type 1
  view.setBigUint64(12, SECURITY_TOKEN, true);
  return bytes;
}
