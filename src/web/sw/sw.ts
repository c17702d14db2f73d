/**
 * The web app's service worker, served at `/sw.js` (built by scripts/build-web.ts with the list of
 * the app shell's files in `__APP_SHELL__`):
 * - **install** caches the app shell (the page, its script and stylesheet, manifest and icon), so
 *   the app opens without the relay and says it is offline;
 * - **fetch** answers the page and the app's files from the network when it can (cache-first for
 *   the immutable hashed assets), from the cache when the relay is unreachable; nothing else is
 *   touched (the WebSocket, /healthz, /ca.crt go to the network as always);
 * - **push** shows the relay's Web Push (`{kind, sessionId, title, body, url}`, see
 *   docs/protocol.md) as a notification, one per session and kind (a newer one replaces it);
 * - **notificationclick** focuses a window of the app and takes it to `url`, or opens one there.
 */

/// <reference lib="webworker" />

declare const __APP_SHELL__: readonly string[];
/** The worker's global scope (typed here: the project compiles with the DOM library). */
const worker = globalThis as unknown as ServiceWorkerGlobalScope;

/** A new build has a new shell, hence a new cache; the old one is deleted once this one is active. */
const CACHE = `shell-${__APP_SHELL__.join(",").length}-${hash(__APP_SHELL__.join(","))}`;

worker.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(__APP_SHELL__))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("shell-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== worker.location.origin) return;
  const shellPath = request.mode === "navigate" && url.pathname === "/" ? "/" : url.pathname;
  if (!__APP_SHELL__.includes(shellPath)) return;
  if (shellPath.startsWith("/assets/")) {
    event.respondWith(caches.match(shellPath).then((cached) => cached ?? fetch(request)));
    return;
  }
  event.respondWith(
    fetch(request).catch(async () => (await caches.match(shellPath)) ?? new Response("offline and not cached", { status: 503, statusText: "Offline" })),
  );
});

interface PushPayload {
  kind: string;
  sessionId: string;
  title: string;
  body: string;
  url: string;
}

worker.addEventListener("push", (event) => {
  let payload: PushPayload;
  try {
    payload = event.data?.json() as PushPayload;
  } catch {
    return;
  }
  if (!payload?.title) return;
  event.waitUntil(
    worker.registration.showNotification(payload.title, {
      body: payload.body,
      icon: "/icon.svg",
      tag: `${payload.sessionId}:${payload.kind}`,
      data: { url: payload.url },
    }),
  );
});

worker.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data as { url?: string } | null)?.url ?? "/", worker.location.origin);
  if (target.origin !== worker.location.origin) return; // only this app's pages
  event.waitUntil(
    worker.clients.matchAll({ type: "window", includeUncontrolled: true }).then(async (windows) => {
      const open = windows.find((client) => new URL(client.url).origin === worker.location.origin);
      if (!open) return void (await worker.clients.openWindow(target.href));
      const focused = await open.focus();
      await focused.navigate(target.href).catch(() => undefined);
    }),
  );
});

/** A short, stable digest of the shell's file list (its names carry content hashes). */
function hash(text: string): string {
  let value = 0;
  for (let i = 0; i < text.length; i++) value = (Math.imul(value, 31) + text.charCodeAt(i)) | 0;
  return (value >>> 0).toString(36);
}
