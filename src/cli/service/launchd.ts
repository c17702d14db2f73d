/**
 * The relay as a launchd agent (macOS): the property list (mode 0600 when it carries credentials)
 * and the `launchctl` commands that bootstrap it into and boot it out of the user's GUI domain.
 * Pure: no I/O.
 *
 * @example
 * ```ts
 * const plan = launchdPlan({ home: "/Users/me", uid: 501 });
 * plan.file; // "/Users/me/Library/LaunchAgents/dev.claude-relay.agent.plist"
 * ```
 */
import { join } from "node:path";
import { GENERATED_MARKER, type ServicePlan, type ServiceSpec } from "./spec.ts";

export const LAUNCHD_LABEL = "dev.claude-relay.agent";

/** Escapes text for an XML element; characters XML 1.0 cannot carry at all are refused. */
export function xmlEscape(text: string): string {
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(text))
    throw new Error(`a control character cannot go in a property list: ${JSON.stringify(text)}`);
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** `~/Library/Logs/claude-relay`: where the agent's stdout and stderr go. */
export function launchdLogDir(home: string): string {
  return join(home, "Library", "Logs", "claude-relay");
}

/**
 * The property list text (`spec.description` has no place in a plist and is left out). The
 * carried credentials go in EnvironmentVariables beside PATH.
 */
export function renderLaunchdPlist(spec: ServiceSpec, home: string): string {
  const string = (text: string) => `<string>${xmlEscape(text)}</string>`;
  const logs = launchdLogDir(home);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    `<!-- ${GENERATED_MARKER}; remove with claude-relay uninstall. -->`,
    '<plist version="1.0">',
    "<dict>",
    "  <key>Label</key>",
    `  ${string(LAUNCHD_LABEL)}`,
    "  <key>ProgramArguments</key>",
    "  <array>",
    ...[spec.program, ...spec.args].map((arg) => `    ${string(arg)}`),
    "  </array>",
    "  <key>WorkingDirectory</key>",
    `  ${string(spec.workingDirectory)}`,
    "  <key>EnvironmentVariables</key>",
    "  <dict>",
    ...Object.entries({ PATH: spec.path, ...spec.environment }).flatMap(([name, value]) => [`    <key>${xmlEscape(name)}</key>`, `    ${string(value)}`]),
    "  </dict>",
    "  <key>RunAtLoad</key>",
    "  <true/>",
    // Restarted when it exits with an error; a clean stop (SIGTERM, exit 0) stays stopped.
    "  <key>KeepAlive</key>",
    "  <dict>",
    "    <key>SuccessfulExit</key>",
    "    <false/>",
    "  </dict>",
    "  <key>ThrottleInterval</key>",
    "  <integer>5</integer>",
    "  <key>StandardOutPath</key>",
    `  ${string(join(logs, "claude-relay.out.log"))}`,
    "  <key>StandardErrorPath</key>",
    `  ${string(join(logs, "claude-relay.log"))}`,
    "</dict>",
    "</plist>",
    "",
  ].join("\n");
}

export function launchdPlan(context: { home: string; uid: number }): ServicePlan {
  const file = join(context.home, "Library", "LaunchAgents", `${LAUNCHD_LABEL}.plist`);
  const domain = `gui/${context.uid}`;
  const bootout = { argv: ["launchctl", "bootout", `${domain}/${LAUNCHD_LABEL}`], mayFail: true };
  const logs = launchdLogDir(context.home);
  return {
    manager: "launchd",
    file,
    files: [file],
    // Readable only by the user when it carries credentials.
    render: (spec) => [{ path: file, content: renderLaunchdPlist(spec, context.home), mode: Object.keys(spec.environment).length > 0 ? 0o600 : 0o644 }],
    directories: [logs],
    installCommands: (replacing) => [...(replacing ? [bootout] : []), { argv: ["launchctl", "bootstrap", domain, file] }],
    stopCommands: [bootout],
    cleanupCommands: [],
    notes: [
      `Status:  launchctl print ${domain}/${LAUNCHD_LABEL}`,
      `Logs:    tail -f ${join(logs, "claude-relay.log")}   (one JSON object per line)`,
      "The agent runs while you are logged in and starts again at login.",
    ],
  };
}
