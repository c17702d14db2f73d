/**
 * The composition root: first everything that can refuse the start (the state dir's lock, the TLS
 * certificate, authorized_keys, Claude, the port), then the state: the default session's id and
 * the list of open sessions. It wires runtime → HTTP app → gateway (and pairing) → session manager
 * → sessions → Claude supervisors, opens the control socket `claude-relay pair` talks to, and owns
 * the orderly stop (which releases the lock). It only composes: each part subscribes
 * to what it needs and reports its own health.
 *
 * @example
 * ```ts
 * const relay = await startRelay(resolveServeOptions({ port: "0" }, ctx), { log });
 * console.log(relay.url); // ws://127.0.0.1:41234/ws
 * await relay.stop("test over");
 * ```
 */
import { mkdirSync } from "node:fs";
import { hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import { createAuthService } from "./auth/auth-service.ts";
import { type AuthorizedKeysStore, KeyStoreError, openAuthorizedKeys } from "./auth/key-store.ts";
import { withReviewRequests } from "./changes/review-requests.ts";
import { ClaudeBinaryNotFoundError, resolveClaudeBin } from "./claude/resolve-bin.ts";
import { ClaudeSupervisor } from "./claude/supervisor.ts";
import { healthReport, keysDegraded, relayGauges } from "./health.ts";
import type { Logger } from "./log/logger.ts";
import { type Notification, Notifier } from "./notify/notifier.ts";
import { startControlSocket } from "./pair/control-socket.ts";
import { PairingService } from "./pair/pairing-service.ts";
import { withPush } from "./push/push-port.ts";
import type { PushPost } from "./push/push-sender.ts";
import { defaultPushSubject, type StartedPush, startPush } from "./push/start-push.ts";
import { VapidKeyError } from "./push/vapid-keys.ts";
import type { RelayOptions } from "./relay-options.ts";
import { detectRuntime } from "./runtime/index.ts";
import { AddressInUseError, formatHostPort, type ListeningServer, type RuntimeAdapter } from "./runtime/types.ts";
import { createApp, type Health } from "./server/app.ts";
import { startFdMonitor } from "./server/fd-monitor.ts";
import { Gateway, type SessionPort } from "./server/gateway.ts";
import { startHeartbeat } from "./server/heartbeat.ts";
import { pairingBase, reachableOrigins } from "./server/urls.ts";
import { openEventStore } from "./session/event-store.ts";
import { conversationHistory } from "./session/history.ts";
import { Session } from "./session/session.ts";
import { loadSessionList, saveSessionList, sessionListFile } from "./session/session-list.ts";
import { type OpenSession, SessionManager } from "./session/session-manager.ts";
import { bypassPermissionsAllowed, choosablePermissionModes } from "./session/session-settings.ts";
import { loadOrCreateSessionId } from "./session/session-store.ts";
import { Metrics } from "./shared/metrics.ts";
import { acquirePidLock, LockHeldError, type PidLock } from "./shared/pid-lock.ts";
import { TlsError } from "./tls/certificate.ts";
import { ServedCertificate } from "./tls/served-certificate.ts";

/** A problem that stops the relay from starting; the CLI prints its message and exits 1. */
export class StartupError extends Error {
  override name = "StartupError";
}

export interface Relay {
  /** ws://host:port/ws (wss:// with TLS) as it listens (port resolved when --port 0). */
  readonly url: string;
  /** The certificate served, with --tls or --tls-cert. */
  readonly tls: ServedCertificate | undefined;
  readonly port: number;
  /** The default session's id (the one for --cwd). */
  readonly sessionId: string;
  /** The default session. */
  readonly session: Session;
  /** Every session, the default one included. */
  readonly sessions: SessionManager;
  readonly gateway: Gateway;
  /** The default session's Claude. */
  readonly claude: ClaudeSupervisor;
  /** Resolves with the process exit code once the relay has stopped: 0 after stop(), 1 when Claude failed. */
  readonly closed: Promise<number>;
  health(): Health;
  stop(reason?: string): Promise<void>;
  /** Re-reads the TLS certificate (SIGHUP) and serves new connections with it when it changed. */
  reloadTls(): Promise<void>;
  /** Stops because the process can no longer be trusted: clients get `internal` and 1011, exit code 1. */
  abort(reason: string): Promise<void>;
}

export interface RelayDeps {
  log: Logger;
  runtime?: RuntimeAdapter;
  env?: Record<string, string | undefined>;
  /** How Web Push POSTs (default fetch): tests trust their push service's CA with it. */
  pushPost?: PushPost;
}

export async function startRelay(options: RelayOptions, deps: RelayDeps): Promise<Relay> {
  const { log } = deps;
  const startedAt = Date.now();
  // Everything that can refuse the start comes before the state dir's content is read or written:
  // the lock (one relay per state dir), the TLS files, authorized_keys, Claude, the port.
  const lock = lockStateDir(options.stateDir);
  const undo: Array<() => unknown> = [() => lock.release()];
  const failed = async (error: unknown): Promise<never> => {
    for (const step of undo.reverse()) await step();
    throw error;
  };
  const tls = options.tls ? await loadTls(() => ServedCertificate.load(options.tls!, log.child({ component: "tls" }))).catch(failed) : undefined;

  let keys: AuthorizedKeysStore;
  try {
    keys = openOrExplain(() => openAuthorizedKeys({ path: options.authorizedKeysPath, explicit: options.authorizedKeysExplicit, logger: log }));
  } catch (error) {
    return failed(error);
  }
  undo.push(() => keys.close());
  const diagnosis = keys.startupDiagnosis();
  if (diagnosis.level === "warn") log.warn(diagnosis.message, { path: keys.path });
  else log.info(diagnosis.message, { path: keys.path });

  let claudeBin: string;
  try {
    claudeBin = resolveClaudeBin({ bin: options.claudeBin, cwd: options.cwd });
  } catch (error) {
    if (error instanceof ClaudeBinaryNotFoundError) return failed(new StartupError(`${error.message}; install Claude Code or pass --claude-bin PATH`));
    return failed(error);
  }

  const metrics = new Metrics();
  const claudeEnv = deps.env ?? process.env;
  const bypass = bypassPermissionsAllowed(options.allowBypassPermissions, options.claudeArgs);
  const permissionModes = choosablePermissionModes(bypass.allowed);
  const claudeArgs = [...bypass.claudeArgs, ...options.claudeArgs];
  let pairingOrigin = "";
  const pairing = new PairingService({
    authorizedKeysPath: options.authorizedKeysPath,
    pairingUrl: (code) => `${pairingOrigin}/#pair=${code}`,
    log: log.child({ component: "pairing" }),
  });
  // The port is bound before the sessions are loaded from the state dir, so the gateway reaches
  // them through this forwarder. They are loaded right after listen resolves, in the same
  // synchronous run, so no socket event can come first (and a client reaches them only after auth).
  let sessions!: SessionManager<ClaudeSupervisor>;
  let loaded!: SessionPort; // the sessions with Web Push in front (push-port.ts)
  const sessionPort: SessionPort = {
    join: (connection, resume) => loaded.join(connection, resume),
    leave: (connection) => loaded.leave(connection),
    handle: (connection, message) => loaded.handle(connection, message),
  };
  const gateway = new Gateway({
    pairing,
    auth: createAuthService({ store: keys, challengeTtlMs: options.authTimeoutMs }),
    session: sessionPort,
    log,
    maxClients: options.maxClients,
    maxMessageBytes: options.maxMessageBytes,
    maxBufferedBytes: options.maxBufferedBytes,
    authTimeoutMs: options.authTimeoutMs,
    maxPendingPerAddress: options.maxPendingPerAddress,
    maxInvalidFrames: options.maxInvalidFrames,
    metrics,
  });
  keys.onKeysRemoved((fingerprints) => gateway.disconnectKeys(fingerprints));

  const runtime = deps.runtime ?? (await detectRuntime());
  const health = () => healthReport(sessions.health(), [gateway.degraded(), keysDegraded(keys.current()), fds.degraded()], startedAt);
  const renderMetrics = () =>
    metrics.render(
      relayGauges(sessions.defaultSession.health(), {
        connectionsOpen: gateway.connections.size,
        clients: sessions.clientCount,
        sessions: sessions.list().length,
        claudeProcesses: sessions.runningClaudes(),
        heartbeatTerminations: heartbeat.terminated,
        startedAt,
      }),
    );
  const publicOrigin = options.publicUrl && new URL(options.publicUrl).origin;
  const { app, webSocket } = createApp({
    runtime,
    gateway,
    health,
    metrics: renderMetrics,
    log,
    secure: tls !== undefined,
    ...(publicOrigin && { publicOrigin }),
    ...(tls?.source.kind === "local-ca" && { ca: () => (tls.current.ca ? { pem: tls.current.ca, hostname: hostname() } : undefined) }),
  });
  let server: ListeningServer;
  try {
    server = await runtime.listen(app, {
      hostname: options.host,
      port: options.port,
      maxPayloadLength: webSocketPayloadCap(options.maxMessageBytes),
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs,
      ...(tls && { tls: tls.current }),
      webSocket,
    });
  } catch (error) {
    if (error instanceof AddressInUseError) return failed(new StartupError(error.message));
    return failed(new StartupError(`cannot listen on ${formatHostPort(options.host, options.port)}: ${(error as Error).message}`));
  }

  // The port is ours: now the state dir is read and written. Web Push's key may still refuse
  // (readable by others), before any session is loaded.
  undo.push(() => server.stop());
  const push = await startWebPush(options, deps, log).catch(failed);
  const { sessionId, resumed } = loadOrCreateSessionId({ stateDir: options.stateDir, cwd: options.cwd, fresh: options.newSession });
  log.info(resumed ? "resuming session" : "new session", { sessionId, cwd: options.cwd, stateDir: options.stateDir });
  // Every session alike: its own Claude, event log and replay buffer; only the manager knows which is the default.
  const open: OpenSession<ClaudeSupervisor> = ({ sessionId, cwd, observer }) => {
    const claude = new ClaudeSupervisor({
      bin: claudeBin,
      extraArgs: claudeArgs,
      cwd,
      env: claudeEnv,
      sessionId,
      claudeTimeoutMs: options.claudeTimeoutMs,
      logger: log.child({ component: "claude" }),
    });
    const session = new Session({
      sessionId,
      claude,
      metrics,
      observer,
      permissionModes,
      store: openEventStore({ stateDir: options.stateDir, sessionId, log, compactAboveBytes: 2 * options.replayBytes + (1 << 20) }),
      log: log.child({ component: "session", sessionId }),
      replay: { maxEvents: options.replayEvents, maxBytes: options.replayBytes },
    });
    return { session, claude };
  };
  const listFile = sessionListFile(options.stateDir);
  const notifier = options.notifyCommand && new Notifier({ argv: options.notifyCommand, log: log.child({ component: "notify" }) });
  sessions = new SessionManager({
    open,
    defaultSession: { sessionId, cwd: options.cwd },
    restored: loadSessionList(listFile),
    maxSessions: options.maxSessions,
    allowDirs: options.allowDirs,
    ...(options.worktreeDir !== undefined && { worktreeDir: options.worktreeDir }),
    permissionModes,
    log: log.child({ component: "sessions" }),
    persist: (records) => saveSessionList(listFile, records),
    history: conversationHistory(claudeEnv),
    idleTimeoutMs: options.idleTimeoutMs,
    push: { vapidPublicKey: push.service.vapidPublicKey },
    notify: (notification: Notification) => {
      if (notifier) notifier.notify(notification);
      push.service.notify(notification);
    },
  });
  const sessionCwd = (id: string) => sessions.list().find((info) => info.sessionId === id)?.cwd;
  loaded = withPush(withReviewRequests(sessions, sessionCwd, log.child({ component: "review" })), push.service);
  const session = sessions.defaultSession;
  const claude = sessions.defaultClaude;
  const url = `${tls ? "wss" : "ws"}://${formatHostPort(server.hostname, server.port)}/ws`;
  const origins = reachableOrigins({ host: server.hostname, port: server.port, secure: tls !== undefined, interfaces: networkInterfaces() });
  pairingOrigin = pairingBase({ ...(options.publicUrl && { publicUrl: options.publicUrl }), origins });
  const control = await startControlSocket({ stateDir: options.stateDir, pairing, log });
  const fds = startFdMonitor({ log });
  const heartbeat = startHeartbeat({ intervalMs: options.heartbeatIntervalMs, timeoutMs: options.heartbeatTimeoutMs, connections: () => gateway.connections });

  let resolveClosed!: (code: number) => void;
  const closed = new Promise<number>((resolve) => (resolveClosed = resolve));
  let stopping: Promise<void> | undefined;
  const stop = (reason = "stop requested", exitCode = 0): Promise<void> => {
    stopping ??= (async () => {
      log.info("stopping", { reason });
      heartbeat.stop();
      fds.stop();
      sessions.close();
      pairing.closeAll();
      gateway.closeAll(exitCode === 0 ? "shutting_down" : "internal");
      await Promise.all([server.stop(), sessions.stopClaudes(), control?.close(), notifier?.close(), push.close()]);
      keys.close();
      lock.release();
      log.info("stopped", { reason });
      resolveClosed(exitCode);
    })();
    return stopping;
  };
  claude.on("state", (state) => {
    if (state === "failed") void stop("Claude Code keeps crashing; giving up so the service manager can restart the relay", 1);
  });

  claude.start().catch((error: unknown) => {
    log.error("cannot start Claude Code", { error });
    void stop("Claude Code could not be started", 1);
  });
  log.info(`listening on ${url}`, {
    sessionId,
    claudeBin,
    cwd: options.cwd,
    sessions: sessions.list().length,
    maxSessions: options.maxSessions,
    idleTimeoutMs: options.idleTimeoutMs,
    ...(options.notifyCommand && { notifyCommand: options.notifyCommand[0] }),
  });
  const reloadTls = async () => (tls ? tls.reload(server, runtime) : log.info("nothing to reload: the relay serves no TLS certificate"));
  return {
    url,
    tls,
    port: server.port,
    sessionId,
    session,
    sessions,
    gateway,
    claude,
    closed,
    health,
    reloadTls,
    stop: (reason) => stop(reason),
    abort: (reason) => stop(reason, 1),
  };
}

/**
 * The WebSocket layer's own frame cap: a little above `--max-message-bytes`, so a frame just over
 * the limit still gets the relay's `message_too_large` error, yet not far above it, because the
 * runtime buffers a whole frame — also an unauthenticated one — before the relay sees it.
 */
function webSocketPayloadCap(maxMessageBytes: number): number {
  return maxMessageBytes + Math.max(Math.floor(maxMessageBytes / 4), 64 * 1024);
}

async function startWebPush(options: RelayOptions, deps: RelayDeps, log: Logger): Promise<StartedPush> {
  try {
    return await startPush({
      stateDir: options.stateDir,
      subject: options.pushSubject ?? defaultPushSubject(options.publicUrl),
      log: log.child({ component: "push" }),
      ...(deps.pushPost && { post: deps.pushPost }),
    });
  } catch (error) {
    if (error instanceof VapidKeyError) throw new StartupError(error.message);
    throw error;
  }
}

async function loadTls(load: () => Promise<ServedCertificate>): Promise<ServedCertificate> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof TlsError) throw new StartupError(error.message);
    throw error;
  }
}

/**
 * Takes `<state dir>/relay.lock` (creating the state dir if need be): a second relay on the same
 * state dir would rewrite the session list and the event logs under the first one, and steal
 * `claude-relay pair`'s control socket.
 */
function lockStateDir(stateDir: string): PidLock {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  try {
    return acquirePidLock(join(stateDir, "relay.lock"));
  } catch (error) {
    if (!(error instanceof LockHeldError)) throw error;
    throw new StartupError(
      `another relay (pid ${error.pid}) is using the state dir ${stateDir}; stop it first, or give this one its own --state-dir ` +
        `(if pid ${error.pid} is not a claude-relay, remove ${error.path})`,
    );
  }
}

function openOrExplain<T>(open: () => T): T {
  try {
    return open();
  } catch (error) {
    if (error instanceof KeyStoreError) throw new StartupError(`${error.message}; check --authorized-keys`);
    throw error;
  }
}
