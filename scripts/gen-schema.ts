/** Writes docs/protocol.schema.json from src/protocol (run: bun scripts/gen-schema.ts). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { protocolJsonSchema } from "../src/protocol/json-schema.ts";

const target = join(import.meta.dir, "..", "docs", "protocol.schema.json");
writeFileSync(target, `${JSON.stringify(protocolJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
