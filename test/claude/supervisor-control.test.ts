/**
 * The supervisor's control requests and image prompts against the real Claude Code CLI and the
 * fake Anthropic API: set_permission_mode / set_model answered (and bypassPermissions refused by
 * Claude itself without its flag), requests sent while handling `initialized` reaching Claude
 * before the prompts queued during start, images arriving at the API as image blocks.
 */
import { describe, expect, test } from "bun:test";
import { claudeSuite, waitFor } from "../support/claude-harness.ts";
import { text } from "../support/fake-anthropic.ts";
import { IMAGES } from "../support/images.ts";

const h = claudeSuite();

const initLines = (events: Record<string, unknown>[]) => events.filter((event) => event.type === "system" && event.subtype === "init");

describe("control requests", () => {
  test("set_permission_mode and set_model are answered; Claude refuses bypassPermissions without its flag; without a Claude the answer is an error at once", async () => {
    const { claude, record } = h.supervisor();
    expect(await claude.control("set_permission_mode", { mode: "plan" })).toEqual({ ok: false, error: "Claude is stopped" });
    await claude.start();
    await waitFor(() => claude.state === "ready", "ready");
    expect(await claude.control("set_permission_mode", { mode: "plan" })).toEqual({ ok: true, response: { mode: "plan" } });
    expect(await claude.control("set_model", { model: "haiku" })).toEqual({ ok: true, response: undefined });
    expect(await claude.control("set_permission_mode", { mode: "bypassPermissions" })).toEqual({
      ok: false,
      error: "Cannot set permission mode to bypassPermissions because the session was not launched with --dangerously-skip-permissions",
    });
    // Claude's own words for the switch, as clients see them
    await waitFor(() => record.events.some((event) => event.subtype === "status" && event.permissionMode === "plan"), "the status line");
    h.api.enqueue(text("planned"));
    claude.prompt("hi");
    await waitFor(() => record.results().length === 1, "result");
    // (in plan mode Claude Code plans with a stronger model than haiku: the API sees claude-sonnet-5, the init line haiku)
    expect(initLines(record.events)[0]).toMatchObject({ permissionMode: "plan", model: "claude-haiku-4-5-20251001" });
  });

  test("requests sent while handling initialized reach Claude before the prompt queued during start: its first turn already runs in that mode and model", async () => {
    const { claude, record } = h.supervisor();
    const answers: unknown[] = [];
    claude.on("initialized", () => {
      void claude.control("set_permission_mode", { mode: "acceptEdits" }).then((result) => answers.push(result));
      void claude.control("set_model", { model: "haiku" }).then((result) => answers.push(result));
    });
    await claude.start();
    expect(claude.prompt("first")).toEqual({ ok: true, queued: true });
    await waitFor(() => record.results().length === 1, "result", 30_000);
    expect(answers).toHaveLength(2);
    expect(initLines(record.events)[0]).toMatchObject({ permissionMode: "acceptEdits", model: "claude-haiku-4-5-20251001" });
    expect(h.api.messageRequests()[0]!.model).toBe("claude-haiku-4-5-20251001");
  });

  test("a request Claude cannot answer because it exits resolves with an error", async () => {
    const { claude } = h.supervisor();
    await claude.start();
    await waitFor(() => claude.state === "ready", "ready");
    process.kill(claude.pid!, "SIGSTOP"); // it cannot answer now
    const pending = claude.control("set_model", { model: "haiku" });
    process.kill(claude.pid!, "SIGKILL");
    expect(await pending).toEqual({ ok: false, error: "Claude exited before answering" });
  });
});

describe("images", () => {
  test("a prompt with images reaches the API as the text followed by one base64 image block each", async () => {
    const { claude, record } = h.supervisor();
    await claude.start();
    await waitFor(() => claude.state === "ready", "ready");
    const images = [
      { mediaType: "image/png" as const, data: IMAGES["image/png"] },
      { mediaType: "image/gif" as const, data: IMAGES["image/gif"] },
    ];
    claude.prompt("what are these?", images);
    await waitFor(() => record.results().length === 1, "result");
    const user = h.api
      .messageRequests()[0]!
      .messages.filter((message) => message.role === "user")
      .at(-1)!;
    const blocks = (user.content as Array<Record<string, any>>).filter((block) => block.type !== "text" || block.text === "what are these?");
    expect(blocks.map(({ cache_control: _, ...block }) => block)).toEqual([
      { type: "text", text: "what are these?" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: IMAGES["image/png"] } },
      { type: "image", source: { type: "base64", media_type: "image/gif", data: IMAGES["image/gif"] } },
    ]);
  });
});
