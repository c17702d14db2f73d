/**
 * The relay's own directory (`serve --cwd`) counts as allowed for history.list and session.create
 * even when it lies outside every --allow-dir (here: the default, the temporary HOME), so a phone
 * can list, continue and start conversations where the relay works; any other directory outside
 * stays refused.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { isInside } from "../../src/session/session-dir.ts";
import { SYNTHETIC_CLAUDE } from "../support/cli-process.ts";
import { startTestRelay, type TestRelay } from "../support/relay.ts";
import { request } from "../support/session-messages.ts";
import type { TestClient } from "../support/ws-client.ts";

let relay: TestRelay;
let phone: TestClient;
let work: string;
let home: string;
beforeAll(async () => {
  relay = await startTestRelay({ flags: { claudeBin: SYNTHETIC_CLAUDE } }); // --cwd <dir>/work, --allow-dir defaults to HOME (<dir>/home)
  work = relay.options.cwd;
  home = join(relay.dir, "home");
  expect(relay.options.allowDirs).toEqual([home]);
  expect(isInside(work, home)).toBe(false);
  phone = await relay.connectAuthenticated();
});
afterAll(async () => {
  await phone.close();
  await relay.stop();
});

describe("the relay's own directory outside every --allow-dir", () => {
  test("history.list answers for it", async () => {
    expect(await request(phone, { type: "history.list", cwd: work })).toMatchObject({ type: "history", conversations: [] });
  });

  test("session.create starts a session there, and below it", async () => {
    const sub = join(work, "packages", "api");
    mkdirSync(sub, { recursive: true });
    for (const cwd of [work, sub]) {
      const created = await request(phone, { type: "session.create", cwd });
      expect(created).toMatchObject({ type: "session.created" });
      expect(await request(phone, { type: "session.stop", sessionId: created.sessionId })).toMatchObject({ type: "session.stopped" });
    }
  });

  test("another directory outside is still refused, naming what is allowed", async () => {
    const outside = join(relay.dir, "outside");
    mkdirSync(outside);
    const message = `${JSON.stringify(outside)} is outside every allowed directory (--allow-dir: ${realpathSync(home)}; --cwd: ${realpathSync(work)})`;
    expect(await request(phone, { type: "history.list", cwd: outside })).toMatchObject({ type: "error", code: "invalid_session_dir", message });
    expect(await request(phone, { type: "session.create", cwd: outside })).toMatchObject({ type: "error", code: "invalid_session_dir", message });
    expect(await request(phone, { type: "history.list", cwd: relay.dir })).toMatchObject({ code: "invalid_session_dir" }); // the parent is no more allowed
  });
});
