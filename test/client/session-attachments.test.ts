import { describe, expect, test } from "bun:test";
import { SessionAttachments } from "../../src/client/session-attachments.ts";

const prompt = (sessionId: string, seq: number) => ({ type: "user.prompt" as const, sessionId, seq, text: "hi", by: "c1" });

describe("SessionAttachments", () => {
  test("each session has its own position: a seq seen in one is new in another", () => {
    const attachments = new SessionAttachments();
    expect(attachments.attach("a")).toBe(0);
    expect(attachments.attach("b", 40)).toBe(40);
    expect(attachments.get("a")!.accept(prompt("a", 1))).toEqual({ deliver: true });
    expect(attachments.get("b")!.accept(prompt("b", 1))).toEqual({ deliver: false });
    expect(attachments.get("b")!.accept(prompt("b", 41))).toEqual({ deliver: true });
    expect(attachments.get("a")!.accept(prompt("a", 1))).toEqual({ deliver: false });
    expect(attachments.ids).toEqual(["a", "b"]);
    expect(attachments.get("c")).toBeUndefined();
  });

  test("attaching again keeps the position unless a new one is given", () => {
    const attachments = new SessionAttachments();
    attachments.attach("a", 5);
    attachments.get("a")!.accept(prompt("a", 6));
    expect(attachments.attach("a")).toBe(6);
    expect(attachments.attach("a", 2)).toBe(2);
    expect(attachments.get("a")!.accept(prompt("a", 3))).toEqual({ deliver: true });
  });

  test("reattach names every session from where it stands; detached ones are not named", () => {
    const attachments = new SessionAttachments();
    attachments.attach("a");
    attachments.attach("b", 9);
    attachments.attach("c", 1);
    attachments.get("a")!.accept(prompt("a", 1));
    attachments.get("a")!.accept(prompt("a", 2));
    expect(attachments.detach("c")).toBe(true);
    expect(attachments.detach("c")).toBe(false);
    expect(attachments.reattach()).toEqual([
      { type: "session.attach", sessionId: "a", lastSeq: 2 },
      { type: "session.attach", sessionId: "b", lastSeq: 9 },
    ]);
  });

  test("retain forgets the sessions no longer listed and says which", () => {
    const attachments = new SessionAttachments();
    attachments.attach("a");
    attachments.attach("b");
    expect(attachments.retain(["b", "z"])).toEqual(["a"]);
    expect(attachments.ids).toEqual(["b"]);
    expect(attachments.retain([])).toEqual(["b"]);
    expect(attachments.reattach()).toEqual([]);
  });
});
