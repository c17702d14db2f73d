import { describe, expect, test } from "bun:test";
import { type GiveUpContext, giveUpError, RelayClientError } from "../../src/client/errors.ts";
import { authorizedKeysLine } from "../../src/client/key-line.ts";

/** An ssh-ed25519 public key blob: the type name, then 32 key bytes. */
const blob = new Uint8Array([0, 0, 0, 11, ...new TextEncoder().encode("ssh-ed25519"), 0, 0, 0, 32, ...new Array(32).fill(7)]);
const context: GiveUpContext = {
  url: "ws://127.0.0.1:7717/ws",
  signer: { fingerprint: "SHA256:abc", source: "agent", publicKey: blob, comment: "me@phone" },
  closeCode: 1006,
  closeReason: "",
  attempts: 0,
  elapsedMs: 0,
};

describe("giveUpError", () => {
  test("auth_failed names the key, where it came from, and the exact authorized_keys line that lets it in", () => {
    const error = giveUpError("auth_failed", { ...context, closeCode: 4401 });
    expect(error).toBeInstanceOf(RelayClientError);
    expect(error).toMatchObject({ code: "auth_failed", closeCode: 4401 });
    expect(error.message).toBe(
      "your key SHA256:abc (from ssh-agent) is not in the relay's authorized_keys, or may not log in from this address: the relay refused it. " +
        "To let it in, add this line to ~/.ssh/authorized_keys on the relay's machine (claude-relay keys there shows why a line is refused):\n" +
        `  ssh-ed25519 ${Buffer.from(blob).toString("base64")} me@phone`,
    );
    expect(giveUpError("auth_failed", { ...context, signer: { ...context.signer, source: "file" } }).message).toContain("(from the key file)");
  });

  test("the authorized_keys line: type and base64 of the blob, the comment when it is one line", () => {
    const base64 = Buffer.from(blob).toString("base64");
    expect(authorizedKeysLine(blob)).toBe(`ssh-ed25519 ${base64}`);
    expect(authorizedKeysLine(blob, "  laptop  ")).toBe(`ssh-ed25519 ${base64} laptop`);
    expect(authorizedKeysLine(blob, "two\nlines")).toBe(`ssh-ed25519 ${base64}`);
    expect(authorizedKeysLine(new Uint8Array([0, 0, 0, 200, 1]))).toStartWith("ssh-unknown ");
  });

  test("unreachable: a dead address asks whether the relay runs; a refusal quotes the relay", () => {
    expect(giveUpError("unreachable", context).message).toBe(
      "cannot connect to ws://127.0.0.1:7717/ws (no connection or it dropped: is the relay running and the URL right?)",
    );
    // The TLS transport says why (the global WebSocket gives no reason).
    expect(giveUpError("unreachable", { ...context, closeReason: "the relay answered HTTP 404 Not Found instead of a WebSocket" }).message).toBe(
      "cannot connect to ws://127.0.0.1:7717/ws (no connection or it dropped (the relay answered HTTP 404 Not Found instead of a WebSocket): is the relay running and the URL right?)",
    );
    const refusal = { type: "error" as const, code: "server_full", message: "32 clients connected" };
    expect(giveUpError("unreachable", { ...context, closeCode: 1013, relayError: refusal }).message).toBe(
      "the relay at ws://127.0.0.1:7717/ws refused the connection: server_full: 32 clients connected",
    );
  });

  test("gave_up counts the attempts and the time; connection_lost names the close", () => {
    expect(giveUpError("gave_up", { ...context, attempts: 50, elapsedMs: 1_499_600 }).message).toBe(
      "gave up reconnecting to ws://127.0.0.1:7717/ws after 50 attempts over 1500 s",
    );
    expect(giveUpError("connection_lost", { ...context, closeCode: 1001, closeReason: "shutting down" }).message).toBe(
      "connection to ws://127.0.0.1:7717/ws lost (close 1001: shutting down)",
    );
    expect(giveUpError("auth_timeout", { ...context, closeCode: 4408 })).toMatchObject({
      closeCode: 4408,
      message: "the relay timed out waiting for our signature twice in a row",
    });
  });

  test("this side's own account is used as it is, without a close code", () => {
    const error = giveUpError("signer_failed", {
      ...context,
      closeCode: 0,
      localMessage: "cannot sign the challenge with SHA256:abc (agent): agent refused operation",
    });
    expect(error).toMatchObject({ code: "signer_failed", message: "cannot sign the challenge with SHA256:abc (agent): agent refused operation" });
    expect(error.closeCode).toBeUndefined();
    const refusal = new Error("the certificate changed");
    expect(giveUpError("challenge_refused", { ...context, closeCode: 0, localMessage: "refused to sign", localCause: refusal }).cause).toBe(refusal);
  });
});
