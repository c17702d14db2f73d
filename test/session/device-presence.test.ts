import { expect, test } from "bun:test";
import { DevicePresence } from "../../src/session/device-presence.ts";

test("each device once, sorted; it stays while any of its connections does", () => {
  const presence = new DevicePresence();
  expect(presence.names()).toEqual([]);
  presence.add("phone");
  presence.add("me@laptop");
  presence.add("phone");
  expect(presence.names()).toEqual(["me@laptop", "phone"]);
  presence.remove("phone");
  expect(presence.names()).toEqual(["me@laptop", "phone"]);
  presence.remove("phone");
  expect(presence.names()).toEqual(["me@laptop"]);
});

test("the list is the same array until a device comes or goes", () => {
  const presence = new DevicePresence();
  presence.add("phone");
  const before = presence.names();
  presence.add("phone");
  presence.remove("phone");
  expect(presence.names()).toBe(before);
  presence.add("tablet");
  expect(presence.names()).not.toBe(before);
  expect(before).toEqual(["phone"]); // a list handed out earlier is never changed
});

test("removing a device that never came, or came and went, changes nothing", () => {
  const presence = new DevicePresence();
  presence.add("phone");
  const before = presence.names();
  presence.remove("tablet");
  expect(presence.names()).toBe(before);
  presence.remove("phone");
  presence.remove("phone");
  expect(presence.names()).toEqual([]);
});
