import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { authenticate } from "../../src/auth/authenticator.ts";
import { createChallenge } from "../../src/auth/challenge.ts";
import { KeyStoreError, openAuthorizedKeys } from "../../src/auth/key-store.ts";
import { generateKey, makeTempDir, removeTempDir, sshKeygenSign, type TestKey } from "../support/ssh.ts";

let dir: string;
let alice: TestKey;
let bob: TestKey;
/** Another ed25519 key whose line is exactly as long as alice's. */
let carol: TestKey;
beforeAll(() => {
  dir = makeTempDir();
  alice = generateKey(dir, "ed25519", "alice");
  bob = generateKey(dir, "ecdsa-256", "bob");
  carol = generateKey(dir, "ed25519", "carol");
});
afterAll(() => removeTempDir(dir));

let counter = 0;
function freshFile(content?: string): string {
  const path = join(dir, `authorized_keys.${++counter}`);
  if (content !== undefined) writeFileSync(path, content);
  return path;
}

async function waitFor(condition: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("startup diagnosis", () => {
  test("missing default file: starts, warns that nobody can log in", () => {
    const store = openAuthorizedKeys({ path: freshFile(), watch: false });
    expect(store.current().entries).toEqual([]);
    expect(store.startupDiagnosis()).toMatchObject({ level: "warn", message: expect.stringContaining("NOBODY CAN LOG IN") });
    expect(store.startupDiagnosis().message).toContain("no such file");
  });

  test("missing explicitly given file is an error", () => {
    const path = freshFile();
    expect(() => openAuthorizedKeys({ path, explicit: true, watch: false })).toThrow(KeyStoreError);
    expect(() => openAuthorizedKeys({ path, explicit: true, watch: false })).toThrow(`cannot read authorized keys file ${path}: no such file`);
  });

  test("a directory given explicitly is an error", () => {
    const path = join(dir, "a-directory");
    mkdirSync(path);
    expect(() => openAuthorizedKeys({ path, explicit: true, watch: false })).toThrow("not a regular file");
  });

  test("empty file, and a file of only refused keys, warn loudly", () => {
    for (const content of ["", "# nothing here\n", `command="ls" ${alice.publicLine}\n`]) {
      const store = openAuthorizedKeys({ path: freshFile(content), explicit: true, watch: false });
      expect(store.startupDiagnosis()).toMatchObject({ level: "warn", message: expect.stringContaining("NOBODY CAN LOG IN") });
    }
  });

  test("usable keys: info with the count", () => {
    const store = openAuthorizedKeys({ path: freshFile(`${alice.publicLine}\n${bob.publicLine}\n`), watch: false });
    expect(store.startupDiagnosis()).toEqual({ level: "info", message: expect.stringContaining("2 authorized keys loaded") });
  });
});

describe("reload", () => {
  test("edit in place: the stat check picks it up before the next verification, listener gets the removed key", () => {
    const path = freshFile(`${alice.publicLine}\n${bob.publicLine}\n`);
    const store = openAuthorizedKeys({ path, watch: false });
    const removed: string[][] = [];
    store.onKeysRemoved((fps) => removed.push(fps));
    const challenge = createChallenge({ server: "s:1", connectionId: "c", now: new Date(), ttlMs: 60_000 }).text;
    const signature = sshKeygenSign(alice.privatePath, challenge);
    const login = () => authenticate({ keys: store.current().entries, challenge, signature, peerAddress: "127.0.0.1", now: new Date() });
    expect(login().ok).toBe(true);

    writeFileSync(path, `# alice left\n${bob.publicLine}\n`);
    expect(login()).toMatchObject({ ok: false, reason: "key is not in authorized_keys", fingerprint: alice.fingerprint });
    expect(removed).toEqual([[alice.fingerprint]]);
    expect(store.current().entries.map((e) => e.fingerprint)).toEqual([bob.fingerprint]);
  });

  test("a line that gains command= counts as removed", () => {
    const path = freshFile(`${alice.publicLine}\n`);
    const store = openAuthorizedKeys({ path, watch: false });
    const removed: string[][] = [];
    store.onKeysRemoved((fps) => removed.push(fps));
    writeFileSync(path, `command="true" ${alice.publicLine}\n`);
    store.current();
    expect(removed).toEqual([[alice.fingerprint]]);
  });

  test("file replaced by rename (as editors do): the watcher fires without any verification", async () => {
    const path = freshFile(`${alice.publicLine}\n${bob.publicLine}\n`);
    const store = openAuthorizedKeys({ path });
    try {
      const removed: string[] = [];
      store.onKeysRemoved((fps) => removed.push(...fps));
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, `${alice.publicLine}\n`);
      renameSync(tmp, path);
      await waitFor(() => removed.length > 0);
      expect(removed).toEqual([bob.fingerprint]);
      // And again: the watch must survive the replacement.
      writeFileSync(tmp, "");
      renameSync(tmp, path);
      await waitFor(() => removed.length > 1);
      expect(removed).toEqual([bob.fingerprint, alice.fingerprint]);
    } finally {
      store.close();
    }
  });

  test("file deleted: everything is removed; recreated: keys come back", () => {
    const path = freshFile(`${alice.publicLine}\n`);
    const store = openAuthorizedKeys({ path, watch: false });
    const removed: string[] = [];
    store.onKeysRemoved((fps) => removed.push(...fps));
    rmSync(path);
    expect(store.current().entries).toEqual([]);
    expect(removed).toEqual([alice.fingerprint]);
    writeFileSync(path, `${alice.publicLine}\n`);
    expect(store.current().entries).toHaveLength(1);
  });

  test("unsubscribe stops notifications", () => {
    const path = freshFile(`${alice.publicLine}\n`);
    const store = openAuthorizedKeys({ path, watch: false });
    let calls = 0;
    const off = store.onKeysRemoved(() => calls++);
    off();
    writeFileSync(path, "");
    store.current();
    expect(calls).toBe(0);
  });
});

/** Rewrites `path` in place (same inode) and moves its mtime and atime `seconds` ahead. */
function rewriteInPlace(path: string, content: string, seconds: number): void {
  const before = statSync(path);
  writeFileSync(path, content);
  utimesSync(path, before.atimeMs / 1000 + seconds, before.mtimeMs / 1000 + seconds);
}

describe("checks without fs.watch: an edit applies to every login that connects after it", () => {
  test("same-size rewrite in place with a new mtime: the next login sees it", () => {
    const path = freshFile(`${alice.publicLine}\n`);
    const store = openAuthorizedKeys({ path, watch: false, pollIntervalMs: 0 });
    const removed: string[] = [];
    store.onKeysRemoved((fps) => removed.push(...fps));
    const first = store.checkpoint();
    expect(store.current(first).entries.map((e) => e.fingerprint)).toEqual([alice.fingerprint]);

    const inode = statSync(path).ino;
    rewriteInPlace(path, `${carol.publicLine}\n`, 5);
    expect([statSync(path).size, statSync(path).ino]).toEqual([`${alice.publicLine}\n`.length, inode]);

    const next = store.checkpoint(); // a connection opened after the edit
    expect(store.current(next).entries.map((e) => e.fingerprint)).toEqual([carol.fingerprint]);
    expect(removed).toEqual([alice.fingerprint]);
  });

  test("one check serves every connection opened before it; a connection opened after it gets a new one", () => {
    const path = freshFile(`${alice.publicLine}\n`);
    const store = openAuthorizedKeys({ path, watch: false, pollIntervalMs: 0 });
    const a = store.checkpoint();
    const b = store.checkpoint();
    expect(store.current(a).entries).toHaveLength(1); // checks: a opened before any check since
    rewriteInPlace(path, "", 5);
    // b opened before that check, so the check saw everything saved before b connected: reused.
    // (b's login raced the edit; the next check or fs.watch ends its session if it got in.)
    expect(store.current(b).entries).toHaveLength(1);
    const c = store.checkpoint();
    expect(store.current(c).entries).toEqual([]);
    expect(store.current(c).entries).toEqual([]);
  });

  test("without a checkpoint every call checks", () => {
    const path = freshFile(`${alice.publicLine}\n`);
    const store = openAuthorizedKeys({ path, watch: false, pollIntervalMs: 0 });
    expect(store.current().entries).toHaveLength(1);
    rewriteInPlace(path, `${carol.publicLine}\n`, 5);
    expect(store.current().entries.map((e) => e.fingerprint)).toEqual([carol.fingerprint]);
  });

  test("the poll notices an edit when nothing logs in and fs.watch is off", async () => {
    const path = freshFile(`${alice.publicLine}\n${bob.publicLine}\n`);
    const store = openAuthorizedKeys({ path, watch: false, pollIntervalMs: 20 });
    try {
      const removed: string[] = [];
      store.onKeysRemoved((fps) => removed.push(...fps));
      rewriteInPlace(path, `${bob.publicLine}\n`, 5);
      await waitFor(() => removed.length > 0);
      expect(removed).toEqual([alice.fingerprint]);
    } finally {
      store.close();
    }
  });

  test("a closed store stops polling and keeps its last keys", async () => {
    const path = freshFile(`${alice.publicLine}\n`);
    const store = openAuthorizedKeys({ path, watch: false, pollIntervalMs: 5 });
    let calls = 0;
    store.onKeysRemoved(() => calls++);
    store.close();
    rewriteInPlace(path, "", 5);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(0);
    expect(store.current().entries).toHaveLength(1);
  });
});
