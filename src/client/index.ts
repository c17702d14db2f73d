/**
 * The claude-relay client library in one import: connect with an SSH key (over wss:// with the
 * relay's certificate checked before signing: `tls: relayTls(…)`), follow the session's events
 * (listeners or `for await`), run one-shot turns with a permission policy.
 *
 * @example
 * ```ts
 * import { RelayClient, openSigner, runTurn, allowTools } from "./src/client/index.ts";
 *
 * const signer = await openSigner({ identity: `${process.env.HOME}/.ssh/id_ed25519` });
 * const client = new RelayClient({ signer });
 * await client.connect("ws://127.0.0.1:7717/ws");
 * const turn = await runTurn(client, "Run the tests", { permissionPolicy: allowTools(["Bash"]), onText: (t) => process.stdout.write(t) });
 * await client.close();
 * signer.close();
 * process.exit(turn.ok ? 0 : 1);
 * ```
 */

export { AssistantText } from "./assistant-text.ts";
export * from "./client.ts";
export { authorizedKeysLine } from "./key-line.ts";
export { defaultKnownRelaysPath } from "./known-relays-file.ts";
export { allowForSession, forThisSession, type PermissionAnswer, type PermissionUpdate, permissionResponse, questionAnswer } from "./permission-answers.ts";
export { allowAll, allowTools, denyAll, type PermissionDecision, type PermissionPolicy } from "./permission-policy.ts";
export { answersFor, answerText, type Question, type QuestionChoice, type QuestionOption, readQuestions } from "./questions.ts";
export { parseFingerprint, RelayIdentityError, type RelayIdentityProblem } from "./relay-identity.ts";
export { type PinnedRelay, type RelayTls, type RelayTlsOptions, relayTls } from "./relay-tls.ts";
export { agentSigner, type ChallengeSigner, keyFileSigner, openSigner, SignerError, type SignerOptions } from "./signer.ts";
export { type TlsTransportOptions, tlsWebSocketTransport } from "./tls-transport.ts";
export { NO_GLOBAL_WEBSOCKET, type WebSocketConstructor, webSocketTransport, webSocketTransportFor } from "./transport.ts";
export { runTurn, type TurnOptions, type TurnOutcome } from "./turn.ts";
export { type TurnStatus, TurnTracker } from "./turn-tracker.ts";
