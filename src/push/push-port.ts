/**
 * Puts Web Push between the gateway and the sessions without either knowing: the gateway's
 * {@link SessionPort} is wrapped so that logins and logouts tell the {@link PushService} which
 * keys have a client connected, and `push.subscribe`/`push.unsubscribe` go to it while every
 * other message goes on to the sessions.
 *
 * @example
 * ```ts
 * const gateway = new Gateway({ session: withPush(sessions, push), … });
 * ```
 */

import type { ResumeRequest } from "../protocol/message-parts.ts";
import type { Connection } from "../server/connection.ts";
import type { SessionMessage, SessionPort } from "../server/gateway.ts";
import type { PushClientMessage, PushService } from "./push-service.ts";

/** `sessions` with push messages and presence handled by `push`. */
export function withPush(sessions: SessionPort, push: PushService): SessionPort {
  return {
    join(connection: Connection, resume: ResumeRequest | undefined): void {
      push.joined(connection.key!.fingerprint);
      sessions.join(connection, resume);
    },
    leave(connection: Connection): void {
      push.left(connection.key!.fingerprint);
      sessions.leave(connection);
    },
    handle(connection: Connection, message: SessionMessage): void {
      if (isPushMessage(message)) return push.handle(connection, message);
      sessions.handle(connection, message);
    },
  };
}

function isPushMessage(message: SessionMessage): message is PushClientMessage {
  return message.type === "push.subscribe" || message.type === "push.unsubscribe";
}
