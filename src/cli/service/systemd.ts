/**
 * The relay as a systemd user service (Linux): the unit file, the environment file beside it that
 * carries Claude's credentials (mode 0600: the unit itself is world-readable), and the
 * `systemctl --user` commands that load, start, stop and unload it. Pure: no I/O.
 *
 * @example
 * ```ts
 * const plan = systemdPlan({ home: "/home/me", env: process.env });
 * plan.file;    // "/home/me/.config/systemd/user/claude-relay.service"
 * plan.render(spec); // [{ path: ".../claude-relay.service", mode: 0o644, … }, { path: ".../claude-relay.env", mode: 0o600, … }]
 * ```
 */
import { dirname, isAbsolute, join } from "node:path";
import { GENERATED_MARKER, type ServiceCommand, type ServicePlan, type ServiceSpec } from "./spec.ts";

export const SYSTEMD_UNIT = "claude-relay.service";
export const SYSTEMD_ENV_FILE = "claude-relay.env";

/**
 * One word of a unit file's command line or assignment, quoted so systemd reads it back verbatim:
 * `%` specifiers and `$` variable expansion are escaped, and anything beyond plain characters is
 * double-quoted with C-style escapes.
 */
export function systemdQuote(word: string): string {
  if (word === ";") return "\\;"; // a lone ";" would separate two commands
  const escaped = word.replace(/%/g, "%%").replace(/\$/g, "$$$$");
  if (/^[\w@%+=:,./$-]+$/.test(escaped)) return escaped;
  return `"${escaped.replace(/[\\"\n\t\r]/g, (c) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r" })[c]!)}"`;
}

/** A path value (WorkingDirectory=): taken literally apart from `%` specifiers. */
function systemdPath(path: string): string {
  if (/[\n\r]/.test(path)) throw new Error(`a path with a line break cannot go in a systemd unit: ${JSON.stringify(path)}`);
  return path.replace(/%/g, "%%");
}

/** `$XDG_CONFIG_HOME/systemd/user/claude-relay.service`, else under `~/.config`. */
export function systemdUnitPath(home: string, env: Record<string, string | undefined>): string {
  const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, ".config");
  return join(config, "systemd", "user", SYSTEMD_UNIT);
}

/** The environment file beside the unit: the credentials install carried (mode 0600). */
export function systemdEnvironmentPath(unitPath: string): string {
  return join(dirname(unitPath), SYSTEMD_ENV_FILE);
}

/**
 * The environment file's text: one `NAME='value'` line per variable. systemd reads single-quoted
 * text literally (no escapes, no `$` expansion); a value holding `'` is double-quoted instead,
 * with the characters that are special there (`"`, `\`, `` ` ``, `$`) escaped.
 */
export function renderSystemdEnvironment(environment: Record<string, string>): string {
  const quote = (value: string) => (value.includes("'") ? `"${value.replace(/["\\`$]/g, (c) => `\\${c}`)}"` : `'${value}'`);
  return [
    `# ${GENERATED_MARKER}; remove with \`claude-relay uninstall\`.`,
    "# The variables Claude needs to authenticate, taken from the environment install ran in.",
    "# Running install again rewrites this file.",
    ...Object.entries(environment).map(([name, value]) => `${name}=${quote(value)}`),
    "",
  ].join("\n");
}

/** The unit file text; `environmentFile` holds the carried variables. */
export function renderSystemdUnit(spec: ServiceSpec, environmentFile: string): string {
  return [
    `# ${GENERATED_MARKER}; remove with \`claude-relay uninstall\`.`,
    "[Unit]",
    `Description=${spec.description.replace(/%/g, "%%").replace(/\n/g, " ")}`,
    "After=network-online.target",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${[spec.program, ...spec.args].map(systemdQuote).join(" ")}`,
    // `systemctl --user reload` re-reads a renewed certificate without dropping anyone.
    ...(spec.reloadsOnHangup ? ["ExecReload=/bin/kill -HUP $MAINPID"] : []),
    `WorkingDirectory=${systemdPath(spec.workingDirectory)}`,
    `Environment=${systemdQuote(`PATH=${spec.path}`)}`,
    `EnvironmentFile=${systemdPath(environmentFile)}`,
    "Restart=on-failure",
    "RestartSec=5s",
    // SIGTERM to the relay only: it closes clients with 1001 and ends Claude's process group itself;
    // anything left after the timeout is killed.
    "KillMode=mixed",
    "TimeoutStopSec=15s",
    "",
    "[Install]",
    "WantedBy=default.target",
    "",
  ].join("\n");
}

const systemctl = (...args: string[]): ServiceCommand => ({ argv: ["systemctl", "--user", ...args] });

export function systemdPlan(context: { home: string; env: Record<string, string | undefined> }): ServicePlan {
  const file = systemdUnitPath(context.home, context.env);
  const environmentFile = systemdEnvironmentPath(file);
  return {
    manager: "systemd",
    file,
    files: [file, environmentFile],
    render: (spec) => [
      { path: file, content: renderSystemdUnit(spec, environmentFile), mode: 0o644 },
      { path: environmentFile, content: renderSystemdEnvironment(spec.environment), mode: 0o600 },
    ],
    directories: [],
    installCommands: (replacing) =>
      replacing
        ? [systemctl("daemon-reload"), systemctl("enable", SYSTEMD_UNIT), systemctl("restart", SYSTEMD_UNIT)]
        : [systemctl("daemon-reload"), systemctl("enable", "--now", SYSTEMD_UNIT)],
    stopCommands: [{ ...systemctl("disable", "--now", SYSTEMD_UNIT), mayFail: true }],
    cleanupCommands: [{ ...systemctl("daemon-reload"), mayFail: true }],
    notes: [
      `Status:  systemctl --user status ${SYSTEMD_UNIT}`,
      `Logs:    journalctl --user -u ${SYSTEMD_UNIT} -f   (one JSON object per line)`,
      "To keep it running while you are logged out: loginctl enable-linger $USER",
    ],
  };
}
