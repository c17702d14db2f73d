/**
 * Client messages for session tests, shared by the fast manager tests and the real-CLI ones.
 *
 * @example
 * ```ts
 * for (const message of messagesNaming(unknownId)) client.send(message); // each → unknown_session
 * const reply = await request(client, { type: "history.list", cwd: "/srv/app" }); // history, or the error for it
 * ```
 */
import type { Frame, TestClient } from "./ws-client.ts";

/** Sends a message with an id and returns the reply (or error) carrying that id. */
export async function request(client: TestClient, message: Record<string, unknown>): Promise<Frame> {
  const id = `${message.type}-${Math.random().toString(36).slice(2)}`;
  client.send({ ...message, id });
  return client.next((frame) => frame.id === id, 30_000);
}

/** One message of every type that names a session, each with its own `id`. */
export function messagesNaming(sessionId: string) {
  return [
    { type: "prompt", text: "x", sessionId, id: "m1" },
    { type: "permission.response", requestId: "r", behavior: "allow", sessionId, id: "m2" },
    { type: "interrupt", sessionId, id: "m3" },
    { type: "session.attach", sessionId, id: "m4" },
    { type: "session.detach", sessionId, id: "m5" },
    { type: "session.stop", sessionId, id: "m6" },
  ] as const;
}
