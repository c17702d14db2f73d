/**
 * A tiny schema language for the wire protocol: one definition validates incoming frames and
 * produces the JSON Schema published in docs/protocol.schema.json, so the two cannot drift.
 *
 * Validation builds a fresh object from the declared fields only: unknown fields are ignored and
 * keys such as `__proto__` never reach an object's prototype.
 *
 * @example
 * ```ts
 * const ping = object({ type: literal("ping") }, { id: string({ maxLength: 256 }) });
 * ping.parse({ type: "ping", id: "1" }); // { ok: true, value: { type: "ping", id: "1" } }
 * ping.parse({ type: "ping", id: 5 });   // { ok: false, error: "id must be a string" }
 * ```
 */

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** A JSON Schema fragment (draft 2020-12). */
export type JsonSchema = Record<string, unknown>;

export interface Schema<T> {
  /** Validates `input`; `path` names the field in error messages. */
  parse(input: unknown, path?: string): ParseResult<T>;
  toJsonSchema(): JsonSchema;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = (error: string): ParseResult<never> => ({ ok: false, error });
const describe = (path: string) => path || "message";

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string, optionally bounded in length (UTF-16 code units). */
export function string(bounds: { minLength?: number; maxLength?: number; description?: string } = {}): Schema<string> {
  return {
    parse(input, path = "") {
      if (typeof input !== "string") return fail(`${describe(path)} must be a string`);
      if (bounds.minLength !== undefined && input.length < bounds.minLength) return fail(`${describe(path)} must not be empty`);
      if (bounds.maxLength !== undefined && input.length > bounds.maxLength) return fail(`${describe(path)} must be at most ${bounds.maxLength} characters`);
      return ok(input);
    },
    toJsonSchema: () => ({ type: "string", ...bounds }),
  };
}

/** A safe integer within optional bounds. */
export function integer(bounds: { minimum?: number; maximum?: number; description?: string } = {}): Schema<number> {
  return {
    parse(input, path = "") {
      if (typeof input !== "number" || !Number.isSafeInteger(input)) return fail(`${describe(path)} must be an integer`);
      if (bounds.minimum !== undefined && input < bounds.minimum) return fail(`${describe(path)} must be ≥ ${bounds.minimum}`);
      if (bounds.maximum !== undefined && input > bounds.maximum) return fail(`${describe(path)} must be ≤ ${bounds.maximum}`);
      return ok(input);
    },
    toJsonSchema: () => ({ type: "integer", ...bounds }),
  };
}

/** true or false. */
export function boolean(description?: string): Schema<boolean> {
  return {
    parse: (input, path = "") => (typeof input === "boolean" ? ok(input) : fail(`${describe(path)} must be true or false`)),
    toJsonSchema: () => ({ type: "boolean", ...(description && { description }) }),
  };
}

/** A finite number (not only an integer) within optional bounds, e.g. a cost in dollars. */
export function number(bounds: { minimum?: number; maximum?: number; description?: string } = {}): Schema<number> {
  return {
    parse(input, path = "") {
      if (typeof input !== "number" || !Number.isFinite(input)) return fail(`${describe(path)} must be a number`);
      if (bounds.minimum !== undefined && input < bounds.minimum) return fail(`${describe(path)} must be ≥ ${bounds.minimum}`);
      if (bounds.maximum !== undefined && input > bounds.maximum) return fail(`${describe(path)} must be ≤ ${bounds.maximum}`);
      return ok(input);
    },
    toJsonSchema: () => ({ type: "number", ...bounds }),
  };
}

/** Exactly one of the given string values. */
export function oneOf<const V extends string>(values: readonly V[], description?: string): Schema<V> {
  return {
    parse(input, path = "") {
      if (typeof input === "string" && (values as readonly string[]).includes(input)) return ok(input as V);
      return fail(`${describe(path)} must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}`);
    },
    toJsonSchema: () => ({ enum: [...values], ...(description && { description }) }),
  };
}

/** A single constant, e.g. a message type or a protocol version. */
export function literal<const V extends string | number>(value: V): Schema<V> {
  return {
    parse: (input, path = "") => (input === value ? ok(value) : fail(`${describe(path)} must be ${JSON.stringify(value)}`)),
    toJsonSchema: () => ({ const: value }),
  };
}

/**
 * Any JSON object, kept as data (e.g. a tool's input). Its keys are not interpreted, so a
 * `__proto__` key stays an ordinary own property that only travels back out as JSON.
 */
export function anyObject(description?: string): Schema<Record<string, unknown>> {
  return {
    parse: (input, path = "") => (isPlainObject(input) ? ok(input) : fail(`${describe(path)} must be an object`)),
    toJsonSchema: () => ({ type: "object", ...(description && { description }) }),
  };
}

/** Any JSON value (used for Claude's verbatim events in server-sent messages). */
export function anyValue(description?: string): Schema<unknown> {
  return { parse: (input) => ok(input), toJsonSchema: () => ({ ...(description && { description }) }) };
}

/** An array whose every item matches `item`. */
export function arrayOf<T>(item: Schema<T>, bounds: { maxItems?: number; description?: string } = {}): Schema<T[]> {
  return {
    parse(input, path = "") {
      if (!Array.isArray(input)) return fail(`${describe(path)} must be an array`);
      if (bounds.maxItems !== undefined && input.length > bounds.maxItems) return fail(`${describe(path)} must have at most ${bounds.maxItems} items`);
      const out: T[] = [];
      for (const [index, value] of input.entries()) {
        const result = item.parse(value, `${path}[${index}]`);
        if (!result.ok) return result;
        out.push(result.value);
      }
      return ok(out);
    },
    toJsonSchema: () => ({ type: "array", items: item.toJsonSchema(), ...bounds }),
  };
}

type Shape = Record<string, Schema<unknown>>;
type ObjectOf<R extends Shape, O extends Shape> = { [K in keyof R]: Infer<R[K]> } & { [K in keyof O]?: Infer<O[K]> };

/**
 * An object with `required` and `optional` fields. The result is a new object holding only the
 * declared fields, never the input object itself.
 */
// biome-ignore lint/complexity/noBannedTypes: `{}` is the empty shape: no optional fields, and `keyof {}` is never.
export function object<R extends Shape, O extends Shape = {}>(
  required: R,
  optional: O = {} as O,
  description?: string,
): Schema<ObjectOf<R, O>> & { required: R; optional: O } {
  // Listed once here, not on every parse: every frame a client sends is parsed with these.
  const requiredFields = Object.entries(required);
  const optionalFields = Object.entries(optional);
  return {
    required,
    optional,
    parse(input, path = "") {
      if (!isPlainObject(input)) return fail(`${describe(path)} must be a JSON object`);
      const out: Record<string, unknown> = {};
      for (const [key, schema] of requiredFields) {
        if (!Object.hasOwn(input, key)) return fail(`${join(path, key)} is required`);
        const result = schema.parse(input[key], join(path, key));
        if (!result.ok) return result;
        out[key] = result.value;
      }
      for (const [key, schema] of optionalFields) {
        if (!Object.hasOwn(input, key) || input[key] === undefined) continue;
        const result = schema.parse(input[key], join(path, key));
        if (!result.ok) return result;
        out[key] = result.value;
      }
      return ok(out as ObjectOf<R, O>);
    },
    toJsonSchema: () => ({
      type: "object",
      ...(description && { description }),
      properties: Object.fromEntries([...Object.entries(required), ...Object.entries(optional)].map(([key, schema]) => [key, schema.toJsonSchema()])),
      required: Object.keys(required),
    }),
  };
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
