/**
 * The iOS configuration profile that offers the relay's local CA (`GET /ca.mobileconfig`): one
 * `com.apple.security.root` payload holding the CA's DER. Opening it on an iPhone offers to
 * install the profile (Settings → General → VPN & Device Management), after which the CA must be
 * enabled for full trust (Settings → General → About → Certificate Trust Settings). The UUIDs are
 * derived from the certificate, so installing the same CA again replaces the profile instead of
 * adding a second one. Pure.
 *
 * @example
 * ```ts
 * const xml = caMobileconfig(certificateDer(caPem), "laptop");
 * // <?xml …?><!DOCTYPE plist …><plist version="1.0"><dict>…<key>PayloadType</key><string>Configuration</string>…
 * ```
 */
import { createHash } from "node:crypto";

/** The profile for CA certificate `der` of the relay on `hostname`. */
export function caMobileconfig(der: Uint8Array, hostname: string): string {
  const digest = createHash("sha256").update(der).digest("hex");
  const name = escapeXml(`claude-relay CA for ${hostname}`);
  const id = `claude-relay.ca.${digest.slice(0, 16)}`;
  const base64 = Buffer.from(der)
    .toString("base64")
    .match(/.{1,64}/g)!
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>PayloadCertificateFileName</key>
      <string>claude-relay-ca.cer</string>
      <key>PayloadContent</key>
      <data>
${base64}
      </data>
      <key>PayloadDescription</key>
      <string>Lets this device trust the claude-relay on ${escapeXml(hostname)}; the certificate can vouch only for that machine's names and addresses.</string>
      <key>PayloadDisplayName</key>
      <string>${name}</string>
      <key>PayloadIdentifier</key>
      <string>${id}.certificate</string>
      <key>PayloadType</key>
      <string>com.apple.security.root</string>
      <key>PayloadUUID</key>
      <string>${uuidOf(digest, 0)}</string>
      <key>PayloadVersion</key>
      <integer>1</integer>
    </dict>
  </array>
  <key>PayloadDisplayName</key>
  <string>${name}</string>
  <key>PayloadIdentifier</key>
  <string>${id}</string>
  <key>PayloadRemovalDisallowed</key>
  <false/>
  <key>PayloadType</key>
  <string>Configuration</string>
  <key>PayloadUUID</key>
  <string>${uuidOf(digest, 32)}</string>
  <key>PayloadVersion</key>
  <integer>1</integer>
</dict>
</plist>
`;
}

/** A UUID-shaped string from 32 hex digits of `digest` at `offset`. */
function uuidOf(digest: string, offset: number): string {
  const hex = digest.slice(offset, offset + 32).toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
