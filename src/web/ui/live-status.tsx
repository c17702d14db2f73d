/**
 * The shown session's live status, one compact line between the conversation and the prompt box:
 * a context gauge with "42% context", the cost so far, what Claude does now ("Bash · 12 s",
 * ticking here from the relay's `sinceMs`; "Retrying 2/10…", "Compacting…", "Thinking…"), a
 * rate-limit warning, and — when there are any — the session's tasks (sub-agents, background
 * commands), opened into a list with Stop for the running ones. Nothing before the relay sent a
 * status.
 *
 * @example
 * ```tsx
 * <LiveStatusLine statuses={statuses} sessionId={sessionId} actions={actions} />
 * ```
 */
import { useEffect, useState } from "preact/hooks";
import { type LiveTask, liveStatusWords, secondsWords } from "../../shared/live-status-words.ts";
import type { SessionStatuses } from "../state/status.ts";
import type { Actions } from "./actions.ts";

export function LiveStatusLine({ statuses, sessionId, actions }: { statuses: SessionStatuses; sessionId: string; actions: Actions }) {
  const received = statuses.of.value.get(sessionId);
  const [now, setNow] = useState(Date.now);
  const [open, setOpen] = useState(false);
  const ticking = received?.status.activity !== undefined || (received?.status.tasks ?? []).some((task) => task.state === "running");
  // The clock of an activity (or a running task) moves on between the relay's frames.
  useEffect(() => {
    setNow(Date.now());
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [received, ticking]);
  if (!received) return null;
  const words = liveStatusWords(received.status, Math.max(0, now - received.at));
  const tasks = received.status.tasks ?? [];
  if (!words.context && !words.cost && !words.activity && !words.rateLimit && tasks.length === 0) return null;
  return (
    <>
      <section class="live-status" aria-label="Claude's status" data-testid="status-line">
        {words.context && (
          <span class="context" data-testid="status-context">
            <meter class="gauge" min={0} max={1} value={words.contextShare} aria-hidden="true" />
            {words.context}
          </span>
        )}
        {words.cost && <span data-testid="status-cost">{words.cost}</span>}
        {words.activity && (
          <span class="activity" data-testid="status-activity">
            {words.activity}
          </span>
        )}
        {words.rateLimit && (
          <span class="warn" data-testid="status-rate-limit">
            {words.rateLimit}
          </span>
        )}
        {tasks.length > 0 && (
          <button type="button" class="secondary tasks-toggle" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="tasks-toggle">
            {words.running > 0 ? `Tasks · ${words.running} running` : `Tasks (${tasks.length})`}
          </button>
        )}
      </section>
      {open && tasks.length > 0 && (
        <ul class="tasks" aria-label="Tasks" data-testid="tasks">
          {tasks.map((task) => (
            <TaskRow key={task.taskId} task={task} now={now} stop={() => actions.stopTask(sessionId, task.taskId)} />
          ))}
        </ul>
      )}
    </>
  );
}

function TaskRow({ task, now, stop }: { task: LiveTask; now: number; stop: () => void }) {
  const [asked, setAsked] = useState(false);
  const running = task.state === "running";
  const started = Date.parse(task.startedAt);
  const kind = task.taskType === "local_agent" ? "Sub-agent" : task.taskType === "local_bash" ? "Command" : "Task";
  return (
    <li class={`task ${task.state}`} data-testid="task">
      <span class="task-what">
        {kind}: {task.description}
      </span>
      <span class="task-state">{running ? (Number.isNaN(started) ? "running" : `running · ${secondsWords(now - started)}`) : task.state}</span>
      {running && (
        <button
          type="button"
          class="secondary"
          disabled={asked}
          onClick={() => {
            setAsked(true);
            stop();
          }}
        >
          {asked ? "Stopping…" : "Stop"}
        </button>
      )}
    </li>
  );
}
