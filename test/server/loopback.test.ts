import { expect, test } from "bun:test";
import { isLoopback } from "../../src/server/loopback.ts";

test.each([
  ["127.0.0.1", true],
  ["127.8.9.10", true],
  ["localhost", true],
  ["LOCALHOST", true],
  ["::1", true],
  ["[::1]", true],
  ["0:0:0:0:0:0:0:1", true],
  ["::ffff:127.0.0.1", true],
  ["0.0.0.0", false],
  ["::", false],
  ["192.168.1.20", false],
  ["::ffff:192.168.1.20", false],
  ["laptop.local", false],
  ["128.0.0.1", false],
])("isLoopback(%p) is %p", (host, expected) => {
  expect(isLoopback(host)).toBe(expected);
});
