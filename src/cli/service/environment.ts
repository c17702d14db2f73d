/**
 * Which of the installing shell's variables the service needs so that Claude can authenticate:
 * a service starts with an almost empty environment, so an `ANTHROPIC_API_KEY` that works in the
 * shell would be lost. Pure: no I/O.
 *
 * Carried: every `ANTHROPIC_*` variable (API key, auth token, base URL, model, Vertex project…),
 * `CLAUDE_CONFIG_DIR` (where Claude keeps its login), `CLAUDE_CODE_OAUTH_TOKEN` (from
 * `claude setup-token`), the provider switches `CLAUDE_CODE_USE_*` / `CLAUDE_CODE_SKIP_*_AUTH`
 * (Bedrock, Vertex, Foundry, …), and, when a provider switch is set, that cloud's own credentials
 * (`AWS_*` for Bedrock, `GOOGLE_*`/`CLOUD_ML_REGION`/`VERTEX_REGION_*` for Vertex). Not carried:
 * session-bound variables such as `CLAUDE_CODE_ENTRYPOINT` or `CLAUDE_CODE_SSE_PORT`, which are
 * set when install runs inside Claude Code and would mislead the service's Claude.
 *
 * @example
 * ```ts
 * serviceEnvironment({ ANTHROPIC_API_KEY: "sk-…", HOME: "/home/me", CLAUDE_CODE_ENTRYPOINT: "cli" });
 * // { ANTHROPIC_API_KEY: "sk-…" }
 * ```
 */

const PROVIDERS = "BEDROCK|VERTEX|FOUNDRY|MANTLE|ANTHROPIC_AWS";
const ALWAYS = new RegExp(
  `^(ANTHROPIC_[A-Z0-9_]+|CLAUDE_CONFIG_DIR|CLAUDE_CODE_OAUTH_TOKEN|CLAUDE_CODE_USE_(${PROVIDERS})|CLAUDE_CODE_SKIP_(${PROVIDERS})_AUTH|CLAUDE_CODE_API_KEY_HELPER_TTL_MS)$`,
);
/** A cloud's own credentials and region, carried only when Claude is told to use that cloud. */
const CLOUD: Record<string, RegExp> = {
  CLAUDE_CODE_USE_BEDROCK: /^AWS_[A-Z0-9_]+$/,
  CLAUDE_CODE_USE_ANTHROPIC_AWS: /^AWS_[A-Z0-9_]+$/,
  CLAUDE_CODE_USE_VERTEX: /^(GOOGLE_[A-Z0-9_]+|CLOUD_ML_REGION|VERTEX_REGION_[A-Z0-9_]+)$/,
};

/** Variables that by themselves let Claude authenticate (a stored login is the other way). */
const CREDENTIALS = new RegExp(`^(ANTHROPIC_API_KEY|ANTHROPIC_AUTH_TOKEN|CLAUDE_CODE_OAUTH_TOKEN|CLAUDE_CODE_USE_(${PROVIDERS}))$`);

/** The variables to carry into the service, by name in sorted order; empty values are left out. */
export function serviceEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const set = Object.keys(env).filter((name) => env[name] !== undefined && env[name] !== "");
  const clouds = Object.entries(CLOUD)
    .filter(([switchName]) => set.includes(switchName))
    .map(([, pattern]) => pattern);
  const carried = set.filter((name) => ALWAYS.test(name) || clouds.some((pattern) => pattern.test(name))).sort();
  return Object.fromEntries(carried.map((name) => [name, env[name]!]));
}

/**
 * True when the carried variables are enough for Claude to authenticate without a stored login.
 *
 * @example
 * ```ts
 * hasCredentialVariables({ ANTHROPIC_BASE_URL: "http://proxy" }); // false
 * hasCredentialVariables({ ANTHROPIC_API_KEY: "sk-…" }); // true
 * ```
 */
export function hasCredentialVariables(carried: Record<string, string>): boolean {
  return Object.keys(carried).some((name) => CREDENTIALS.test(name));
}
