import { describe, expect, test } from "bun:test";
import type { AuthOkMessage } from "../../../src/client/client.ts";
import { AppStore, FULL_REPLAY } from "../../../src/web/state/store.ts";

const authOk = (clientId: string, sessionId = "s1"): AuthOkMessage => ({
  type: "auth.ok",
  clientId,
  sessionId,
  key: { type: "ssh-ed25519", fingerprint: "SHA256:x", comment: "" },
  state: { state: "ready", claudePid: 1, clients: 1, pendingPermissions: [] },
});

describe("AppStore", () => {
  test("before any session: resume asks for the whole buffer; after events: from the shown session's lastSeq", () => {
    const store = new AppStore();
    expect(store.resume()).toEqual(FULL_REPLAY);
    store.authenticated(authOk("c1"));
    store.event({ type: "user.prompt", sessionId: "s1", seq: 7, text: "hi", by: "c1" });
    expect(store.resume()).toEqual({ sessionId: "s1", lastSeq: 7 });
    expect(store.access.value).toBe("authorized");
  });

  test("each session keeps its own conversation and lastSeq", () => {
    const store = new AppStore();
    store.event({ type: "user.prompt", sessionId: "a", seq: 3, text: "to a", by: "c1" });
    store.event({ type: "user.prompt", sessionId: "b", seq: 9, text: "to b", by: "c1" });
    expect(store.conversations.value.get("a")?.lastSeq).toBe(3);
    expect(store.conversations.value.get("b")?.lastSeq).toBe(9);
  });

  test("own client ids are remembered across page loads, bounded", () => {
    let saved: string[] = ["old"];
    const memory = { load: () => saved, save: (ids: string[]) => (saved = ids) };
    const store = new AppStore(memory);
    for (let i = 0; i < 120; i++) store.authenticated(authOk(`c${i}`));
    expect(saved).toHaveLength(100);
    expect(saved.at(-1)).toBe("c119");
    expect(new AppStore(memory).ownClientIds.value.has("c119")).toBe(true);
  });

  test("a prompt waits in the outbox until the relay echoes its id; an error for it marks it failed", () => {
    const store = new AppStore();
    store.queuePrompt({ id: "p1", text: "one", state: "waiting" });
    store.queuePrompt({ id: "p2", text: "two", state: "waiting" });
    store.markSent("p1");
    expect(store.outbox.value.map((prompt) => prompt.state)).toEqual(["sent", "waiting"]);
    store.event({ type: "user.prompt", sessionId: "s1", seq: 1, text: "one", by: "c1", id: "p1" });
    expect(store.outbox.value.map((prompt) => prompt.id)).toEqual(["p2"]);
    store.relayError({ type: "error", code: "claude_unavailable", message: "Claude has failed", id: "p2" });
    expect(store.outbox.value[0]).toMatchObject({ state: "failed", error: "Claude has failed" });
    store.relayError({ type: "error", code: "unknown_permission", message: "already answered" });
    expect(store.errors.value).toEqual(["unknown_permission: already answered"]);
  });
});
