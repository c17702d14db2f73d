/**
 * The page's pairing request (src/web/net/pairing.ts) against a real relay, with
 * `claude-relay pair --yes` as its own process; run in Bun, whose WebSocket is the browser's API.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { PairingError, pairingFailureWords, pairLink, requestPairing } from "../../../src/web/net/pairing.ts";
import { SYNTHETIC_CLAUDE } from "../../support/cli-process.ts";
import { killPairProcesses, startPair } from "../../support/pair-process.ts";
import { startTestRelay, type TestRelay } from "../../support/relay.ts";
import { generateKey } from "../../support/ssh.ts";

let relay: TestRelay;
beforeAll(async () => {
  relay = await startTestRelay({ flags: { claudeBin: SYNTHETIC_CLAUDE } });
});
afterEach(killPairProcesses);
afterAll(() => relay?.stop());

const keyField = (line: string) => line.split(" ").slice(0, 2).join(" ");

describe("pairLink", () => {
  test("the code of a pairing link's fragment; anything else is no link", () => {
    expect(pairLink("#pair=q3Vt0e6xJm2k7yH1bN5sDw4p")).toEqual({ code: "q3Vt0e6xJm2k7yH1bN5sDw4p" });
    expect(pairLink("")).toBeUndefined();
    expect(pairLink("#pair=")).toBeUndefined();
    expect(pairLink("#pair=abc&x=1")).toBeUndefined();
    expect(pairLink("#other=abc")).toBeUndefined();
    expect(pairLink(`#pair=${"a".repeat(257)}`)).toBeUndefined();
  });

  test("the name `pair --name` put in the link, decoded; an unusable one is left out", () => {
    expect(pairLink("#pair=abc&name=phone")).toEqual({ code: "abc", name: "phone" });
    expect(pairLink("#pair=abc&name=Anna%E2%80%99s%20phone")).toEqual({ code: "abc", name: "Anna’s phone" });
    expect(pairLink("#pair=abc&name=%E0%A4%A")).toEqual({ code: "abc" }); // broken percent-encoding
    expect(pairLink("#pair=abc&name=%0A%1B%20")).toEqual({ code: "abc" }); // only control characters
    expect(pairLink(`#pair=abc&name=${"x".repeat(100)}`)).toEqual({ code: "abc", name: "x".repeat(64) });
    expect(pairLink("#pair=abc&name=")).toBeUndefined();
    expect(pairLink("#pair=abc&name=a&name=b")).toBeUndefined();
  });
});

describe("requestPairing", () => {
  test("with the link's code: pair.ok with the key's fingerprint; the key is added under the name given", async () => {
    const key = generateKey(relay.dir, "ed25519", "web-pairing");
    const pair = startPair(relay, ["--yes"]);
    const code = await pair.code;
    expect(await requestPairing({ url: relay.url, code, publicKey: keyField(key.publicLine), name: " my phone " })).toEqual({ fingerprint: key.fingerprint });
    expect(await pair.exit).toBe(0);
    expect(readFileSync(relay.options.authorizedKeysPath, "utf8")).toContain(`${keyField(key.publicLine)} claude-relay:my-phone `);
  }, 30_000);

  test("a used code and a wrong one: PairingError pair_failed, told in words", async () => {
    const pair = startPair(relay, ["--yes"]);
    const code = await pair.code;
    await requestPairing({ url: relay.url, code, publicKey: keyField(generateKey(relay.dir, "ed25519", "web-first").publicLine) });
    for (const [index, tried] of [code, "A".repeat(24)].entries()) {
      const error = await requestPairing({
        url: relay.url,
        code: tried,
        publicKey: keyField(generateKey(relay.dir, "ed25519", `web-refused-${index}`).publicLine),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PairingError);
      expect((error as PairingError).code).toBe("pair_failed");
      expect(pairingFailureWords(error as PairingError)).toBe(
        "Pairing failed: the pairing code is wrong, used or expired; run `claude-relay pair` on the relay's machine for a new one.",
      );
    }
  }, 30_000);

  test("no relay at the address: PairingError closed, saying so", async () => {
    const error = (await requestPairing({ url: "ws://127.0.0.1:9/ws", code: "x", publicKey: "ssh-ed25519 AAAA" }).catch((e: unknown) => e)) as PairingError;
    expect(error.code).toBe("closed");
    expect(pairingFailureWords(error)).toBe("Pairing did not finish: no connection to the relay.");
  });
});
