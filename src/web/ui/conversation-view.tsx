/**
 * The conversation: prompts (with who sent them), Claude's markdown, thinking, tool calls, turn
 * ends and notices, in seq order, as a live log. It follows new output while the reader is at the
 * bottom and leaves the scroll position alone when they scrolled up to read.
 *
 * @example
 * ```tsx
 * <ConversationView conversation={conversation} who={(by) => (mine.has(by) ? "You" : "Another device")} />
 * ```
 */
import { Component } from "preact";
import { useLayoutEffect, useMemo, useRef } from "preact/hooks";
import type { Conversation, Item } from "../state/conversation.ts";
import { renderMarkdown } from "../render/markdown.ts";
import { ToolView } from "./tool-view.tsx";

function Markdown({ text }: { text: string }) {
  // Computed once per text: the same TrustedHTML object is not written to the DOM again.
  const html = useMemo(() => renderMarkdown(text), [text]);
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: html as unknown as string }} />;
}

interface ItemProps {
  item: Item;
  who: (by: string) => string;
}

/** Items are immutable: one re-renders only when it was replaced (or the names of devices changed). */
class ItemView extends Component<ItemProps> {
  override shouldComponentUpdate(next: ItemProps): boolean {
    return next.item !== this.props.item || next.who !== this.props.who;
  }
  override render({ item, who }: ItemProps) {
    return renderItem(item, who);
  }
}

function renderItem(item: Item, who: (by: string) => string) {
  switch (item.kind) {
    case "prompt":
      return (
        <article class="prompt" data-testid="prompt" data-seq={item.seq}>
          <p class="who">{who(item.by)}</p>
          <p class="text">{item.text}</p>
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
      return <ToolView item={item} who={who} />;
    case "turn":
      return item.isError ? (
        <p class="notice error" role="note">
          {item.text}
        </p>
      ) : (
        <hr class="turn" aria-label="end of turn" />
      );
    case "notice":
      return (
        <p class={`notice ${item.tone}`} role="note">
          {item.text}
        </p>
      );
  }
}

export function ConversationView({ conversation, who }: { conversation: Conversation | undefined; who: (by: string) => string }) {
  const log = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const items = conversation?.items ?? [];
  useLayoutEffect(() => {
    const element = log.current;
    if (element && atBottom.current) element.scrollTop = element.scrollHeight;
  }, [items]);
  const onScroll = () => {
    const element = log.current;
    if (element) atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
  };
  return (
    <div class="log" role="log" aria-label="Conversation" ref={log} onScroll={onScroll} tabIndex={0} data-testid="log">
      {items.length === 0 ? <p class="empty">No messages yet. Ask Claude something below.</p> : items.map((item) => <ItemView key={item.key} item={item} who={who} />)}
    </div>
  );
}
