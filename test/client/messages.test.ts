import { describe, expect, test } from "bun:test";
import { decodeServerFrame, isSessionEvent, type ServerMessage } from "../../src/client/messages.ts";
import { serverMessages } from "../../src/protocol/messages.ts";

describe("decodeServerFrame", () => {
  test("a valid message is kept as sent, extension fields included", () => {
    const frame = {
      type: "auth.ok",
      clientId: "c",
      sessionId: "s",
      key: { type: "ssh-ed25519", fingerprint: "SHA256:x", comment: "" },
      state: { state: "ready", claudePid: 1, clients: 1, pendingPermissions: [] },
      sessions: [],
    };
    expect(decodeServerFrame(JSON.stringify(frame))).toEqual({ kind: "message", message: frame as unknown as ServerMessage });
  });

  test("binary frames are read as UTF-8 text", () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ type: "pong", id: "é" }));
    expect(decodeServerFrame(bytes.buffer as ArrayBuffer)).toEqual({ kind: "message", message: { type: "pong", id: "é" } });
  });

  test.each([
    ["{", "the relay sent a frame that is not JSON"],
    ["null", "the relay sent a frame without a type"],
    ['["pong"]', "the relay sent a frame without a type"],
    ['{"type":7}', "the relay sent a frame without a type"],
    ['{"type":"claude.event","sessionId":"s","seq":1.5,"event":{}}', "the relay sent an invalid claude.event: seq must be an integer"],
    ['{"type":"permission.resolved","sessionId":"s","seq":2,"requestId":"r","by":"c"}', "the relay sent an invalid permission.resolved: behavior is required"],
  ])("%s → invalid: %s", (data, problem) => {
    expect(decodeServerFrame(data)).toEqual({ kind: "invalid", problem });
  });

  test("types the protocol does not define are unknown, prototype names included", () => {
    for (const type of ["future.message", "__proto__", "constructor", "toString"]) {
      expect(decodeServerFrame(JSON.stringify({ type, x: 1 }))).toEqual({ kind: "unknown", type, frame: { type, x: 1 } });
    }
  });
});

describe("isSessionEvent", () => {
  test("exactly the messages that carry a seq", () => {
    const withSeq = Object.entries(serverMessages)
      .filter(([, schema]) => "seq" in schema.required)
      .map(([type]) => type)
      .sort();
    const events = Object.keys(serverMessages)
      .filter((type) => isSessionEvent({ type } as ServerMessage))
      .sort();
    expect(events).toEqual(withSeq);
    expect(events).toEqual(["claude.event", "permission.request", "permission.resolved", "session.state", "user.prompt"]);
  });
});
