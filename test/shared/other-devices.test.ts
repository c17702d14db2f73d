import { expect, test } from "bun:test";
import { otherDevices } from "../../src/shared/other-devices.ts";

test("the devices without this client's own, left out once", () => {
  expect(otherDevices(["me@laptop", "phone"], "phone")).toEqual(["me@laptop"]);
  expect(otherDevices(["phone"], "phone")).toEqual([]);
  expect(otherDevices(["me@laptop", "phone"], "tablet")).toEqual(["me@laptop", "phone"]);
  expect(otherDevices(["me@laptop", "phone"], undefined)).toEqual(["me@laptop", "phone"]);
});

test("a relay that names no devices: none", () => {
  expect(otherDevices(undefined, "phone")).toEqual([]);
});
