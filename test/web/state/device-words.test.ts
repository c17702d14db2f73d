import { expect, test } from "bun:test";
import { authorWords, devicesWords, MAX_DEVICES_TEXT } from "../../../src/web/state/device-words.ts";

const own = (id: string) => id === "mine";

test("authors: You for this page's connections, Claude, the relay, else the device's name", () => {
  expect(authorWords("mine", "phone", own)).toBe("You");
  expect(authorWords("3f9a0c1e-aaaa", "me@laptop", own)).toBe("me@laptop");
  expect(authorWords("claude", undefined, own)).toBe("Claude");
  expect(authorWords("relay", undefined, own)).toBe("the relay");
  // a relay that names no devices
  expect(authorWords("3f9a0c1e-aaaa", undefined, own)).toBe("Another device (3f9a0c1e)");
});

test("who is connected: nothing when alone; names when they fit, else counted; every name in the title", () => {
  expect(devicesWords({ clients: 1, devices: ["phone"] })).toBeUndefined();
  expect(devicesWords({ clients: 0 })).toBeUndefined();
  expect(devicesWords({ clients: 2, devices: ["me@laptop", "phone"] })).toEqual({ text: "me@laptop, phone", title: "Connected: me@laptop, phone" });
  const many = ["Chrome-on-Android", "Safari-on-iPhone", "me@laptop"];
  expect(many.join(", ").length).toBeGreaterThan(MAX_DEVICES_TEXT);
  expect(devicesWords({ clients: 3, devices: many })).toEqual({ text: "3 devices", title: `Connected: ${many.join(", ")}` });
});

test("two tabs with one key are one device with two connections; a relay that names no devices is counted", () => {
  expect(devicesWords({ clients: 2, devices: ["phone"] })).toEqual({ text: "2 connections", title: "Connected: phone (2 connections)" });
  expect(devicesWords({ clients: 3, devices: ["me@laptop", "phone"] })).toEqual({
    text: "me@laptop, phone",
    title: "Connected: me@laptop, phone (3 connections)",
  });
  expect(devicesWords({ clients: 2 })).toEqual({ text: "2 devices", title: "2 devices connected" });
});
