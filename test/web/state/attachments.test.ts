import { describe, expect, test } from "bun:test";
import { wantedAttachments } from "../../../src/web/state/attachments.ts";
import type { SessionInfo } from "../../../src/web/state/session-words.ts";

const info = (sessionId: string, state: SessionInfo["state"] = "ready"): SessionInfo => ({
  sessionId,
  cwd: `/w/${sessionId}`,
  state,
  clients: 1,
  permissionMode: "default",
  lastActivity: "2026-11-25T20:00:00Z",
});

describe("wantedAttachments", () => {
  const sessions = [info("d"), info("shown"), info("asking", "waiting_permission"), info("known", "busy"), info("quiet")];

  test("the shown session, those waiting for an answer (listed or known), never the default one", () => {
    const pending = new Map([["known", 1]]);
    expect(wantedAttachments({ defaultSessionId: "d", shownSessionId: "shown", sessions, pendingCount: (id) => pending.get(id) ?? 0 })).toEqual([
      "shown",
      "asking",
      "known",
    ]);
  });

  test("the default session shown: nothing else unless it waits; sessions not listed are never followed", () => {
    expect(wantedAttachments({ defaultSessionId: "d", shownSessionId: "d", sessions: [info("d"), info("x")], pendingCount: () => 0 })).toEqual([]);
    expect(wantedAttachments({ defaultSessionId: "d", shownSessionId: "gone", sessions: [info("d")], pendingCount: () => 3 })).toEqual([]);
  });
});
