/** Web Push from a relay process on Bun and on Deno (test/support/push-process.ts); the compiled binary's run is in test/build/binary.test.ts. */
import { BUN } from "../support/cli-process.ts";
import { describeWebPushFlow } from "../support/push-process.ts";
import { CLI_PATH, DENO } from "../support/relay-process.ts";

describeWebPushFlow("Bun", [BUN, CLI_PATH]);
describeWebPushFlow("Deno", [DENO, "run", "-A", CLI_PATH]);
