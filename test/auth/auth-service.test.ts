import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createAuthService } from "../../src/auth/auth-service.ts";
import { openAuthorizedKeys } from "../../src/auth/key-store.ts";
import { FailedAuthLimiter } from "../../src/auth/rate-limit.ts";
import type { PeerInfo } from "../../src/runtime/types.ts";
import { generateKey, makeTempDir, removeTempDir, sshKeygenSign, type TestKey } from "../support/ssh.ts";

const PEER: PeerInfo = { address: "127.0.0.1", port: 50000, host: "127.0.0.1:7717" };

let dir: string;
let alice: TestKey;
let carol: TestKey;
beforeAll(() => {
  dir = makeTempDir();
  alice = generateKey(dir, "ed25519", "alice");
  carol = generateKey(dir, "ed25519", "carol");
});
afterAll(() => removeTempDir(dir));

/** A service over its own authorized_keys file, with fs.watch and the poll off: only the login-time check can see edits. */
function service(content: string) {
  const path = join(dir, `authorized_keys.${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, content);
  const store = openAuthorizedKeys({ path, watch: false, pollIntervalMs: 0 });
  return { path, auth: createAuthService({ store, challengeTtlMs: 10_000 }) };
}

/** One login: the connection opens (challenge issued), the client signs with `key`, the relay verifies. */
async function login(auth: ReturnType<typeof service>["auth"], key: TestKey) {
  const challenge = auth.issueChallenge("conn", PEER);
  return auth.verify(challenge, sshKeygenSign(key.privatePath, challenge.text), PEER);
}

describe("auth service", () => {
  test("issues the canonical challenge for the address the client used, valid for the ttl", () => {
    const { auth } = service(`${alice.publicLine}\n`);
    const challenge = auth.issueChallenge("c-42", PEER);
    expect(challenge.expiresInMs).toBe(10_000);
    expect(challenge.text.split("\n").slice(0, 3)).toEqual(["claude-relay-auth v1", "server: 127.0.0.1:7717", "connection: c-42"]);
    expect(auth.issueChallenge("c-42", PEER).text).not.toBe(challenge.text);
  });

  test("an answer after the challenge's ttl is refused as expired (the issued expiry, not a re-read of the text)", async () => {
    const path = join(dir, "authorized_keys.ttl");
    writeFileSync(path, `${alice.publicLine}\n`);
    let clock = Date.parse("2026-11-28T00:00:00.000Z");
    const auth = createAuthService({ store: openAuthorizedKeys({ path, watch: false, pollIntervalMs: 0 }), challengeTtlMs: 10_000, now: () => clock });
    const challenge = auth.issueChallenge("conn", PEER);
    expect(challenge.text).toEndWith("expires: 2026-11-28T00:00:10.000Z");
    const signature = sshKeygenSign(alice.privatePath, challenge.text);
    clock += 10_000;
    expect(await auth.verify(challenge, signature, PEER)).toMatchObject({ ok: true });
    clock += 1;
    expect(await auth.verify({ ...challenge }, signature, PEER)).toMatchObject({ ok: false, kind: "challenge_expired" });
  });

  test("a key removed by a same-size rewrite in place fails at the next login although fs.watch never fired", async () => {
    const { path, auth } = service(`${alice.publicLine}\n`);
    expect(await login(auth, alice)).toMatchObject({ ok: true, key: { fingerprint: alice.fingerprint } });
    const before = statSync(path);
    writeFileSync(path, `${carol.publicLine}\n`);
    utimesSync(path, before.atimeMs / 1000 + 5, before.mtimeMs / 1000 + 5);
    expect(statSync(path)).toMatchObject({ size: before.size, ino: before.ino });

    expect(await login(auth, alice)).toMatchObject({ ok: false, kind: "unknown_key", fingerprint: alice.fingerprint });
    expect(await login(auth, carol)).toMatchObject({ ok: true, key: { fingerprint: carol.fingerprint } });
  });

  test("a key added applies to the next login", async () => {
    const { path, auth } = service("");
    expect(await login(auth, alice)).toMatchObject({ ok: false, kind: "unknown_key" });
    writeFileSync(path, `${alice.publicLine}\n`);
    expect(await login(auth, alice)).toMatchObject({ ok: true });
  });

  test("failures are counted per address by the limiter it was given", () => {
    const { path } = service("");
    const limiter = new FailedAuthLimiter({ burst: 2 });
    const auth = createAuthService({ store: openAuthorizedKeys({ path, watch: false, pollIntervalMs: 0 }), challengeTtlMs: 10_000, limiter });
    expect(auth.isRateLimited("10.0.0.1")).toBe(false);
    auth.recordFailure("10.0.0.1");
    auth.recordFailure("10.0.0.1");
    expect(auth.isRateLimited("10.0.0.1")).toBe(true);
    expect(auth.isRateLimited("10.0.0.2")).toBe(false);
  });
});
