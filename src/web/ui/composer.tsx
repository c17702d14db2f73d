/**
 * The prompt box: a labelled multi-line textbox (16 px text, so iOS does not zoom), Send, and
 * Interrupt while Claude is working. Enter sends on devices with a keyboard and a fine pointer
 * (Shift+Enter for a new line); on phones Enter is a new line and Send sends. Typing `/` offers
 * Claude's slash commands (tap one, or arrow down to it and press Enter); "Attach image" takes
 * photos and screenshots, downscaled in the browser, shown as thumbnails that can be removed
 * before sending. Something that is not an image is refused in words.
 *
 * @example
 * ```tsx
 * <Composer busy={true} outbox={[]} commands={capabilities.commands} actions={actions} />
 * ```
 */
import { useRef, useState } from "preact/hooks";
import { ImageRefusedError, type PreparedImage, prepareImage } from "../media/prepare-image.ts";
import { commandMatches, commandText, type SlashCommand } from "../state/commands.ts";
import type { OutgoingPrompt } from "../state/store.ts";
import type { Actions } from "./actions.ts";
import { Thumbnail } from "./thumbnail.tsx";

const enterSends = () => typeof matchMedia === "function" && matchMedia("(hover: hover) and (pointer: fine)").matches;

/** The relay takes at most 8 images per prompt. */
const MAX_IMAGES = 8;
/** What a prompt of images alone says (the relay needs some text). */
const IMAGES_ONLY = "See the attached image.";

interface ComposerProps {
  busy: boolean;
  outbox: readonly OutgoingPrompt[];
  /** Claude's slash commands for the session (none before it told them). */
  commands: readonly SlashCommand[];
  actions: Actions;
}

export function Composer({ busy, outbox, commands, actions }: ComposerProps) {
  const [text, setText] = useState("");
  const [images, setImages] = useState<PreparedImage[]>([]);
  const [attachError, setAttachError] = useState<string | undefined>(undefined);
  const [preparing, setPreparing] = useState(0);
  const box = useRef<HTMLTextAreaElement>(null);
  const commandList = useRef<HTMLUListElement>(null);
  const matches = commandMatches(text, commands);
  const send = () => {
    // The box, not `text`: the page renders once per animation frame, so Enter pressed right
    // after typing would otherwise see the text as of the last frame (or nothing).
    const value = (box.current?.value ?? text).trim();
    if (!value && images.length === 0) return;
    actions.prompt(
      value || IMAGES_ONLY,
      images.map(({ mediaType, data }) => ({ mediaType, data })),
    );
    setText("");
    setImages([]);
    setAttachError(undefined);
    box.current?.focus();
  };
  const pickCommand = (command: SlashCommand) => {
    setText(commandText(command));
    box.current?.focus();
  };
  const attach = async (files: FileList | null) => {
    const picked = [...(files ?? [])];
    if (picked.length === 0) return;
    setAttachError(undefined);
    const room = MAX_IMAGES - images.length;
    const problems: string[] = [];
    if (picked.length > room) problems.push(`At most ${MAX_IMAGES} images go with one prompt: ${picked.length - Math.max(0, room)} left out.`);
    setPreparing((count) => count + Math.min(picked.length, Math.max(0, room)));
    const prepared: PreparedImage[] = [];
    for (const file of picked.slice(0, Math.max(0, room))) {
      try {
        prepared.push(await prepareImage(file));
      } catch (error) {
        problems.push(error instanceof ImageRefusedError ? error.message : `“${file.name}” could not be attached: ${(error as Error).message}`);
      } finally {
        setPreparing((count) => count - 1);
      }
    }
    setImages((current) => [...current, ...prepared].slice(0, MAX_IMAGES));
    if (problems.length > 0) setAttachError(problems.join(" "));
  };
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      {outbox.length > 0 && (
        <ul class="outbox" aria-label="Prompts not yet delivered">
          {outbox.map((prompt) => (
            <li key={prompt.id} class={prompt.state}>
              <span>
                {prompt.state === "failed" ? `Not sent: ${prompt.error ?? "refused"}` : prompt.state === "waiting" ? "Waiting for the connection…" : "Sending…"}
              </span>{" "}
              {prompt.text.slice(0, 200)}
              {prompt.state === "failed" && (
                <button type="button" class="secondary" onClick={() => actions.dismissPrompt(prompt.id)}>
                  Dismiss
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {matches.length > 0 && (
        <div class="commands" data-testid="commands">
          {/* The list scrolls: say how many there are, and that typing narrows them. */}
          <p class="commands-count" id="prompt-commands-count" data-testid="commands-count">
            {matches.length === 1 ? "1 command" : `${matches.length} commands`}
            {matches.length > 3 ? " · scroll, or type to narrow" : ""}
          </p>
          <ul id="prompt-commands" aria-label="Slash commands" aria-describedby="prompt-commands-count" ref={commandList}>
            {matches.map((command) => (
              <li key={command.name}>
                <button
                  type="button"
                  class="command"
                  onClick={() => pickCommand(command)}
                  onKeyDown={(event) => {
                    const buttons = [...(commandList.current?.querySelectorAll("button") ?? [])];
                    const at = buttons.indexOf(event.currentTarget);
                    if (event.key === "ArrowDown") buttons[at + 1]?.focus();
                    else if (event.key === "ArrowUp") (at === 0 ? box.current : buttons[at - 1])?.focus();
                    else if (event.key === "Escape") box.current?.focus();
                    else return;
                    event.preventDefault();
                  }}
                >
                  <span class="command-name">/{command.name}</span>
                  {command.argumentHint && <span class="command-hint"> {command.argumentHint}</span>}
                  {command.description && <span class="command-description">{command.description}</span>}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {(images.length > 0 || preparing > 0) && (
        <ul class="attachments" aria-label="Images to send">
          {images.map((image, index) => (
            <li key={index} data-testid="attachment">
              <Thumbnail image={image} />
              <button
                type="button"
                class="secondary remove"
                aria-label={`Remove ${image.name}`}
                onClick={() => setImages(images.filter((_, at) => at !== index))}
              >
                ×
              </button>
            </li>
          ))}
          {preparing > 0 && (
            <li class="hint" role="status">
              Preparing {preparing === 1 ? "an image" : `${preparing} images`}…
            </li>
          )}
        </ul>
      )}
      {attachError && (
        <p class="field-error" role="alert" data-testid="attach-error">
          {attachError}
        </p>
      )}
      <label for="prompt" class="visually-hidden">
        Message Claude
      </label>
      <textarea
        id="prompt"
        ref={box}
        rows={1}
        value={text}
        placeholder={commands.length > 0 ? "Message Claude (/ for commands)" : "Message Claude"}
        enterkeyhint="send"
        aria-controls={matches.length > 0 ? "prompt-commands" : undefined}
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" && matches.length > 0) {
            event.preventDefault();
            commandList.current?.querySelector("button")?.focus();
          } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing && enterSends()) {
            event.preventDefault();
            send();
          }
        }}
      />
      <div class="composer-buttons">
        <label class="button secondary attach">
          <span aria-hidden="true">+</span>
          <span class="visually-hidden">Attach image</span>
          <input
            type="file"
            accept="image/*"
            multiple
            class="visually-hidden"
            data-testid="attach"
            onChange={(event) => {
              const input = event.currentTarget;
              void attach(input.files).finally(() => (input.value = ""));
            }}
          />
        </label>
        {busy && (
          <button type="button" class="secondary" onClick={() => actions.interrupt()}>
            Interrupt
          </button>
        )}
        <button type="submit" disabled={(!text.trim() && images.length === 0) || preparing > 0}>
          Send
        </button>
      </div>
    </form>
  );
}
