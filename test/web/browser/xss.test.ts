/**
 * Claude's output, tool inputs and results, file names and other devices' prompts are untrusted:
 * an XSS would let a page sign logins with the device key. An XSS corpus goes through the real
 * relay and the real Claude CLI into the page; no script may run (alert/confirm/prompt and a
 * global flag are watched, and so are CSP violations, which would mean something tried), no
 * injected element or attribute may appear, and the untrusted text must still be readable as text.
 * The same goes for what the session views show: session titles (a prompt's first line),
 * directories (in the list, the bar, the suggestions, a refusal that echoes the path, a note) and
 * the name a device's key is listed under; and for the pickers and the prompt box: model names
 * (Claude lists custom ones from its environment), slash command names, descriptions and argument
 * hints (a project's .claude/commands), Claude's questions and their options, and image file names.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import {
  openPhone,
  type PhonePage,
  pageKeyLine,
  received,
  sendPrompt,
  sent,
  startAuthorizedPhone,
  waitForConnected,
  waitForPromptText,
} from "../../support/browser.ts";
import { text, toolUse } from "../../support/fake-anthropic.ts";
import { IMAGES } from "../../support/images.ts";
import { prepareRelayHome, type TestRelay } from "../../support/relay.ts";
import { makeTempDir } from "../../support/ssh.ts";
import type { TestClient } from "../../support/ws-client.ts";

/** Runs before the page's scripts: every way the corpus could prove it ran sets window.__xss. */
const WATCH = `(() => {
  window.__xss = [];
  window.__violations = [];
  for (const name of ["alert", "confirm", "prompt", "print"]) window[name] = (...args) => { window.__xss.push(name + ":" + args.join(",")); };
  document.addEventListener("securitypolicyviolation", (event) => window.__violations.push(event.violatedDirective + " " + event.blockedURI));
})();`;

const hit = (n: number) => `window.__xss.push('hit-${n}')`;

const MARKDOWN_CORPUS = [
  `<script>${hit(1)}</script>`,
  `<img src=x onerror="${hit(2)}">`,
  `[click me](javascript:${hit(3)})`,
  `[upper](JAVASCRIPT:${hit(4)}) [spaced]( javascript:${hit(5)}) [entity](jav&#x61;script:${hit(6)})`,
  `<a href="javascript:${hit(7)}">raw link</a>`,
  `<svg onload="${hit(8)}"><script>${hit(9)}</script></svg>`,
  `<iframe src="javascript:${hit(10)}"></iframe> <object data="javascript:${hit(11)}"></object>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="${hit(12)}">`,
  `**unclosed [link](http://x.test "title\\" onmouseover=${hit(13)}") <b`,
  `![alt" onerror="${hit(14)}](x" onerror="${hit(15)})`,
  `![tracker](http://127.0.0.1:9/track.png)`,
  `<details open ontoggle="${hit(16)}">x</details>`,
  `<form action="javascript:${hit(17)}"><button>go</button></form>`,
  `<style>body{display:none}</style><base href="http://evil.test/">`,
  `[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
  `<div style="background:url(javascript:${hit(18)})" onclick="${hit(19)}">styled</div>`,
  `\`\`\`html\n<script>${hit(20)}</script>\n\`\`\``,
  `<<script>script>${hit(21)}<</script>/script>`,
  `<noscript><p title="</noscript><img src=x onerror=${hit(22)}>">`,
].join("\n\n");

let relay: TestRelay;
let browser: Browser;
let phone: PhonePage;
let other: TestClient & { authOk: Record<string, any> };
let dialogs = 0;

/** Names Claude takes from its environment and its project and lists to the pickers. */
const EVIL_COMMAND = `<img src=x onerror="${hit(50)}">`;
const EVIL_MODEL = `<svg onload="${hit(51)}">`;
const EVIL_HAIKU = `<img src=x onerror="${hit(52)}">`;

beforeAll(async () => {
  const dir = makeTempDir("relay-web-xss-");
  prepareRelayHome(dir, "client");
  const commands = join(dir, "work", ".claude", "commands");
  mkdirSync(commands, { recursive: true });
  writeFileSync(
    join(commands, `${EVIL_COMMAND}.md`),
    `---\ndescription: <script>${hit(53)}</script> evil\nargument-hint: <b onclick="${hit(54)}">args</b>\n---\nDo it\n`,
  );
  ({ relay, browser, phone, other } = await startAuthorizedPhone({
    relay: { dir, env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: EVIL_HAIKU, ANTHROPIC_CUSTOM_MODEL_OPTION: EVIL_MODEL } },
    phone: { initScript: WATCH },
  }));
  phone.page.on("dialog", (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
}, 90_000);

afterAll(async () => {
  await other?.close();
  await browser?.close();
  await relay?.stop();
});

const isResult = (frame: Record<string, any>) => frame.type === "claude.event" && frame.event.type === "result";

/** No script ran, no CSP violation was reported, and only the app's own elements and safe attributes are in the page. */
async function expectNothingRan(target: PhonePage): Promise<void> {
  const page = target.page;
  expect(await page.evaluate(() => (window as unknown as { __xss: string[] }).__xss)).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
  expect(dialogs).toBe(0);
  const injected = await page.evaluate(() => {
    const root = document.getElementById("app")!;
    const found: string[] = [];
    // The app's own fields: a permission card's reason, the directory (and worktree branch) of a new
    // session, the pairing name, the push panel's choices.
    const ownInputs =
      ".permission input, #new-session-dir, #new-session-worktree, .pair input, .composer input[type=file], .push-panel .push-choice input[type=checkbox]";
    for (const element of root.querySelectorAll(
      `script, iframe, object, embed, img, svg, math, style, base, link, meta, video, audio, input:not(${ownInputs})`,
    ))
      found.push(element.outerHTML.slice(0, 120));
    for (const form of root.querySelectorAll("form")) if (!form.matches(".composer, .create-session, .pair form")) found.push(form.outerHTML.slice(0, 120));
    for (const element of root.querySelectorAll("*")) {
      for (const attribute of element.attributes) {
        if (/^on/i.test(attribute.name) || attribute.name === "style" || attribute.name === "srcdoc") found.push(`${element.tagName} ${attribute.name}`);
      }
    }
    for (const link of root.querySelectorAll("a[href]")) {
      const href = link.getAttribute("href")!;
      if (!/^https?:\/\//.test(href) || !(link.getAttribute("rel") ?? "").includes("noopener")) found.push(`a ${href}`);
    }
    return found;
  });
  expect(injected).toEqual([]);
  expect(await page.locator("details[ontoggle], [onload], [onerror]").count()).toBe(0);
}

test("the corpus in Claude's markdown, in tool inputs, results and file names, and in another device's prompt", async () => {
  const page = phone.page;
  relay.api.enqueue(text(MARKDOWN_CORPUS));
  await sendPrompt(phone, `<img src=x onerror="${hit(30)}"> from the page`);
  await page.getByTestId("assistant").last().waitFor({ timeout: 30_000 });
  await other.next(isResult, 30_000);

  // A file name and content with HTML, asked for permission (the card) and denied with an HTML reason.
  const evilName = join(relay.options.cwd, `<img src=x onerror="${hit(31)}">.txt`);
  relay.api.enqueue(toolUse("Write", { file_path: evilName, content: `<script>${hit(32)}</script>` }), text("ok"));
  other.send({ type: "prompt", text: `<svg onload="${hit(33)}"> from elsewhere` });
  const card = page.getByTestId("permission-card");
  await card.waitFor({ timeout: 30_000 });
  await card.getByLabel("Reason for Claude if you deny (optional)").fill(`<b onmouseover="${hit(34)}">no</b>`);
  await card.getByRole("button", { name: "Deny" }).click();
  await other.next(isResult, 30_000);

  // A Bash run whose command, description and output carry HTML; opened so its body renders.
  relay.api.enqueue(toolUse("Bash", { command: `echo '<img src=x onerror="${hit(35)}">'`, description: `<svg onload="${hit(36)}">` }), text("echoed"));
  await sendPrompt(phone, "echo it");
  const bash = page.getByTestId("tool").filter({ hasText: "Bash" }).last();
  await bash.waitFor({ timeout: 30_000 });
  const pending = page.getByTestId("permission-card");
  if (await pending.count()) await pending.getByRole("button", { name: "Allow", exact: true }).click(); // echo may be auto-allowed
  await other.next(isResult, 30_000);
  for (const tool of await page.getByTestId("tool").all()) await tool.locator("summary").click();
  await page.locator(".output").last().waitFor();

  // Nothing ran.
  await expectNothingRan(phone);

  // And the untrusted text is still there to read, as text.
  const log = (await page.getByTestId("log").textContent()) ?? "";
  expect(log).toContain(`<script>${hit(1)}</script>`);
  expect(log).toContain(`<img src=x onerror="${hit(30)}"> from the page`);
  expect(log).toContain(`<svg onload="${hit(33)}"> from elsewhere`);
  expect(log).toContain(`<img src=x onerror="${hit(31)}">.txt`);
  expect(log).toContain(`echo '<img src=x onerror="${hit(35)}">'`);
  expect(await page.getByTestId("assistant").locator("a", { hasText: "click me" }).getAttribute("href")).toBeNull();
  expect(phone.problems()).toEqual([]);
}, 120_000);

test("the corpus in the new views: session titles and directories (list, bar, suggestions, notes), a refused directory echoed, a device's name", async () => {
  const page = phone.page;
  const evilDir = join(relay.dir, "home", `<img src=x onerror="${hit(40)}">`);
  mkdirSync(evilDir, { recursive: true });

  await page.getByTestId("sessions-toggle").click();
  const field = page.getByLabel("Start a session in a directory");
  await field.fill(`/nope/<script>${hit(41)}</script><img src=x onerror="${hit(42)}">`);
  await page.getByRole("button", { name: "Start", exact: true }).click();
  await page.getByTestId("create-error").waitFor();
  expect(await page.getByTestId("create-error").textContent()).toContain(`<script>${hit(41)}</script>`);

  await field.fill(evilDir);
  await page.getByRole("button", { name: "Start", exact: true }).click();
  await page.getByTestId("current-session").filter({ hasText: evilDir }).waitFor({ timeout: 30_000 });
  const sessionId = received(phone, "session.created").at(-1)!.sessionId as string;
  relay.api.enqueue(text("fine"));
  await sendPrompt(phone, `<svg onload="${hit(43)}"> as a title\nsecond line`);
  await page.getByTestId("assistant").filter({ hasText: "fine" }).waitFor({ timeout: 30_000 });
  await page
    .getByTestId("current-session")
    .filter({ hasText: `<svg onload="${hit(43)}"> as a title` })
    .waitFor({ timeout: 10_000 });
  await page.getByTestId("sessions-toggle").click();
  const item = page.locator(`[data-testid="session"][data-session-id="${sessionId}"]`);
  await item.waitFor();
  expect(await item.textContent()).toContain(`<svg onload="${hit(43)}"> as a title`);
  expect(await item.textContent()).toContain(evilDir);
  expect(await page.locator("#session-dirs option").evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value))).toContain(evilDir);
  await item.locator(".session-open").click();
  await page.getByTestId("current-session").waitFor();
  await expectNothingRan(phone);

  // Stopped by another device while shown: the note names it.
  other.send({ type: "session.stop", sessionId, id: "xss-stop" });
  await other.next((frame) => frame.type === "session.stopped" && frame.id === "xss-stop", 30_000);
  await page.locator(".errors").filter({ hasText: "was stopped" }).waitFor({ timeout: 10_000 });
  expect(await page.locator(".errors").textContent()).toContain(`The session “<svg onload="${hit(43)}"> as a title” was stopped`);

  // A device whose key is listed under a name full of HTML.
  const device = await openPhone(browser, `${relay.httpUrl}/`, { initScript: WATCH });
  device.page.on("dialog", (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  try {
    const [type, base64] = (await pageKeyLine(device)).split(" ");
    const name = `<img src=x onerror="${hit(44)}"> <b onmouseover="${hit(45)}">phone</b>`;
    appendFileSync(relay.options.authorizedKeysPath, `${type} ${base64} ${name}\n`);
    await waitForConnected(device);
    await device.page.getByText("Device", { exact: true }).click();
    expect(await device.page.getByTestId("login-key").textContent()).toBe(`The relay knows this device's key as ${name}.`);
    await expectNothingRan(device);
    expect(device.problems()).toEqual([]);
  } finally {
    await device.context.close();
  }
  await expectNothingRan(phone);
  expect(phone.problems()).toEqual([]);
}, 120_000);

test("the corpus in the pickers, the slash commands, Claude's questions and image names", async () => {
  const page = phone.page;
  await page.getByTestId("sessions-toggle").click(); // back to the default session, whose Claude lists the names
  await page.locator(".session-open").first().click();
  const model = page.getByLabel("Model");
  await model.waitFor({ timeout: 30_000 });
  const models = await model.locator("option").allTextContents();
  expect(models).toContain(EVIL_MODEL);
  expect(models).toContain(EVIL_HAIKU);
  // Chosen: the relay takes it (Claude listed it) and the picker shows it, as text.
  await model.selectOption(EVIL_MODEL);
  await page.waitForFunction((wanted) => (document.querySelector('[data-testid="model-picker"]') as HTMLSelectElement).value === wanted, EVIL_MODEL);
  expect(sent(phone, "session.configure").at(-1)).toMatchObject({ model: EVIL_MODEL });

  const box = page.getByLabel("Message Claude");
  await box.fill("/<img");
  const command = page.getByTestId("commands").getByRole("button").first();
  await command.waitFor();
  expect(await command.textContent()).toBe(`/${EVIL_COMMAND} <b onclick="${hit(54)}">args</b><script>${hit(53)}</script> evil (project)`);
  await command.click();
  await waitForPromptText(phone, `/${EVIL_COMMAND} `);
  await box.fill("");

  const questions = [
    {
      question: `<script>${hit(55)}</script> which?`,
      header: `<img src=x onerror="${hit(56)}">`,
      options: [
        { label: `<svg onload="${hit(57)}">`, description: `<iframe src="javascript:${hit(58)}">` },
        { label: `[x](javascript:${hit(59)})`, description: "**bold?**" },
      ],
      multiSelect: false,
    },
  ];
  relay.api.enqueue(toolUse("AskUserQuestion", { questions }), text("answered"));
  await sendPrompt(phone, "ask");
  const card = page.getByTestId("question-card");
  await card.waitFor({ timeout: 30_000 });
  expect(await card.locator("legend").textContent()).toBe(`<img src=x onerror="${hit(56)}"><script>${hit(55)}</script> which?`);
  await card.locator(".option").first().click();
  await card.getByLabel("Other answer").fill(`<b onmouseover="${hit(60)}">mine</b>`);
  await card.getByRole("button", { name: "Send answers" }).click();
  await other.next(isResult, 30_000);

  const input = page.getByTestId("attach");
  await input.setInputFiles({ name: `<img src=x onerror="${hit(61)}">.png`, mimeType: "image/png", buffer: Buffer.from(IMAGES["image/png"], "base64") });
  await page.getByTestId("attachment").waitFor();
  expect(await page.getByTestId("attachment").locator("figcaption").textContent()).toContain(`<img src=x onerror="${hit(61)}">.png`);
  await input.setInputFiles({ name: `<svg onload="${hit(62)}">.html`, mimeType: "text/html", buffer: Buffer.from(`<script>${hit(63)}</script>`) });
  await page.getByTestId("attach-error").waitFor();
  expect(await page.getByTestId("attach-error").textContent()).toContain(`“<svg onload="${hit(62)}">.html” is not an image`);
  await page.getByRole("button", { name: /^Remove / }).click();
  await model.selectOption("default");

  await expectNothingRan(phone);
  expect(phone.problems()).toEqual([]);
}, 120_000);
