import { describe, expect, test } from "bun:test";
import { baseName, clientsWords, relativeTime, sessionName, stateWords } from "../../../src/web/state/session-words.ts";

describe("session words", () => {
  test("a name: the title, else the directory's last part", () => {
    expect(sessionName({ cwd: "/home/me/code/api", title: "Fix the flaky login test" })).toBe("Fix the flaky login test");
    expect(sessionName({ cwd: "/home/me/code/api/" })).toBe("api");
    expect(sessionName({ cwd: "/home/me/code/api", title: "  " })).toBe("api");
    // A title is the first prompt, markdown and all: shown as its words.
    expect(sessionName({ cwd: "/home/me/code/api", title: "say **Hello** f…" })).toBe("say Hello f…");
    expect(sessionName({ cwd: "/home/me/code/api", title: "``" })).toBe("api");
    expect(baseName("/")).toBe("/");
    expect(baseName("C:\\work\\app")).toBe("app");
  });

  test("states in words", () => {
    expect(stateWords("waiting_permission")).toBe("Waiting for your answer");
    expect(stateWords("idle")).toBe("Idle: Claude starts at the next prompt");
  });

  test("who is connected, counting this page when it is attached", () => {
    expect(clientsWords(1, true)).toBe("only you");
    expect(clientsWords(2, true)).toBe("you and 1 other device");
    expect(clientsWords(4, true)).toBe("you and 3 other devices");
    expect(clientsWords(0, true)).toBe("only you"); // a count that has not caught up yet
    expect(clientsWords(0, false)).toBe("no device connected");
    expect(clientsWords(1, false)).toBe("1 device connected");
    // by name, where the relay names devices
    expect(clientsWords(2, true, ["me@laptop"])).toBe("you and 1 other device: me@laptop");
    expect(clientsWords(3, false, ["me@laptop", "phone"])).toBe("3 devices connected: me@laptop, phone");
    expect(clientsWords(1, true, [])).toBe("only you");
    expect(clientsWords(3, false)).toBe("3 devices connected");
  });

  test("relative times", () => {
    const now = Date.parse("2026-11-25T20:00:00Z");
    expect(relativeTime("2026-11-25T19:59:40Z", now)).toBe("just now");
    expect(relativeTime("2026-11-25T20:00:30Z", now)).toBe("just now"); // a clock slightly ahead
    expect(relativeTime("2026-11-25T19:55:00Z", now)).toBe("5 min ago");
    expect(relativeTime("2026-11-25T17:00:00Z", now)).toBe("3 h ago");
    expect(relativeTime("2026-11-24T19:00:00Z", now)).toBe("yesterday");
    expect(relativeTime("2026-11-20T20:00:00Z", now)).toBe("5 days ago");
    expect(relativeTime("2026-10-01T20:00:00Z", now)).toBe("2026-10-01");
    expect(relativeTime("not a date", now)).toBe("");
  });
});
