import { describe, expect, test } from "bun:test";
import { sessionDir } from "../../../src/cli/connect/session-dir.ts";

const local = { url: "ws://127.0.0.1:7717/ws", home: "/home/me", cwd: "/home/me/code" };
const remote = { ...local, url: "wss://laptop.local:7717/ws" };

describe("sessionDir", () => {
  test("absolute paths go as they are (normalized), wherever the relay is", () => {
    expect(sessionDir("/srv/api/", remote)).toEqual({ dir: "/srv/api" });
    expect(sessionDir("/srv/x/../api", local)).toEqual({ dir: "/srv/api" });
  });

  test("a relay on this machine: ~ and relative paths are taken from here", () => {
    expect(sessionDir("~/notes", local)).toEqual({ dir: "/home/me/notes" });
    expect(sessionDir("api", local)).toEqual({ dir: "/home/me/code/api" });
    expect(sessionDir(".", { ...local, url: "ws://localhost:7717/ws" })).toEqual({ dir: "/home/me/code" });
    expect(sessionDir("..", { ...local, url: "ws://[::1]:7717/ws" })).toEqual({ dir: "/home/me" });
  });

  test("another machine: a relative path or ~ is refused, saying why; so is nothing", () => {
    expect(sessionDir("api", remote)).toEqual({
      problem: `"api" is relative, but the directory is on the relay's machine (laptop.local:7717), where this one's home and working directory mean nothing: give an absolute path`,
    });
    expect(sessionDir("~/api", remote)).toMatchObject({ problem: expect.stringContaining('"~/api" is relative') });
    expect(sessionDir("  ", local)).toEqual({ problem: "give the directory to start Claude in, e.g. /home/me/code/api" });
  });
});
