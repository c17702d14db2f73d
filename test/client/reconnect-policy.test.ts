import { describe, expect, test } from "bun:test";
import { backoffSettings } from "../../src/client/backoff.ts";
import { type ConnectionLoss, decideReconnect } from "../../src/client/reconnect-policy.ts";

const backoff = backoffSettings({ initialDelayMs: 10, maxAttempts: 2, jitter: 0 });
/** A network drop after the client had logged in, first of its streak. */
const drop = (over: Partial<ConnectionLoss> = {}): ConnectionLoss => ({
  closeCode: 1006,
  everAuthenticated: true,
  attempts: 0,
  authTimeouts: 0,
  elapsedMs: 0,
  ...over,
});

describe("decideReconnect: after a login", () => {
  test.each([1006, 1001, 1011, 1013, 1009, 4000])("close %i: retry with backoff", (closeCode) => {
    expect(decideReconnect(drop({ closeCode }), backoff, 0)).toEqual({ action: "retry", delayMs: 10, attempt: 1, authTimeouts: 0 });
  });

  test("the relay's error before the close does not stop it (slow_consumer, shutting_down)", () => {
    expect(decideReconnect(drop({ closeCode: 1013, relayError: "slow_consumer" }), backoff, 0)).toMatchObject({ action: "retry" });
    expect(decideReconnect(drop({ closeCode: 1001, relayError: "shutting_down" }), backoff, 0)).toMatchObject({ action: "retry" });
  });

  test("gives up after maxAttempts; a new streak (after auth.ok) starts over", () => {
    const decisions = [0, 1, 2].map((attempts) => decideReconnect(drop({ attempts }), backoff, 0));
    expect(decisions).toEqual([
      { action: "retry", delayMs: 10, attempt: 1, authTimeouts: 0 },
      { action: "retry", delayMs: 20, attempt: 2, authTimeouts: 0 },
      { action: "give_up", reason: "gave_up" },
    ]);
    expect(decideReconnect(drop({ attempts: 0 }), backoff, 0)).toMatchObject({ action: "retry", delayMs: 10 });
  });

  test("gives up once giveUpAfterMs has passed, whatever the attempt count", () => {
    const limited = backoffSettings({ initialDelayMs: 10, giveUpAfterMs: 60_000 });
    expect(decideReconnect(drop({ attempts: 3, elapsedMs: 59_999 }), limited, 0)).toMatchObject({ action: "retry", attempt: 4 });
    expect(decideReconnect(drop({ attempts: 3, elapsedMs: 60_000 }), limited, 0)).toEqual({ action: "give_up", reason: "gave_up" });
  });

  test("the random number spreads the delay", () => {
    const jittered = backoffSettings({ initialDelayMs: 1000, jitter: 0.5 });
    expect(decideReconnect(drop(), jittered, 0.5)).toMatchObject({ delayMs: 750 });
  });

  test("reconnect off: the first drop is the end", () => {
    expect(decideReconnect(drop(), undefined, 0)).toEqual({ action: "give_up", reason: "connection_lost" });
  });
});

describe("decideReconnect: never retried", () => {
  test.each([
    [{ closeCode: 4401 }, "auth_failed"],
    [{ closeCode: 1000, relayError: "auth_failed" }, "auth_failed"],
    [{ closeCode: 0, localFailure: "signer_failed" }, "signer_failed"],
    [{ closeCode: 0, localFailure: "challenge_refused" }, "challenge_refused"],
    [{ closeCode: 0, localFailure: "invalid_url" }, "unreachable"],
  ] as const)("%j → %s", (loss, reason) => {
    expect(decideReconnect(drop(loss), backoff, 0)).toEqual({ action: "give_up", reason });
    expect(decideReconnect(drop({ ...loss, everAuthenticated: false }), backoff, 0)).toEqual({ action: "give_up", reason });
  });
});

describe("decideReconnect: auth timeouts", () => {
  test("one is retried (a slow agent), a second in a row is the end", () => {
    const first = decideReconnect(drop({ closeCode: 4408 }), backoff, 0);
    expect(first).toEqual({ action: "retry", delayMs: 10, attempt: 1, authTimeouts: 1 });
    expect(decideReconnect(drop({ closeCode: 4408, attempts: 1, authTimeouts: 1 }), backoff, 0)).toEqual({ action: "give_up", reason: "auth_timeout" });
  });

  test("announced by the error frame alone, it counts the same", () => {
    expect(decideReconnect(drop({ closeCode: 1006, relayError: "auth_timeout", authTimeouts: 1 }), backoff, 0)).toEqual({
      action: "give_up",
      reason: "auth_timeout",
    });
  });

  test("other drops keep the count", () => {
    expect(decideReconnect(drop({ authTimeouts: 1 }), backoff, 0)).toMatchObject({ action: "retry", authTimeouts: 1 });
  });

  test("the first login gets its second chance even with reconnect off, at once", () => {
    const first = drop({ closeCode: 4408, everAuthenticated: false });
    expect(decideReconnect(first, undefined, 0.7)).toEqual({ action: "retry", delayMs: 0, attempt: 1, authTimeouts: 1 });
    expect(decideReconnect(first, backoff, 0)).toEqual({ action: "retry", delayMs: 10, attempt: 1, authTimeouts: 1 });
    expect(decideReconnect({ ...first, attempts: 1, authTimeouts: 1 }, undefined, 0)).toEqual({ action: "give_up", reason: "auth_timeout" });
  });
});

describe("decideReconnect: before the first login", () => {
  test.each([1006, 1013, 4000, 1001])("close %i: unreachable at once (no retrying a typo)", (closeCode) => {
    expect(decideReconnect(drop({ closeCode, everAuthenticated: false }), backoff, 0)).toEqual({ action: "give_up", reason: "unreachable" });
  });

  test("server_full is reported, not retried", () => {
    expect(decideReconnect(drop({ closeCode: 1013, relayError: "server_full", everAuthenticated: false }), backoff, 0)).toEqual({
      action: "give_up",
      reason: "unreachable",
    });
  });
});

describe("decideReconnect: keepTrying (a page left open)", () => {
  const patient = backoffSettings({ initialDelayMs: 10, maxAttempts: 2, jitter: 0, keepTrying: true });
  test("a relay not there yet is retried with the backoff, past maxAttempts", () => {
    expect(decideReconnect(drop({ everAuthenticated: false }), patient, 0)).toEqual({ action: "retry", delayMs: 10, attempt: 1, authTimeouts: 0 });
    expect(decideReconnect(drop({ attempts: 5 }), patient, 0)).toMatchObject({ action: "retry", attempt: 6 });
    expect(decideReconnect(drop({ closeCode: 4408, authTimeouts: 3 }), patient, 0)).toMatchObject({ action: "retry" });
  });

  test("a refused key is retried slowly: 3 s, doubling, at most 15 s", () => {
    const delays = [0, 1, 2, 3].map((attempts) => decideReconnect(drop({ closeCode: 4401, everAuthenticated: false, attempts }), patient, 0));
    expect(delays.map((decision) => decision.action === "retry" && decision.delayMs)).toEqual([3000, 6000, 12_000, 15_000]);
    expect(decideReconnect(drop({ relayError: "auth_failed", closeCode: 1000 }), patient, 0)).toMatchObject({ action: "retry", delayMs: 3000 });
  });

  test("a failure on this side still ends it", () => {
    expect(decideReconnect(drop({ localFailure: "challenge_refused" }), patient, 0)).toEqual({ action: "give_up", reason: "challenge_refused" });
  });
});
