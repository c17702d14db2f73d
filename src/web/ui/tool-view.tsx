/**
 * One tool call, collapsed to a summary line; opened it shows its input and result: Edit,
 * MultiEdit and Write as a diff, Bash as the command and its output, TodoWrite as a checklist,
 * anything else as JSON. All of it is untrusted text and goes into text nodes only.
 *
 * @example
 * ```tsx
 * <ToolView item={toolItem} who={(by) => "you"} />
 * ```
 */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { lineDiff } from "../../shared/line-diff.ts";
import type { Item } from "../state/conversation.ts";

type ToolItem = Extract<Item, { kind: "tool" }>;

const str = (value: unknown): string => (typeof value === "string" ? value : "");
const MAX_SHOWN_CHARS = 20_000;
const clip = (text: string) =>
  text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}\n… (${text.length - MAX_SHOWN_CHARS} more characters)` : text;

/** What a tool call acts on: its file, command, pattern, URL or path (its description otherwise). */
export function toolTarget(input: Record<string, unknown>): string {
  return (
    str(input.file_path) || str(input.notebook_path) || str(input.command) || str(input.pattern) || str(input.url) || str(input.path) || str(input.description)
  );
}

/** The one-line summary: what the tool acts on. */
function toolSummary(name: string, input: Record<string, unknown>): string {
  const target = toolTarget(input);
  return target ? `${name}: ${target.split("\n")[0]!.slice(0, 160)}` : name;
}

function Diff({ before, after }: { before: string; after: string }) {
  const lines = lineDiff(before, after);
  return (
    <pre class="diff">
      {lines.map((line, index) => (
        <span key={index} class={line.op === "+" ? "add" : line.op === "-" ? "del" : "ctx"}>
          {`${line.op} ${line.text}\n`}
        </span>
      ))}
    </pre>
  );
}

function Todos({ todos }: { todos: unknown }) {
  const list = Array.isArray(todos) ? todos.filter((todo): todo is Record<string, unknown> => typeof todo === "object" && todo !== null) : [];
  return (
    <ul class="todos">
      {list.map((todo, index) => {
        const status = str(todo.status);
        return (
          <li key={index} class={`todo ${status === "completed" ? "done" : status === "in_progress" ? "doing" : "todo"}`}>
            <span aria-hidden="true">{status === "completed" ? "☑" : status === "in_progress" ? "◐" : "☐"} </span>
            <span class="visually-hidden">{status === "completed" ? "done: " : status === "in_progress" ? "in progress: " : "to do: "}</span>
            {str(todo.content)}
          </li>
        );
      })}
    </ul>
  );
}

/** A tool call's input as it is best read: a diff, a command, a checklist, else JSON. */
export function ToolInput({ name, input }: { name: string; input: Record<string, unknown> }) {
  switch (name) {
    case "Edit":
      return <Diff before={str(input.old_string)} after={str(input.new_string)} />;
    case "MultiEdit": {
      const edits = Array.isArray(input.edits) ? (input.edits as Record<string, unknown>[]) : [];
      return (
        <>
          {edits.map((edit, index) => (
            <Diff key={index} before={str(edit?.old_string)} after={str(edit?.new_string)} />
          ))}
        </>
      );
    }
    case "Write":
      return <Diff before="" after={clip(str(input.content))} />;
    case "Bash":
      return <pre class="command">{`$ ${str(input.command)}`}</pre>;
    case "TodoWrite":
      return <Todos todos={input.todos} />;
    default:
      return <pre class="json">{clip(JSON.stringify(input, null, 2))}</pre>;
  }
}

/** Todo lists are shown opened; a closed call's body is not rendered until it is opened (a long conversation holds hundreds). */
/** Who sent or answered something, for people: from the sender's connection id and its device's name (see device-words.ts). */
export type Who = (by: string, device?: string) => string;

/** `nested`: a sub-agent's output (the Task call's `children`), rendered by the conversation, shown in the opened call. */
export function ToolView({ item, who, nested }: { item: ToolItem; who: Who; nested?: ComponentChildren }) {
  const { result, permission } = item;
  const outcome = permission
    ? `${permission.behavior === "allow" ? "allowed" : permission.behavior === "deny" ? "denied" : "withdrawn"} by ${who(permission.by, permission.device)}`
    : undefined;
  const [open, setOpen] = useState(item.name === "TodoWrite");
  return (
    <details class={`tool${result?.isError ? " failed" : ""}`} open={open} onToggle={(event) => setOpen(event.currentTarget.open)} data-testid="tool">
      <summary>
        <span class="tool-name">{toolSummary(item.name, item.input)}</span>
        {outcome && <span class="badge">{outcome}</span>}
        {result?.isError && <span class="badge error">error</span>}
        {item.children && <span class="badge">sub-agent · {item.children.length === 1 ? "1 step" : `${item.children.length} steps`}</span>}
      </summary>
      {open && (
        <div class="tool-body">
          {(item.name === "Edit" || item.name === "MultiEdit" || item.name === "Write") && <p class="path">{str(item.input.file_path)}</p>}
          <ToolInput name={item.name} input={item.input} />
          {nested && (
            <div class="subagent" data-testid="subagent">
              {nested}
            </div>
          )}
          {result && <pre class={`output${result.isError ? " error" : ""}`}>{clip(result.text)}</pre>}
        </div>
      )}
    </details>
  );
}
