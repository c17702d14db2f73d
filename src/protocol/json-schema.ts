/**
 * The wire protocol as one JSON Schema document (draft 2020-12), built from the same schemas the
 * relay validates with. `scripts/gen-schema.ts` writes it to docs/protocol.schema.json and a
 * test keeps the committed file in step.
 *
 * @example
 * ```ts
 * const schema = protocolJsonSchema();
 * schema.$defs["client.prompt"]; // { type: "object", properties: { type: { const: "prompt" }, … } }
 * ```
 */
import { clientMessages, serverMessages } from "./messages.ts";
import type { JsonSchema } from "./schema.ts";

export function protocolJsonSchema(): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  for (const [type, schema] of Object.entries(clientMessages)) defs[`client.${type}`] = schema.toJsonSchema();
  for (const [type, schema] of Object.entries(serverMessages)) defs[`server.${type}`] = schema.toJsonSchema();
  const refs = (prefix: string) =>
    Object.keys(defs)
      .filter((name) => name.startsWith(prefix))
      .map((name) => ({ $ref: `#/$defs/${name}` }));
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "urn:claude-relay:protocol:1",
    title: "claude-relay wire protocol v1",
    description: "One JSON object per WebSocket text frame. clientMessage: what clients send; serverMessage: what the relay sends.",
    $defs: { ...defs, clientMessage: { oneOf: refs("client.") }, serverMessage: { oneOf: refs("server.") } },
  };
}
