import { describe, expect, test } from "bun:test";
import type { SessionInfo } from "../../src/protocol/messages.ts";
import { sessionLabel, sessionLines, sessionPlace, shortSessionId } from "../../src/terminal/session-list.ts";
import { makeStyle } from "../../src/terminal/style.ts";

const style = makeStyle({ color: false, unicode: true });
const info = (extra: Partial<SessionInfo>): SessionInfo => ({
  sessionId: "7f0c3d0e-1111-2222-3333-444455556666",
  cwd: "/home/me/app",
  state: "ready",
  clients: 1,
  permissionMode: "default",
  lastActivity: "2026-11-25T20:00:00.000Z",
  ...extra,
});

describe("sessionLines", () => {
  test("one line each: this one marked, state in words, place, title, devices, mode and model when not the default", () => {
    const sessions = [
      info({}),
      info({
        sessionId: "a2c4e6f8-1111",
        cwd: "/srv/api",
        title: "Fix the flaky login test",
        state: "waiting_permission",
        clients: 2,
        permissionMode: "plan",
        model: "haiku",
      }),
      info({ sessionId: "b0b0b0b0-2222", cwd: "/home/me", state: "idle", clients: 0 }),
    ];
    expect(sessionLines(sessions, { style, current: sessions[0]!.sessionId, defaultId: sessions[0]!.sessionId, home: "/home/me" })).toEqual([
      "* 7f0c3d0e  ready for a prompt · ~/app · 1 device (you) · default",
      "  a2c4e6f8  waiting for your permission · /srv/api · “Fix the flaky login test” · 2 devices · mode plan · model haiku",
      "  b0b0b0b0  idle (stopped until the next prompt) · ~ · no device",
    ]);
    expect(sessionLines([info({ clients: 3 })], { style, current: info({}).sessionId })).toEqual([
      "* 7f0c3d0e  ready for a prompt · /home/me/app · 3 devices (you and others)",
    ]);
    expect(sessionLines([], { style })).toEqual(["the relay runs no session"]);
  });

  test("names for notes and headers", () => {
    expect(shortSessionId("7f0c3d0e-1111")).toBe("7f0c3d0e");
    expect(sessionLabel(info({ title: "Fix it" }))).toBe("7f0c3d0e (Fix it)");
    expect(sessionLabel(info({}), "/home/me")).toBe("7f0c3d0e (~/app)");
    expect(sessionLabel(info({ title: "say **Hello** from `main.ts`" }))).toBe("7f0c3d0e (say Hello from main.ts)");
    expect(sessionPlace(info({ title: "a\nb" }), "/home/me")).toBe("~/app · “a ⏎ b”");
  });
});
