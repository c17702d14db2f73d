import { expect, test } from "bun:test";
import { PendingPermissions } from "../../src/session/permissions.ts";

const request = (requestId: string, seq: number) => ({
  type: "permission.request" as const,
  sessionId: "S",
  seq,
  requestId,
  toolName: "Write",
  input: { file_path: "/x" },
  toolUseId: `t${seq}`,
});

test("the first answer takes the request; later answers find nothing", () => {
  const table = new PendingPermissions();
  table.add(request("r1", 1));
  expect(table.take("r1")?.requestId).toBe("r1");
  expect(table.take("r1")).toBeUndefined();
  expect(table.size).toBe(0);
});

test("lists in arrival order and withdraws all", () => {
  const table = new PendingPermissions();
  table.add(request("b", 1));
  table.add(request("a", 2));
  expect(table.list().map((r) => r.requestId)).toEqual(["b", "a"]);
  expect(table.takeAll().map((r) => r.seq)).toEqual([1, 2]);
  expect(table.size).toBe(0);
  expect(table.take("a")).toBeUndefined();
});

test("peek finds a pending request and leaves it pending", () => {
  const table = new PendingPermissions();
  table.add(request("r1", 1));
  expect(table.peek("r1")?.requestId).toBe("r1");
  expect(table.size).toBe(1);
  expect(table.peek("r2")).toBeUndefined();
  table.take("r1");
  expect(table.peek("r1")).toBeUndefined();
});
