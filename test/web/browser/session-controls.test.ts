/**
 * What the web app offers beyond the conversation, in real Chromium at a phone viewport against a
 * real relay and the real Claude CLI (fake API): the permission-mode and model pickers (from the
 * session's capabilities, the current value shown, a refusal in words), slash commands while
 * typing `/`, "Allow for this session" (a second identical request does not ask), Claude's
 * questions answered as choices, images attached (downscaled in the browser; the API receives
 * them; a non-image refused in words), and an earlier conversation continued from the list.
 */
import { afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import {
  nextReceived,
  PHONE,
  type PhonePage,
  received,
  sendPrompt,
  sent,
  startAuthorizedPhone,
  stopAuthorizedPhone,
  waitForPromptText,
} from "../../support/browser.ts";
import { type MessagesBody, text, toolUse } from "../../support/fake-anthropic.ts";
import { IMAGES } from "../../support/images.ts";
import { COLOR_AND_SIZES } from "../../support/questions.ts";
import type { TestRelay } from "../../support/relay.ts";
import { waitFor } from "../../support/wait.ts";
import type { TestClient } from "../../support/ws-client.ts";

let relay: TestRelay;
let browser: Browser;
let phone: PhonePage;
let other: TestClient & { authOk: Record<string, any> };

beforeAll(async () => {
  ({ relay, browser, phone, other } = await startAuthorizedPhone());
}, 90_000);

afterAll(() => stopAuthorizedPhone({ relay, browser, other }));

afterEach(async () => {
  relay.api.reset();
  await page().setViewportSize(PHONE.viewport);
});

const page = (): Page => phone.page;
const defaultSession = () => relay.relay.sessionId;
const isResultOf = (sessionId: string) => (frame: Record<string, any>) =>
  frame.type === "claude.event" && frame.sessionId === sessionId && frame.event.type === "result";

/** Sends a prompt from the page and waits until the page has the turn's result. */
async function turnFromPage(prompt: string): Promise<void> {
  const done = nextReceived(phone, isResultOf(defaultSession()));
  await sendPrompt(phone, prompt);
  await done;
}

/** The blocks of the last user message of a Messages request (its newest prompt or tool result). */
function lastUserBlocks(body: MessagesBody): Array<Record<string, any>> {
  const content = body.messages.filter((message) => message.role === "user").at(-1)!.content;
  return typeof content === "string" ? [{ type: "text", text: content }] : (content as Array<Record<string, any>>);
}

test("pickers: mode and model from the session's capabilities with the current values; a switch goes through session.configure; a refusal is told in words", async () => {
  const mode = page().getByLabel("Permission mode");
  const model = page().getByLabel("Model");
  await mode.waitFor({ timeout: 30_000 });
  expect(await mode.inputValue()).toBe("default");
  expect(await mode.locator("option").allTextContents()).toEqual(["Ask before edits", "Accept edits", "Plan first"]);
  expect(await model.inputValue()).toBe("default");
  expect(await model.locator("option").allTextContents()).toEqual(expect.arrayContaining(["Default (recommended)", "Sonnet", "Haiku"]));

  const settled = (testId: string, value: string) =>
    page().waitForFunction(
      ([id, wanted]) => {
        const select = document.querySelector(`[data-testid="${id}"]`) as HTMLSelectElement | null;
        return select?.value === wanted && !select.disabled;
      },
      [testId, value] as const,
    );
  await mode.selectOption("acceptEdits");
  await settled("mode-picker", "acceptEdits");
  expect(sent(phone, "session.configure").at(-1)).toMatchObject({ sessionId: defaultSession(), permissionMode: "acceptEdits" });
  await waitFor(() => relay.relay.sessions.list()[0]!.permissionMode === "acceptEdits", 10_000, "the relay's list says acceptEdits");
  await model.selectOption("haiku");
  await settled("model-picker", "haiku");
  // Claude's echo of the change is shown as what it is, not as its local-command markup.
  await page()
    .getByTestId("note")
    .filter({ hasText: /^Model: Haiku$/ })
    .waitFor({ timeout: 10_000 });
  expect(await page().getByText("local-command-stdout", { exact: false }).count()).toBe(0);
  await waitFor(() => relay.relay.sessions.list()[0]!.model === "haiku", 10_000, "the relay's list says haiku");
  // The choice lasts: a turn in acceptEdits writes without a card, with Claude's haiku.
  const file = join(relay.options.cwd, "accepted.txt");
  relay.api.enqueue(toolUse("Write", { file_path: file, content: "no questions" }), text("written"));
  const requestsBefore = received(phone, "permission.request").length;
  await turnFromPage("write accepted.txt");
  expect(received(phone, "permission.request")).toHaveLength(requestsBefore);
  expect(relay.api.messageRequests().at(-1)!.model).toMatch(/^claude-haiku-/);

  // A model the relay does not know (say the list changed meanwhile) is refused; the picker keeps the current one.
  await model.evaluate((select) => {
    const option = document.createElement("option");
    option.value = option.textContent = "gpt-4";
    select.append(option);
  });
  await model.selectOption("gpt-4");
  const refusal = page().getByTestId("configure-error");
  await refusal.waitFor();
  expect(await refusal.textContent()).toMatch(/^Not switched to the model gpt-4: unknown model "gpt-4": choose one of .*; nothing changed\.$/);
  await settled("model-picker", "haiku");

  await mode.selectOption("default");
  await settled("mode-picker", "default");
  await model.selectOption("default");
  await settled("model-picker", "default");
  expect(await refusal.count()).toBe(0);
}, 90_000);

test("slash commands: typing / offers Claude's commands; tapped or chosen with the keyboard, one becomes the prompt", async () => {
  const box = page().getByLabel("Message Claude");
  const list = page().getByTestId("commands");
  await box.fill("/comp");
  await list.waitFor();
  const compact = list.getByRole("button", { name: /^\/compact/ });
  expect(await compact.textContent()).toContain("Free up context by summarizing the conversation so far");
  await compact.click();
  await waitForPromptText(phone, "/compact ");
  await list.waitFor({ state: "detached" });

  await box.fill("/cont");
  await list.waitFor();
  await box.press("ArrowDown");
  expect(await page().evaluate(() => document.activeElement?.textContent)).toMatch(/^\/context/);
  await page().keyboard.press("Enter");
  await waitForPromptText(phone, "/context ");
  expect(await page().evaluate(() => document.activeElement?.id)).toBe("prompt");
  await box.fill("no command /here");
  expect(await list.count()).toBe(0);
  await box.fill("");
}, 30_000);

test("allow for this session: the card offers Claude's suggestion in words; answered with it, a second identical request does not ask", async () => {
  const notes = join(relay.dir, "home", "notes");
  mkdirSync(notes, { recursive: true });
  writeFileSync(join(notes, "a.txt"), "alpha");
  writeFileSync(join(notes, "b.txt"), "beta");
  relay.api.enqueue(toolUse("Read", { file_path: join(notes, "a.txt") }), text("read a"));
  const done = nextReceived(phone, isResultOf(defaultSession()));
  await sendPrompt(phone, "read a.txt");
  const card = page().getByTestId("permission-card");
  await card.waitFor({ timeout: 30_000 });
  const request = received(phone, "permission.request").at(-1)!;
  expect(await card.textContent()).toContain("Also allows from now on, until this session's Claude stops: Read(/");
  const button = card.getByRole("button", { name: "Allow for this session" });
  expect((await button.boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await button.click();
  await card.waitFor({ state: "detached" });
  expect(sent(phone, "permission.response").at(-1)).toEqual({
    type: "permission.response",
    sessionId: defaultSession(),
    requestId: request.requestId,
    behavior: "allow",
    updatedInput: request.input,
    updatedPermissions: request.suggestions.map((suggestion: Record<string, unknown>) => ({ ...suggestion, destination: "session" })),
  });
  await done;

  relay.api.enqueue(toolUse("Read", { file_path: join(notes, "b.txt") }), text("read b"));
  const asked = received(phone, "permission.request").length;
  await turnFromPage("read b.txt");
  expect(received(phone, "permission.request")).toHaveLength(asked);
  expect(JSON.stringify(lastUserBlocks(relay.api.messageRequests().at(-1)!))).toContain("beta"); // the Read's result
}, 60_000);

test("Claude's questions as choices: one answer, several, and one in the user's words, sent as updatedInput.answers", async () => {
  const questions = COLOR_AND_SIZES;
  relay.api.enqueue(toolUse("AskUserQuestion", { questions }), text("thanks"));
  const done = nextReceived(phone, isResultOf(defaultSession()));
  await sendPrompt(phone, "ask me");
  const card = page().getByTestId("question-card");
  await card.waitFor({ timeout: 30_000 });
  expect(await card.getByTestId("question").locator("legend").allTextContents()).toEqual(["ColorWhich color?", "SizesWhich sizes?"]);
  const option = (description: string) => card.locator(".option", { hasText: description });
  const send = card.getByRole("button", { name: "Send answers" });
  expect(await send.isDisabled()).toBe(true);
  // The page renders once per animation frame: wait for what a tap shows.
  const pressed = (description: string) => card.locator('.option[aria-pressed="true"]', { hasText: description }).waitFor();
  await option("warm").click();
  await pressed("warm");
  await option("cool").click(); // one answer: Blue replaces Red
  await pressed("cool");
  expect(await option("warm").getAttribute("aria-pressed")).toBe("false");
  await option("small").click();
  await pressed("small");
  await option("large").click(); // several
  await pressed("large");
  expect(await option("small").getAttribute("aria-pressed")).toBe("true");
  await card.getByLabel("Other answer").nth(1).fill("XL");
  await card.locator("button.allow:not([disabled])").waitFor();
  for (const box of await card.locator(".option").all()) expect((await box.boundingBox())!.height).toBeGreaterThanOrEqual(48);
  await send.click();
  await card.waitFor({ state: "detached" });
  const request = received(phone, "permission.request").at(-1)!;
  expect(sent(phone, "permission.response").at(-1)).toMatchObject({
    requestId: request.requestId,
    behavior: "allow",
    updatedInput: { questions, answers: { "Which color?": "Blue", "Which sizes?": "S, L, XL" } },
  });
  await done;
  const toolResult = lastUserBlocks(relay.api.messageRequests().at(-1)!).find((block) => block.type === "tool_result")!;
  expect(JSON.stringify(toolResult.content)).toContain('\\"Which color?\\"=\\"Blue\\", \\"Which sizes?\\"=\\"S, L, XL\\"');
}, 60_000);

test("images: a photo is downscaled to ≤ 1.5 MP JPEG in the browser, previewed, removable; the API receives it; a non-image is refused in words", async () => {
  // A 6 MP PNG made by the browser itself (a phone photo's size), and a tiny one.
  const photo = await page().evaluate(async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 3000;
    canvas.height = 2000;
    const context = canvas.getContext("2d")!;
    const gradient = context.createLinearGradient(0, 0, 3000, 2000);
    gradient.addColorStop(0, "#c05621");
    gradient.addColorStop(1, "#2b6cb0");
    context.fillStyle = gradient;
    context.fillRect(0, 0, 3000, 2000);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((made) => resolve(made!), "image/png"));
    let binary = "";
    for (const byte of new Uint8Array(await blob.arrayBuffer())) binary += String.fromCharCode(byte);
    return btoa(binary);
  });
  const input = page().getByTestId("attach");
  expect(await input.getAttribute("accept")).toBe("image/*");
  await input.setInputFiles([
    { name: "photo.png", mimeType: "image/png", buffer: Buffer.from(photo, "base64") },
    { name: "tiny.png", mimeType: "image/png", buffer: Buffer.from(IMAGES["image/png"], "base64") },
  ]);
  const attachments = page().getByTestId("attachment");
  await attachments.nth(1).waitFor({ timeout: 30_000 });
  expect(await attachments.first().textContent()).toMatch(/^photo\.png · 1500×1000, \d+ KB×$/);
  expect(await attachments.nth(1).locator("canvas").getAttribute("aria-label")).toBe("Preview of tiny.png");
  await page().getByRole("button", { name: "Remove tiny.png" }).click();
  await attachments.nth(1).waitFor({ state: "detached" });

  await input.setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a picture") });
  const refusal = page().getByTestId("attach-error");
  await refusal.waitFor();
  expect(await refusal.textContent()).toBe("“notes.txt” is not an image (text/plain): attach a photo or a screenshot.");
  expect(await attachments.count()).toBe(1);

  relay.api.enqueue(text("a gradient"));
  await turnFromPage("what is in the picture?");
  expect(await attachments.count()).toBe(0);
  const blocks = lastUserBlocks(relay.api.messageRequests().at(-1)!);
  expect(blocks.find((block) => block.type === "text")?.text).toContain("what is in the picture?");
  const image = blocks.find((block) => block.type === "image")!;
  expect(image.source).toMatchObject({ type: "base64", media_type: "image/jpeg" });
  const size = await page().evaluate(async (data) => {
    const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(data), (char) => char.charCodeAt(0))], { type: "image/jpeg" }));
    return { width: bitmap.width, height: bitmap.height };
  }, image.source.data as string);
  expect(size).toEqual({ width: 1500, height: 1000 });
  const echo = received(phone, "user.prompt").at(-1)!;
  expect(echo.images).toEqual([{ mediaType: "image/jpeg", bytes: Buffer.from(image.source.data, "base64").length }]);
  expect(await page().getByTestId("prompt").last().locator(".images").textContent()).toMatch(/^1 image \(\d+ KB\)$/);
}, 60_000);

test("an earlier conversation: listed from Claude's history for a directory (offered in the suggestions), continued as a session of its own", async () => {
  // A conversation another device had in another directory, then stopped.
  const cwd = join(relay.dir, "home", "older");
  mkdirSync(cwd, { recursive: true });
  other.send({ type: "session.create", cwd, id: "older" });
  const { sessionId } = await other.next((frame) => frame.type === "session.created" && frame.id === "older", 30_000);
  other.send({ type: "session.attach", sessionId });
  relay.api.enqueue(text("the remembered answer"));
  other.send({ type: "prompt", text: "An older conversation\nwith a second line", sessionId });
  await other.next(isResultOf(sessionId), 30_000);
  other.send({ type: "session.stop", sessionId, id: "older-stop" });
  await other.next((frame) => frame.type === "session.stopped" && frame.id === "older-stop", 30_000);

  await page().getByTestId("sessions-toggle").click();
  const history = page().getByTestId("history");
  await history.waitFor();
  // At first: the default session's directory.
  expect(await history.locator("h3").textContent()).toBe(`Earlier conversations in ${relay.options.cwd}`);
  await history.getByTestId("past-conversation").first().waitFor({ timeout: 10_000 });
  expect(sent(phone, "history.list")[0]).not.toHaveProperty("cwd");

  await page().getByLabel("Start a session in a directory").fill(cwd);
  await page().getByRole("button", { name: "Earlier conversations there" }).click();
  const past = history.locator(`[data-testid="past-conversation"][data-session-id="${sessionId}"]`);
  await past.waitFor({ timeout: 10_000 });
  expect(await history.locator("h3").textContent()).toBe(`Earlier conversations in ${cwd}`);
  expect(await past.locator(".session-name").textContent()).toBe("An older conversation");
  expect(
    await page()
      .locator("#session-dirs option")
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value)),
  ).toContain(cwd);

  const created = nextReceived(phone, (frame) => frame.type === "session.created");
  await past.getByRole("button", { name: "Continue “An older conversation”" }).click();
  expect((await created).sessionId).toBe(sessionId);
  expect(sent(phone, "session.create").at(-1)).toMatchObject({ cwd, resume: sessionId });
  await page().getByTestId("current-session").filter({ hasText: cwd }).waitFor({ timeout: 30_000 });

  // It goes on where it stopped: the next request to the API carries the earlier turn.
  relay.api.enqueue(text("yes, I remember"));
  const done = nextReceived(phone, isResultOf(sessionId));
  await sendPrompt(phone, "do you remember?");
  await done;
  expect(JSON.stringify(relay.api.messageRequests().at(-1)!.messages)).toContain("the remembered answer");
  await page().getByTestId("assistant").filter({ hasText: "yes, I remember" }).waitFor();
}, 90_000);

test("a directory the relay refuses for history: told in words", async () => {
  await page().getByTestId("sessions-toggle").click();
  await page().getByLabel("Start a session in a directory").fill("/nowhere/at/all");
  await page().getByRole("button", { name: "Earlier conversations there" }).click();
  const error = page().getByTestId("history-error");
  await error.waitFor({ timeout: 10_000 });
  expect(await error.textContent()).toBe('That directory cannot be used: no such directory: "/nowhere/at/all".');
}, 30_000);

test("no console errors and no request to another origin, all along", () => {
  expect(phone.problems()).toEqual([]);
});
