/**
 * The relay on Deno with `--tls`: Deno.serve with the self-signed certificate made through
 * @peculiar/x509 on Deno's WebCrypto, and SIGHUP, which on Deno closes open connections (1001)
 * because Deno cannot release a listener without closing the WebSockets it upgraded.
 */
import { CLI_PATH, DENO, describeTlsProcessFlows } from "../support/relay-process.ts";

describeTlsProcessFlows("Deno", [DENO, "run", "-A", CLI_PATH], false);
