/**
 * connect's options: flags → options, which way it runs, and the usage errors for what makes no sense.
 */
import { describe, expect, test } from "bun:test";
import { chooseMode, connectOptions, parseToolList } from "../../../src/cli/connect/options.ts";
import { normalizeRelayUrl } from "../../../src/cli/connect/url.ts";
import { UsageError } from "../../../src/cli/usage-error.ts";
import { thrown } from "../../support/thrown.ts";

const options = (flags: Record<string, string | true> = {}, url = "127.0.0.1:7717") => connectOptions({ ...flags, "--": [] }, [url]);

describe("connectOptions", () => {
  test("defaults: reconnect, no JSON, deny every permission request", () => {
    expect(options()).toEqual({ url: "ws://127.0.0.1:7717/ws", reconnect: true, json: false, policy: { kind: "deny" } });
  });

  test("every flag", () => {
    expect(options({ identity: "~/.ssh/k", noReconnect: true, json: true, prompt: "hi", allow: "Write, Edit,Write", history: "3" })).toEqual({
      url: "ws://127.0.0.1:7717/ws",
      identity: "~/.ssh/k",
      reconnect: false,
      json: true,
      prompt: "hi",
      policy: { kind: "tools", tools: ["Write", "Edit"] },
      history: 3,
    });
    expect(options({ yes: true }).policy).toEqual({ kind: "all" });
  });

  test("mistakes are usage errors saying what would be accepted", () => {
    expect(thrown(() => options({ yes: true, allow: "Write" }))).toBeInstanceOf(UsageError);
    expect(thrown(() => options({ yes: true, allow: "Write" })).message).toBe("--yes allows every tool and --allow only some: give one of them");
    expect(thrown(() => options({ allow: "Write,,Edit" })).message).toBe(
      '--allow needs tool names separated by commas, e.g. --allow Write,Edit; got "Write,,Edit"',
    );
    expect(thrown(() => parseToolList("Write,rm -rf")).message).toBe(
      '--allow: "rm -rf" is not a tool name (tools are named like Write, Edit, Bash, mcp__server__tool)',
    );
    expect(thrown(() => options({ history: "-1" })).message).toBe('--history must be a whole number of turns from 0 to 1000, got "-1"');
    expect(thrown(() => options({ history: "1001" })).message).toContain("from 0 to 1000");
    expect(thrown(() => options({}, "ftp://host/ws")).message).toBe('not a relay URL: "ftp://host/ws" (use ws:// or wss://)');
  });

  test("--session ID and --new DIR, one of them, not empty", () => {
    expect(options({ session: " a2c4 " }).session).toBe("a2c4");
    expect(options({ new: "~/code/api" }).newSession).toBe("~/code/api");
    expect(thrown(() => options({ session: "a2c4", new: "/x" })).message).toBe("--session joins a session that runs and --new starts one: give one of them");
    expect(thrown(() => options({ session: " " })).message).toBe("--session needs a session id (or the start of one, as /sessions shows them)");
    expect(thrown(() => options({ new: "" })).message).toBe("--new needs the directory to start Claude in, e.g. --new /home/me/code/api");
  });

  test("--fingerprint: SHA256:… or a browser's hex, for wss:// only", () => {
    const fingerprint = `SHA256:${"q".repeat(42)}E`;
    expect(options({ fingerprint }, "wss://192.168.1.20:7717/ws").fingerprint).toBe(fingerprint);
    expect(
      options({ fingerprint: Buffer.from(fingerprint.slice(7), "base64").toString("hex").toUpperCase().match(/../g)!.join(":") }, "https://relay.example")
        .fingerprint,
    ).toBe(fingerprint);
    expect(thrown(() => options({ fingerprint: "SHA256:abc" }, "wss://h:1/ws"))).toBeInstanceOf(UsageError);
    expect(thrown(() => options({ fingerprint: "SHA256:abc" }, "wss://h:1/ws")).message).toBe(
      '--fingerprint must be a certificate fingerprint as the relay prints it at start-up (SHA256: and 43 base64 characters) or the colon-separated hex a browser shows, got "SHA256:abc"',
    );
    expect(thrown(() => options({ fingerprint }, "127.0.0.1:7717")).message).toBe(
      "--fingerprint pins the certificate of a wss:// relay, but ws://127.0.0.1:7717/ws is plain ws:// (no certificate): use wss://",
    );
  });
});

describe("chooseMode", () => {
  test("--prompt or a piped prompt: one-shot; --json: JSON lines; a terminal: interactive", () => {
    expect(chooseMode(options({ prompt: "hi" }), { stdinIsTTY: true })).toBe("one-shot");
    expect(chooseMode(options(), { stdinIsTTY: false })).toBe("one-shot");
    expect(chooseMode(options({ json: true }), { stdinIsTTY: false })).toBe("json-lines");
    expect(chooseMode(options({ json: true }), { stdinIsTTY: true })).toBe("json-lines");
    expect(chooseMode(options({ json: true, prompt: "hi" }), { stdinIsTTY: false })).toBe("one-shot");
    expect(chooseMode(options(), { stdinIsTTY: true })).toBe("interactive");
  });

  test("flags for another way are refused, not ignored", () => {
    expect(thrown(() => chooseMode(options({ yes: true }), { stdinIsTTY: true })).message).toBe(
      "--yes is for one-shot turns (--prompt TEXT, or a prompt piped in on stdin); here, answer each request with y or n",
    );
    expect(thrown(() => chooseMode(options({ allow: "Write", json: true }), { stdinIsTTY: false })).message).toBe(
      "--allow is for one-shot turns (--prompt TEXT, or a prompt piped in on stdin)",
    );
    expect(thrown(() => chooseMode(options({ history: "2", prompt: "x" }), { stdinIsTTY: true })).message).toBe(
      "--history is for the interactive view (a terminal on stdin, no --prompt, no --json)",
    );
    expect(chooseMode(options({ history: "2" }), { stdinIsTTY: true })).toBe("interactive");
  });
});

describe("normalizeRelayUrl", () => {
  test.each([
    ["ws://127.0.0.1:7717/ws", "ws://127.0.0.1:7717/ws"],
    ["127.0.0.1:7717", "ws://127.0.0.1:7717/ws"],
    ["laptop.local:7717/", "ws://laptop.local:7717/ws"],
    ["http://[::1]:7717", "ws://[::1]:7717/ws"],
    ["https://relay.example/custom/ws", "wss://relay.example/custom/ws"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeRelayUrl(input)).toBe(expected);
  });

  test("nonsense and other schemes are usage errors naming the input", () => {
    expect(() => normalizeRelayUrl("ftp://host/ws")).toThrow('not a relay URL: "ftp://host/ws"');
    expect(() => normalizeRelayUrl("ws://")).toThrow("not a relay URL");
  });
});
