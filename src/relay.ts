/**
 * The composition root: loads the TLS certificate, reads authorized_keys, finds Claude, loads the
 * default session's id and the list of open sessions, then wires runtime → HTTP app → gateway
 * (and pairing) → session manager → sessions → Claude supervisors, opens the control socket
 * `claude-relay pair` talks to, and owns the orderly stop. It only composes: each part subscribes
 * to what it needs and reports its own health.
 *
 * @example
 * ```ts
 * const relay = await startRelay(resolveServeOptions({ port: "0" }, ctx), { log });
 * console.log(relay.url); // ws://127.0.0.1:41234/ws
 * await relay.stop("test over");
 * ```
 */
import { networkInterfaces } from "node:os";
import { createAuthService } from "./auth/auth-service.ts";
import { KeyStoreError, openAuthorizedKeys } from "./auth/key-store.ts";
import { partialMessagesArgs, supportsPartialMessages } from "./claude/partial-messages.ts";
import { ClaudeBinaryNotFoundError, resolveClaudeBin } from "./claude/resolve-bin.ts";
import { ClaudeSupervisor } from "./claude/supervisor.ts";
import type { Logger } from "./log/logger.ts";
import { type Notification, Notifier } from "./notify/notifier.ts";
import { startControlSocket } from "./pair/control-socket.ts";
import { PairingService } from "./pair/pairing-service.ts";
import type { RelayOptions } from "./relay-options.ts";
import { detectRuntime } from "./runtime/index.ts";
import { AddressInUseError, formatHostPort, type RuntimeAdapter } from "./runtime/types.ts";
import { createApp, type Health } from "./server/app.ts";
import { startFdMonitor } from "./server/fd-monitor.ts";
import { Gateway } from "./server/gateway.ts";
import { healthReport, keysDegraded, relayGauges } from "./server/health.ts";
import { startHeartbeat } from "./server/heartbeat.ts";
import { Metrics } from "./server/metrics.ts";
import { pairingBase, reachableOrigins } from "./server/urls.ts";
import { openEventStore } from "./session/event-store.ts";
import { conversationHistory } from "./session/history.ts";
import { Session } from "./session/session.ts";
import { loadSessionList, saveSessionList, sessionListFile } from "./session/session-list.ts";
import { type OpenSession, SessionManager } from "./session/session-manager.ts";
import { bypassPermissionsAllowed, choosablePermissionModes } from "./session/session-settings.ts";
import { loadOrCreateSessionId } from "./session/session-store.ts";
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
}

export async function startRelay(options: RelayOptions, deps: RelayDeps): Promise<Relay> {
  const { log } = deps;
  const startedAt = Date.now();
  const tls = options.tls ? await loadTls(() => ServedCertificate.load(options.tls!, log.child({ component: "tls" }))) : undefined;

  const keys = openOrExplain(() => openAuthorizedKeys({ path: options.authorizedKeysPath, explicit: options.authorizedKeysExplicit, logger: log }));
  const diagnosis = keys.startupDiagnosis();
  if (diagnosis.level === "warn") log.warn(diagnosis.message, { path: keys.path });
  else log.info(diagnosis.message, { path: keys.path });

  let claudeBin: string;
  try {
    claudeBin = resolveClaudeBin({ bin: options.claudeBin, cwd: options.cwd });
  } catch (error) {
    keys.close();
    if (error instanceof ClaudeBinaryNotFoundError) throw new StartupError(`${error.message}; install Claude Code or pass --claude-bin PATH`);
    throw error;
  }

  const { sessionId, resumed } = loadOrCreateSessionId({ stateDir: options.stateDir, cwd: options.cwd, fresh: options.newSession });
  log.info(resumed ? "resuming session" : "new session", { sessionId, cwd: options.cwd, stateDir: options.stateDir });

  const metrics = new Metrics();
  const claudeEnv = deps.env ?? process.env;
  const bypass = bypassPermissionsAllowed(options.allowBypassPermissions, options.claudeArgs);
  const permissionModes = choosablePermissionModes(bypass.allowed);
  // the live view's partial messages, where this Claude Code has them (2.0.77 does not)
  const partialMessages = await supportsPartialMessages(claudeBin, claudeEnv);
  if (!partialMessages)
    log.info("this Claude Code cannot stream partial messages (no --include-partial-messages): clients see complete messages only", { claudeBin });
  const claudeArgs = [...partialMessagesArgs(partialMessages, options.claudeArgs), ...bypass.claudeArgs, ...options.claudeArgs];
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
  const sessions = new SessionManager({
    open,
    defaultSession: { sessionId, cwd: options.cwd },
    restored: loadSessionList(listFile),
    maxSessions: options.maxSessions,
    allowDirs: options.allowDirs,
    permissionModes,
    log: log.child({ component: "sessions" }),
    persist: (records) => saveSessionList(listFile, records),
    history: conversationHistory(claudeEnv),
    idleTimeoutMs: options.idleTimeoutMs,
    ...(notifier && { notify: (notification: Notification) => notifier.notify(notification) }),
  });
  let pairingOrigin = "";
  const pairing = new PairingService({
    authorizedKeysPath: options.authorizedKeysPath,
    pairingUrl: (code) => `${pairingOrigin}/#pair=${code}`,
    log: log.child({ component: "pairing" }),
  });
  const session = sessions.defaultSession;
  const claude = sessions.defaultClaude;
  const gateway = new Gateway({
    pairing,
    auth: createAuthService({ store: keys, challengeTtlMs: options.authTimeoutMs }),
    session: sessions,
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
      relayGauges(session.health(), {
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
  });
  let server: Awaited<ReturnType<typeof runtime.listen>>;
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
    keys.close();
    sessions.close();
    if (error instanceof AddressInUseError) throw new StartupError(error.message);
    throw new StartupError(`cannot listen on ${formatHostPort(options.host, options.port)}: ${(error as Error).message}`);
  }
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
      await Promise.all([server.stop(), sessions.stopClaudes(), control?.close(), notifier?.close()]);
      keys.close();
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

async function loadTls(load: () => Promise<ServedCertificate>): Promise<ServedCertificate> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof TlsError) throw new StartupError(error.message);
    throw error;
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
