import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { protocolJsonSchema } from "../../src/protocol/json-schema.ts";
import { clientMessages, serverMessages } from "../../src/protocol/messages.ts";

test("docs/protocol.schema.json is generated from the schemas the relay validates with", () => {
  const committed = JSON.parse(readFileSync(join(import.meta.dir, "..", "..", "docs", "protocol.schema.json"), "utf8"));
  expect(committed).toEqual(protocolJsonSchema()); // if this fails: bun scripts/gen-schema.ts
});

test("every message type has a definition and requires its type", () => {
  const defs = protocolJsonSchema().$defs as Record<string, { required?: string[]; properties?: Record<string, unknown> }>;
  for (const type of Object.keys(clientMessages)) expect(defs[`client.${type}`]?.properties?.type).toEqual({ const: type });
  for (const type of Object.keys(serverMessages)) expect(defs[`server.${type}`]?.required).toContain("type");
});

test("docs/protocol.md documents every message type and error code", () => {
  const doc = readFileSync(join(import.meta.dir, "..", "..", "docs", "protocol.md"), "utf8");
  for (const type of [...Object.keys(clientMessages), ...Object.keys(serverMessages)]) expect(doc).toContain(`"type":"${type}"`);
  for (const code of require("../../src/protocol/errors.ts").ERROR_CODES) expect(doc).toContain(code);
});
