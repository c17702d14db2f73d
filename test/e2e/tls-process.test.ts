/**
 * `bun src/cli.ts serve --tls` as its own process: the printed fingerprint, wss end to end, and a
 * real SIGHUP picking up a renewed certificate while open connections carry on.
 */
import { CLI } from "../support/cli-process.ts";
import { describeTlsProcessFlows } from "../support/relay-process.ts";

describeTlsProcessFlows("Bun", CLI, true);
