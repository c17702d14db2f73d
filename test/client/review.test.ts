/**
 * RelayClient's review requests against a real relay whose default session runs in a real git
 * repository: changes(), diff() and readFile() resolve with the relay's answers for the session in
 * focus (or a named one); refusals reject with the relay's code.
 */
import { beforeAll, expect, test } from "bun:test";
import { RelayRequestError } from "../../src/client/errors.ts";
import { type GitRepo, makeGitRepo } from "../support/git-repo.ts";
import type { TestRelay } from "../support/relay.ts";
import { relayWithClients } from "../support/relay-clients.ts";

const world = relayWithClients();
let relay: TestRelay;
let repo: GitRepo;
beforeAll(() => {
  relay = world.relay();
  repo = makeGitRepo(relay.options.cwd);
  repo.write("a.txt", "one\n");
  repo.commit("first");
  repo.write("a.txt", "one\ntwo\n");
  repo.write("new.bin", new Uint8Array([0, 1, 2]));
});

test("changes(), diff() and readFile() answer for the session in focus", async () => {
  const client = world.client();
  const ok = await client.connect(relay.url);
  expect(await client.changes()).toMatchObject({
    type: "changes",
    sessionId: ok.sessionId,
    git: true,
    branch: "main",
    files: [
      { path: "a.txt", status: "modified", additions: 1, deletions: 0 },
      { path: "new.bin", status: "untracked", additions: 0, deletions: 0, binary: true },
    ],
  });
  expect((await client.diff("a.txt")).patch).toContain("+two\n");
  expect(await client.readFile("a.txt", { offset: 4 })).toMatchObject({ type: "file", data: "two\n", offset: 4, length: 4, size: 8, encoding: "utf8" });
  expect(await client.readFile("new.bin", { sessionId: ok.sessionId })).toMatchObject({ encoding: "base64", data: "AAEC" });
});

test("refusals reject with the relay's code", async () => {
  const client = world.client();
  await client.connect(relay.url);
  const refused = await client.readFile("../etc/passwd").catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(RelayRequestError);
  expect((refused as RelayRequestError).code).toBe("invalid_path");
  expect(((await client.changes("no-such-session").catch((error: unknown) => error)) as RelayRequestError).code).toBe("unknown_session");
  expect(((await client.diff(".git/config").catch((error: unknown) => error)) as RelayRequestError).code).toBe("invalid_path");
});
