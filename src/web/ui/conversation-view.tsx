/**
 * The conversation: prompts (with who sent them), Claude's markdown, thinking, tool calls, turn
 * ends and notices, in seq order, as a live log. It follows new output while the reader is at the
 * bottom (also when the log gets shorter: the keyboard opening, a permission card) and leaves the
 * scroll position alone when they scrolled up to read. Only the newest
 * items are rendered while it follows the end; earlier ones are added a page at a time as the
 * reader scrolls up (or asks), keeping what they look at in place.
 *
 * @example
 * ```tsx
 * <ConversationView conversation={conversation} who={(by, device) => (mine.has(by) ? "You" : (device ?? "Another device"))} />
 * ```
 */
import type { ReadonlySignal } from "@preact/signals-core";
import { Component, Fragment } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { type NamedModel, noteWords } from "../../client/claude-notes.ts";
import { renderMarkdown } from "../render/markdown.ts";
import type { ReviewState } from "../state/changes.ts";
import type { Conversation, Item, PromptImageInfo } from "../state/conversation.ts";
import { TurnChangesLink } from "./changes-view.tsx";
import { LiveItem } from "./live-item.tsx";
import { ToolView, type Who } from "./tool-view.tsx";

function Markdown({ text }: { text: string }) {
  // Computed once per text: the same TrustedHTML object is not written to the DOM again.
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: html as unknown as string }} />;
}

interface ItemProps {
  item: Item;
  who: Who;
  /** The session's models, to name one in a model change. */
  models: readonly NamedModel[];
  /** The session's id and Changes state: a turn that changed files links to them. */
  sessionId: string;
  review: ReviewState | undefined;
}

/** "2 images (410 KB)": what went with a prompt (the bytes went to Claude, not to every device). */
function imagesWords(images: readonly PromptImageInfo[]): string {
  const kb = Math.max(1, Math.round(images.reduce((sum, image) => sum + image.bytes, 0) / 1024));
  return `${images.length === 1 ? "1 image" : `${images.length} images`} (${kb} KB)`;
}

/** Items are immutable: one re-renders only when it was replaced (or the names of devices or models changed). */
class ItemView extends Component<ItemProps> {
  override shouldComponentUpdate(next: ItemProps): boolean {
    return next.item !== this.props.item || next.who !== this.props.who || next.models !== this.props.models;
  }
  override render({ item, who, models, sessionId, review }: ItemProps) {
    if (item.kind !== "turn" || !review) return renderItem(item, who, models);
    // The link reads its own signal: it appears without redrawing the item.
    return (
      <>
        {renderItem(item, who, models)}
        <TurnChangesLink review={review} sessionId={sessionId} turnKey={item.key} />
      </>
    );
  }
}

function renderItem(item: Item, who: Who, models: readonly NamedModel[]) {
  switch (item.kind) {
    case "prompt":
      return (
        <article class="prompt" data-testid="prompt" data-seq={item.seq}>
          <p class="who">{who(item.by, item.device)}</p>
          <p class="text">{item.text}</p>
          {item.images && <p class="images">{imagesWords(item.images)}</p>}
        </article>
      );
    case "text":
      return (
        <article class="assistant" data-testid="assistant" data-seq={item.seq}>
          <Markdown text={item.text} />
        </article>
      );
    case "thinking":
      return (
        <details class="thinking">
          <summary>Thinking</summary>
          <p>{item.text}</p>
        </details>
      );
    case "tool":
      return <ToolView item={item} who={who} nested={item.children?.map((child) => <Fragment key={child.key}>{renderItem(child, who, models)}</Fragment>)} />;
    case "turn":
      if (item.interrupted)
        return (
          <p class="notice" role="note" data-testid="interrupted">
            Interrupted
          </p>
        );
      return item.isError ? (
        <p class="notice error" role="note">
          {item.text}
        </p>
      ) : (
        <hr class="turn" aria-label="end of turn" />
      );
    case "note":
      return (
        <p class="notice note" role="note" data-testid="note">
          {noteWords(item.note, models)}
        </p>
      );
    case "notice":
      return (
        <p class={`notice ${item.tone}`} role="note">
          {item.text}
        </p>
      );
  }
}

/** Items rendered from the end of a conversation while following it (a few screens' worth). */
const NEWEST = 60;
/** Earlier items added at a time when scrolling up: few, so each page costs a short task and scrolling does not hitch (bench/web-render.ts; docs/benchmarks.md). */
const EARLIER = 12;

const NO_MODELS: readonly NamedModel[] = [];

export function ConversationView({
  conversation,
  who,
  models = NO_MODELS,
  review,
  live,
}: {
  conversation: Conversation | undefined;
  who: Who;
  models?: readonly NamedModel[];
  /** Where "3 files changed" after a turn leads (none: no links). */
  review?: ReviewState;
  /** Claude's text being written, per session (the live item reads it: the conversation is not redrawn per delta). */
  live?: ReadonlySignal<ReadonlyMap<string, string>>;
}) {
  const log = useRef<HTMLDivElement>(null);
  const earlier = useRef<HTMLButtonElement>(null);
  const atBottom = useRef(true);
  /** Index of the first item rendered. */
  const first = useRef(0);
  /** Set when earlier items are added above: the distance from the bottom to keep. */
  const keepFromBottom = useRef<number | undefined>(undefined);
  const [, setPages] = useState(0);
  const items = conversation?.items ?? [];
  // Following the end (a long replay, a live turn): only the newest page is in the DOM, so a
  // conversation of thousands of events renders as fast as a short one. Scrolled up, nothing moves.
  if (atBottom.current) first.current = Math.max(0, items.length - NEWEST);
  first.current = Math.min(first.current, items.length);
  const hidden = first.current;
  const showEarlier = () => {
    const element = log.current;
    if (!element || first.current === 0) return;
    keepFromBottom.current = element.scrollHeight - element.scrollTop;
    atBottom.current = false;
    first.current = Math.max(0, first.current - EARLIER);
    setPages((pages) => pages + 1);
  };
  useLayoutEffect(() => {
    const element = log.current;
    if (!element) return;
    if (keepFromBottom.current !== undefined) element.scrollTop = element.scrollHeight - keepFromBottom.current;
    else if (atBottom.current) element.scrollTop = element.scrollHeight;
    keepFromBottom.current = undefined;
  });
  // Scrolling up to within a screen of the first item rendered brings the page before it (so a
  // fling finds it there). Observed afresh after each
  // page: an observer reports only changes, so when a page of short items leaves the button in
  // view, only a new observer (whose first report says it is visible) brings the next one.
  useEffect(() => {
    const button = earlier.current;
    if (!button || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && showEarlier(), {
      root: log.current,
      rootMargin: "100% 0px 0px 0px",
    });
    observer.observe(button);
    return () => observer.disconnect();
  }, [hidden]);
  // The log gets shorter when the keyboard opens (or a card or the box grows): one at the end stays there.
  useEffect(() => {
    const element = log.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  // The live item grows between redraws of the log: one at the end stays there.
  const followLive = useRef(() => {
    const element = log.current;
    if (element && atBottom.current) element.scrollTop = element.scrollHeight;
  }).current;
  const onScroll = () => {
    const element = log.current;
    if (element) atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
  };
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable so the keyboard can scroll it.
    <div class="log" role="log" aria-label="Conversation" ref={log} onScroll={onScroll} tabIndex={0} data-testid="log">
      {hidden > 0 && (
        <button type="button" class="secondary earlier" ref={earlier} onClick={showEarlier} data-testid="show-earlier">
          Show earlier messages ({hidden})
        </button>
      )}
      {items.length === 0 ? (
        <p class="empty">No messages yet. Ask Claude something below.</p>
      ) : (
        items.slice(hidden).map((item) => <ItemView key={item.key} item={item} who={who} models={models} sessionId={conversation!.sessionId} review={review} />)
      )}
      {live && conversation && <LiveItem drafts={live} sessionId={conversation.sessionId} grown={followLive} />}
    </div>
  );
}
