/**
 * Whether this device can get Web Push, and why not in words (src/web/state/push-words.ts): each
 * blocker from the browser's facts, in the order that tells the person the thing to fix first;
 * the kinds a device asks for; iPhone and iPad told from their user agents.
 */
import { describe, expect, test } from "bun:test";
import { isIos, PUSH_BLOCKER_WORDS, type PushFacts, pushBlocker, pushEvents, subscribedWords } from "../../../src/web/state/push-words.ts";

const READY: PushFacts = {
  secureContext: true,
  ios: false,
  standalone: false,
  serviceWorker: true,
  pushManager: true,
  notification: true,
  registered: true,
  permission: "default",
  relayKey: "BLc4xRzKlKORKWlbdgFaBrrPK3ydWAHo4M0gs0i1oEKgPpWC5cW8OCzVrOQRv-1npXRWk8udnW3oYhHhxNrN2z8",
};

describe("pushBlocker", () => {
  test("everything there, allowed or not asked yet: ready", () => {
    expect(pushBlocker(READY)).toBe("ready");
    expect(pushBlocker({ ...READY, permission: "granted" })).toBe("ready");
    expect(pushBlocker({ ...READY, ios: true, standalone: true })).toBe("ready");
  });

  test("each blocker alone", () => {
    expect(pushBlocker({ ...READY, secureContext: false })).toBe("untrusted-origin");
    expect(pushBlocker({ ...READY, registered: false })).toBe("untrusted-origin");
    expect(pushBlocker({ ...READY, ios: true })).toBe("ios-home-screen");
    expect(pushBlocker({ ...READY, serviceWorker: false })).toBe("unsupported");
    expect(pushBlocker({ ...READY, pushManager: false })).toBe("unsupported");
    expect(pushBlocker({ ...READY, notification: false, permission: "unsupported" })).toBe("unsupported");
    expect(pushBlocker({ ...READY, permission: "denied" })).toBe("denied");
    expect(pushBlocker({ ...READY, relayKey: null })).toBe("relay-without-push");
  });

  test("still checking while the service worker or the login is not known yet", () => {
    expect(pushBlocker({ ...READY, registered: undefined })).toBe("checking");
    expect(pushBlocker({ ...READY, relayKey: undefined })).toBe("checking");
  });

  test("the thing to fix first wins: Safari in a tab has no PushManager, and the Home Screen is what brings it", () => {
    expect(pushBlocker({ ...READY, ios: true, pushManager: false, notification: false, permission: "unsupported" })).toBe("ios-home-screen");
    expect(pushBlocker({ ...READY, secureContext: false, ios: true, serviceWorker: false, registered: false })).toBe("untrusted-origin");
    expect(pushBlocker({ ...READY, registered: false, permission: "denied" })).toBe("untrusted-origin");
    // Known blockers are said at once, not after the login.
    expect(pushBlocker({ ...READY, permission: "denied", relayKey: undefined })).toBe("denied");
  });

  test("every blocker has words that say what to do", () => {
    expect(PUSH_BLOCKER_WORDS["untrusted-origin"]).toContain("claude-relay serve --tls --tls-ca");
    expect(PUSH_BLOCKER_WORDS["untrusted-origin"]).toContain("/ca.mobileconfig");
    expect(PUSH_BLOCKER_WORDS["ios-home-screen"]).toContain("Add to Home Screen");
    expect(PUSH_BLOCKER_WORDS.denied).toContain("site settings");
    expect(PUSH_BLOCKER_WORDS["relay-without-push"]).toContain("update claude-relay");
    expect(PUSH_BLOCKER_WORDS.unsupported).toContain("Safari 16.4");
  });
});

test("pushEvents: permission and question always, turn end and failure as chosen", () => {
  expect(pushEvents({ done: true, failed: true })).toEqual(["permission", "question", "done", "failed"]);
  expect(pushEvents({ done: false, failed: true })).toEqual(["permission", "question", "failed"]);
  expect(pushEvents({ done: true, failed: false })).toEqual(["permission", "question", "done"]);
  expect(pushEvents({ done: false, failed: false })).toEqual(["permission", "question"]);
});

test("subscribedWords names what the device gets", () => {
  expect(subscribedWords({ done: false, failed: false })).toBe(
    "This device is notified when Claude asks a permission or a question, while no device of yours has the app open.",
  );
  expect(subscribedWords({ done: true, failed: false })).toContain("and when a turn ends, while");
  expect(subscribedWords({ done: true, failed: true })).toContain("and when a turn ends or a session fails, while");
});

test("isIos: iPhone, iPad, iPod, and iPadOS saying Macintosh with a touch screen; not a Mac, not Android", () => {
  const ua = {
    iphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    ipad: "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0 Mobile/15E148 Safari/604.1",
    ipadOs: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    android: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
  };
  expect(isIos(ua.iphone, 5)).toBe(true);
  expect(isIos(ua.ipad, 5)).toBe(true);
  expect(isIos(ua.ipadOs, 5)).toBe(true);
  expect(isIos(ua.ipadOs, 0)).toBe(false); // a Mac
  expect(isIos(ua.android, 5)).toBe(false);
});
