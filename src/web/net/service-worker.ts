/**
 * Registers the app's service worker (`/sw.js`): the app shell then opens without the relay, and
 * Web Push can be shown while the app is closed. The page runs under Trusted Types, so the script
 * URL goes through a policy of its own (`sw-url`, allowed by the CSP) that accepts only `/sw.js`.
 * Where service workers are unavailable (an origin the browser does not trust, an old browser)
 * nothing happens: the app works as before, and Web Push says why it cannot (net/push.ts).
 *
 * @example
 * ```ts
 * const registration = registerServiceWorker(); // at start-up; resolves once active, or undefined
 * ```
 */

const SCRIPT = "/sw.js";

interface ScriptUrlPolicy {
  createScriptURL(url: string): unknown;
}

/** Registers `/sw.js` for the whole app; resolves with the registration once its worker is active, undefined where it cannot be. */
export async function registerServiceWorker(): Promise<ServiceWorkerRegistration | undefined> {
  if (!("serviceWorker" in navigator) || !globalThis.isSecureContext) return undefined;
  try {
    await navigator.serviceWorker.register(scriptUrl() as string, { scope: "/", type: "classic" });
  } catch {
    return undefined; // e.g. a certificate the browser does not fully trust
  }
  return navigator.serviceWorker.ready; // PushManager.subscribe needs an active worker
}

/** The policy, made once: the CSP allows one policy of that name per page (a second start, e.g. after forgetting the key, would be refused). */
let policy: ScriptUrlPolicy | undefined;

function scriptUrl(): unknown {
  const trustedTypes = (globalThis as { trustedTypes?: { createPolicy(name: string, rules: { createScriptURL(url: string): string }): ScriptUrlPolicy } })
    .trustedTypes;
  if (!trustedTypes) return SCRIPT;
  policy ??= trustedTypes.createPolicy("sw-url", {
    createScriptURL: (url) => {
      if (url !== SCRIPT) throw new TypeError(`only ${SCRIPT} may be registered as a service worker`);
      return url;
    },
  });
  return policy.createScriptURL(SCRIPT);
}
