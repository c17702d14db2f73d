/**
 * The relay on Deno: `deno run -A src/cli.ts serve` (Deno.serve, hono/deno WebSockets,
 * node:child_process for Claude) through the same end-to-end flows as the other runtimes.
 */
import { CLI_PATH, DENO, describeRelayProcessFlows } from "../support/relay-process.ts";

describeRelayProcessFlows("Deno", [DENO, "run", "-A", CLI_PATH]);
