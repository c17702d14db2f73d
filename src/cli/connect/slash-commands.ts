/**
 * The interactive view's slash commands that talk to the relay or this machine: /sessions,
 * /switch, /new, /mode, /model and /image (parsing a typed line is commands.ts's business). Each
 * prints its outcome, or a problem in words; requests to the relay (create, follow, configure) go
 * through the client's promises, so a refusal is shown with the relay's words.
 *
 * @example
 * ```ts
 * const commands = new SlashCommands(out, io, { beforeFollow: () => keys.leaveReason() });
 * commands.switchTo(["a2c4"]);  // follows the session, its last turn shown once joined
 * commands.takeImages();       // the images /image attached, for the next prompt
 * ```
 */
import { findSession } from "../../client/session-lookup.ts";
import { PERMISSION_MODES, type PermissionMode } from "../../protocol/messages.ts";
import { sessionLines, shortSessionId } from "../../terminal/session-list.ts";
import { type ImageFile, tooManyImages } from "./image-file.ts";
import type { InteractiveIo } from "./interactive.ts";
import type { ViewOutput } from "./view-output.ts";

/** What each permission mode does, for /mode. */
const MODE_WORDS: Record<string, string> = {
  default: "asks before tools that change things",
  acceptEdits: "file edits without asking; asks for the rest",
  plan: "Claude plans and asks before acting",
  bypassPermissions: "every tool without asking",
};

function imageWords(file: ImageFile): string {
  return `${file.name} (${file.image.mediaType.slice("image/".length)}, ${file.bytes < 1024 ? `${file.bytes} B` : `${(file.bytes / 1024).toFixed(0)} KiB`})`;
}

export class SlashCommands {
  readonly #out: ViewOutput;
  readonly #io: InteractiveIo;
  readonly #beforeFollow: () => void;
  /** Sessions this terminal created (`/new`) and their directories, until the relay's list has them. */
  readonly createdIn = new Map<string, string>();
  /** Images attached (`/image`) for the next prompt. */
  #images: ImageFile[] = [];

  constructor(out: ViewOutput, io: InteractiveIo, hooks: { beforeFollow: () => void }) {
    this.#out = out;
    this.#io = io;
    this.#beforeFollow = hooks.beforeFollow;
  }

  /** The images attached for the next prompt, handed over (none are left attached). */
  takeImages(): ImageFile[] {
    return this.#images.splice(0);
  }

  showSessions(): void {
    const { client, style } = this.#out;
    const lines = sessionLines(client.sessions, {
      style,
      ...(client.sessionId !== undefined && { current: client.sessionId }),
      ...(client.defaultSessionId !== undefined && { defaultId: client.defaultSessionId }),
      ...(this.#io.home !== undefined && { home: this.#io.home }),
    });
    this.#out.print(style.paint("dim", "sessions (* this one; /switch ID follows another, /new DIR starts one):"), ...lines);
  }

  switchTo(args: string[]): void {
    const { client } = this.#out;
    if (args.length !== 1) return this.#out.problem("/switch takes one session id, or the start of one (/sessions lists them)");
    const found = findSession(client.sessions, args[0]!);
    if (!found.ok) return this.#out.problem(`${found.message}; /sessions lists them`);
    if (found.session.sessionId === client.sessionId) return this.#out.problem(`already following session ${shortSessionId(found.session.sessionId)}`);
    this.#follow(found.session.sessionId);
  }

  newSession(typed: string): void {
    const dir = this.#io.newSessionDir(typed);
    if ("problem" in dir) return this.#out.problem(`/new: ${dir.problem}`);
    const { style } = this.#out;
    this.#out.print(style.paint("dim", `${style.symbols.info} starting a session in ${dir.dir}…`));
    this.#out.client.createSession(dir.dir).then(
      (sessionId) => {
        this.createdIn.set(sessionId, dir.dir);
        this.#follow(sessionId);
      },
      (error: Error) => this.#out.problem(`/new ${dir.dir}: ${error.message}`),
    );
  }

  /** Follows another session; the join (header, last turn) is shown when the relay has answered. */
  #follow(sessionId: string): void {
    this.#beforeFollow();
    this.#out.client
      .follow(sessionId, { replay: "held" })
      .catch((error: Error) => this.#out.problem(`cannot follow session ${shortSessionId(sessionId)}: ${error.message}`));
  }

  mode(args: string[]): void {
    const { client, style } = this.#out;
    const current = client.sessionState?.permissionMode ?? "default";
    if (args.length === 0) {
      const modes = client.capabilities?.permissionModes ?? PERMISSION_MODES.filter((mode) => mode !== "bypassPermissions");
      return this.#out.print(
        style.paint("dim", "permission modes (* the current one; /mode MODE switches):"),
        ...modes.map((mode) => `${mode === current ? "*" : " "} ${mode.padEnd(18)}${MODE_WORDS[mode] ?? ""}`),
      );
    }
    if (args.length > 1) return this.#out.problem("/mode takes one mode, e.g. /mode plan (/mode lists them)");
    this.#configure({ permissionMode: args[0] as PermissionMode });
  }

  model(args: string[]): void {
    const { client, style } = this.#out;
    if (args.length === 0) {
      const models = client.capabilities?.models;
      if (!models) return this.#out.problem("Claude has not listed its models yet (it is starting): try again in a moment, or name one with /model MODEL");
      const current = client.sessionState?.model ?? "default";
      const width = Math.max(...models.map((model) => model.value.length)) + 2;
      return this.#out.print(
        style.paint("dim", "models (* the current one; /model MODEL switches):"),
        ...models.map((model) => {
          const mark = model.value === current || model.resolvedModel === current ? "*" : " ";
          return `${mark} ${model.value.padEnd(width)}${model.displayName}${model.description ? style.paint("dim", ` — ${model.description}`) : ""}`;
        }),
      );
    }
    if (args.length > 1) return this.#out.problem("/model takes one model, e.g. /model haiku (/model lists them)");
    this.#configure({ model: args[0]! });
  }

  #configure(change: { permissionMode?: PermissionMode; model?: string }): void {
    const { style } = this.#out;
    this.#out.client.configure(change).then(
      (done) =>
        this.#out.print(style.paint("green", `${style.symbols.ok} permission mode ${done.permissionMode}${done.model ? ` · model ${done.model}` : ""}`)),
      (error: Error) => this.#out.problem(error.message),
    );
  }

  async attachImage(path: string): Promise<void> {
    const { style } = this.#out;
    if (path === "" || path === "clear") {
      if (path === "clear") this.#images = [];
      if (this.#images.length === 0)
        return this.#out.print(style.paint("dim", `${style.symbols.info} no image attached; /image PATH attaches one to your next prompt`));
      return this.#out.print(
        style.paint("dim", `${style.symbols.info} with your next prompt: ${this.#images.map(imageWords).join(", ")} (/image clear drops them)`),
      );
    }
    const read = await this.#io.readImage(path);
    if ("problem" in read) return this.#out.problem(`/image: ${read.problem}`);
    const tooMany = tooManyImages(this.#images, read);
    if (tooMany) return this.#out.problem(`/image: ${tooMany}`);
    this.#images.push(read);
    this.#out.print(
      style.paint(
        "dim",
        `${style.symbols.info} attached ${imageWords(read)}: it goes with your next prompt (${this.#images.length} image${this.#images.length === 1 ? "" : "s"})`,
      ),
    );
    this.#out.refresh();
  }
}
