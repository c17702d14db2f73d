/**
 * The device key's life cycle on Bun's WebCrypto with an in-memory store standing in for
 * IndexedDB (the browser tests use the real one): made once, kept, Ed25519 first and P-256 where
 * Ed25519 is missing, forgotten on request.
 */
import { describe, expect, test } from "bun:test";
import { DeviceKeyUnavailableError, forgetDeviceKey, loadOrCreateDeviceKey, type StoredDeviceKey } from "../../../src/web/key/device-key.ts";
import type { KeyDb } from "../../../src/web/key/key-db.ts";

function memoryDb(): KeyDb<StoredDeviceKey> & { puts: number } {
  let value: StoredDeviceKey | undefined;
  const db = {
    puts: 0,
    get: async () => value,
    put: async (next: StoredDeviceKey) => {
      db.puts++;
      value = next;
    },
    remove: async () => {
      value = undefined;
    },
  };
  return db;
}

/** WebCrypto that refuses `refused` algorithms, as a browser lacking them does. */
function subtleWithout(...refused: string[]): SubtleCrypto {
  return new Proxy(crypto.subtle, {
    get(target, name) {
      if (name === "generateKey") {
        return (algorithm: AlgorithmIdentifier, ...rest: unknown[]) => {
          const algorithmName = typeof algorithm === "string" ? algorithm : algorithm.name;
          if (refused.includes(algorithmName)) return Promise.reject(new DOMException("not supported", "NotSupportedError"));
          return (target.generateKey as (...args: unknown[]) => Promise<unknown>).call(target, algorithm, ...rest);
        };
      }
      const value = Reflect.get(target, name);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

const deps = { userAgent: "Mozilla/5.0 (Linux; Android 15) Chrome/150.0 Mobile Safari/537.36", now: () => new Date("2026-11-28T00:00:00Z") };

describe("loadOrCreateDeviceKey", () => {
  test("first visit: an Ed25519 key, stored; later visits: the same key", async () => {
    const db = memoryDb();
    const first = await loadOrCreateDeviceKey({ db, ...deps });
    expect(first.algorithm).toBe("ed25519");
    expect(first.line).toStartWith("ssh-ed25519 AAAA");
    expect(first.line).toEndWith(" claude-relay:Chrome-on-Android 2026-11-28");
    expect(first.listing).toBe(`256 ${first.fingerprint} claude-relay:Chrome-on-Android 2026-11-28 (ED25519)`);
    expect(first.privateKey.extractable).toBe(false);
    const again = await loadOrCreateDeviceKey({ db, ...deps });
    expect(again.line).toBe(first.line);
    expect(db.puts).toBe(1);
  });

  test("without Ed25519: an ECDSA P-256 key", async () => {
    const key = await loadOrCreateDeviceKey({ db: memoryDb(), subtle: subtleWithout("Ed25519"), ...deps });
    expect(key.algorithm).toBe("p256");
    expect(key.line).toStartWith("ecdsa-sha2-nistp256 AAAA");
    expect(key.listing).toEndWith("(ECDSA)");
  });

  test("with neither: a clear error, nothing stored", async () => {
    const db = memoryDb();
    const failure = loadOrCreateDeviceKey({ db, subtle: subtleWithout("Ed25519", "ECDSA"), ...deps });
    expect(failure).rejects.toBeInstanceOf(DeviceKeyUnavailableError);
    await failure.catch(() => {});
    expect(db.puts).toBe(0);
  });

  test("forgetting the key: the next visit makes a new one", async () => {
    const db = memoryDb();
    const first = await loadOrCreateDeviceKey({ db, ...deps });
    await forgetDeviceKey(db);
    const second = await loadOrCreateDeviceKey({ db, ...deps });
    expect(second.fingerprint).not.toBe(first.fingerprint);
  });
});
