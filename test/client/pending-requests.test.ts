import { describe, expect, test } from "bun:test";
import { RelayRequestError } from "../../src/client/errors.ts";
import { PendingRequests } from "../../src/client/pending-requests.ts";

describe("PendingRequests", () => {
  test("the reply of the awaited type with the same id resolves; others are left alone", async () => {
    const requests = new PendingRequests("t");
    const id = requests.nextId();
    expect(id).toBe("t-1");
    expect(requests.nextId()).toBe("t-2");
    const reply = requests.wait(id, "session.created");
    expect(requests.settle({ type: "session.created", id: "t-9" })).toBe(false);
    expect(requests.settle({ type: "sessions" })).toBe(false);
    expect(requests.settle({ type: "session.attached", id })).toBe(false);
    expect(requests.size).toBe(1);
    const created: { type: string; id: string; sessionId: string } = { type: "session.created", id, sessionId: "s1" };
    expect(requests.settle(created)).toBe(true);
    expect(await reply).toEqual({ type: "session.created", id, sessionId: "s1" });
    expect(requests.size).toBe(0);
    expect(requests.settle({ type: "session.created", id })).toBe(false);
  });

  test("an error echoing the id rejects with the relay's code and message", async () => {
    const requests = new PendingRequests();
    const id = requests.nextId();
    const reply = requests.wait(id, "session.created");
    requests.settle({ type: "error", code: "too_many_sessions", message: "the relay already runs 8 sessions", id } as never);
    const error = await reply.catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(RelayRequestError);
    expect(error).toMatchObject({ code: "too_many_sessions", message: "the relay already runs 8 sessions" });
  });

  test("failAll rejects every waiting request", async () => {
    const requests = new PendingRequests();
    const waiting = [requests.wait(requests.nextId(), "a"), requests.wait(requests.nextId(), "b")];
    requests.failAll(new Error("connection lost"));
    for (const request of waiting) expect(await request.catch((error: Error) => error.message)).toBe("connection lost");
    expect(requests.size).toBe(0);
  });
});
