import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { useMemo } from 'react';
import type { DurationStats } from '../planning/estimate.js';
import { buildGraph, depthLevels } from '../planning/graph.js';
import { retryLeftMs, viewEstimate, type RunView, type StepView } from '../planning/run-progress.js';
import type { Plan } from '../planning/schema.js';
import { expectationText, formatEstimate } from './estimate-text.js';
import { viewPausedDetail } from '../planning/paused-text.js';
import { ProgressBlocks, StepDetail } from './run-parts.js';
import { countByStatus, doneStepCount, formatDuration, isActiveStep, isWaitingForWorker, progressCountParts, STATUS_ICONS } from './run-view-model.js';
import { useTicker } from './use-ticker.js';
import { plainText } from './visible-text.js';
import { waitingText } from './waiting-text.js';

export type Props = {
  readonly view: RunView;
  readonly plan: Plan;
  readonly color: boolean;
  /** Lines of steps shown at most; beyond that only active steps and counts. */
  readonly maxLines?: number;
  /** The chat is closing: the run stays paused (/quit waits for its running steps), or is being cancelled. */
  readonly leaving?: { readonly leavesPaused: boolean };
};

type Row = { readonly step: StepView; readonly branch: string; readonly after: readonly string[] };

/**
 * The run while it runs: one line per step in dependency order, steps that
 * can run side by side bracketed (┬ ├ ┴) so parallel branches show, then a
 * progress bar. It is replaced by a one-line summary in the history when done.
 */
export function RunPanel({ view, plan, color, maxLines = 24, leaving }: Props) {
  const active = view.status === 'running' || view.status === 'paused';
  const now = useTicker(200, active);
  // The plan does not change during a run: its layout is worked out once, not on every event and tick.
  const layout = useMemo(() => planLayout(plan), [plan]);
  const rows = layout.map(({ id, branch, after }) => ({ step: view.steps.get(id)!, branch, after }));
  const shown = rows.length <= maxLines ? rows : rows.filter((row) => isActiveStep(view, row.step)).slice(0, maxLines);
  const counts = countByStatus(view);
  const done = doneStepCount(counts);
  // Rolling back, the steps left will not run: no time left to tell.
  const estimate = view.rollingBack === undefined ? viewEstimate(view, now) : undefined;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color ? 'blue' : undefined} paddingX={1}>
      <Text bold wrap="truncate-end">
        Run {view.runId} · {view.goal}
      </Text>
      {shown.map((row) => (
        <StepLine key={row.step.id} row={row} rollingBack={view.rollingBack === row.step.id} paused={view.status === 'paused'} color={color} now={now} stats={view.estimates?.stats.get(row.step.id)} />
      ))}
      {shown.length < rows.length ? <Text dimColor={color}>… {rows.length - shown.length} more steps not shown</Text> : null}
      <Text>
        <ProgressBlocks done={done} total={view.order.length} width={28} color={color} />{' '}
        {[`${done}/${view.order.length} done`, ...progressCountParts(view, counts), formatDuration(view.startedAtMs === undefined ? 0 : now - view.startedAtMs)].join(' · ')}
        {view.rollingBack ? ' · rolling back' : ''}
        {view.status === 'paused' ? ' · paused' : ''}
        {estimate ? ` · ${formatEstimate(estimate, view.status === 'paused')}` : ''}
      </Text>
      {view.status === 'paused' ? (
        <Text color={color ? 'yellow' : undefined}>
          paused: no new step starts; {viewPausedDetail(view)}{leaving ? '' : ' · /resume goes on'}
        </Text>
      ) : null}
      <Text dimColor={color} wrap="truncate-end">
        {keysLine(view, leaving)}
      </Text>
    </Box>
  );
}

/** What the keys do now: while the chat closes, nothing but end /quit's wait (no question could be answered). */
function keysLine(view: RunView, leaving: Props['leaving']): string {
  if (!leaving) return `Esc cancels the run (finished steps are rolled back) or ${view.status === 'paused' ? 'resumes' : 'pauses'} it (p) · you can keep chatting`;
  if (!leaving.leavesPaused) return 'leaving: the run is cancelled and rolled back first';
  return 'leaving: the run stays paused · Esc or Ctrl-C cuts running steps short (they run again when it is resumed)';
}

function StepLine({ row, rollingBack, paused, color, now, stats }: { readonly row: Row; readonly rollingBack: boolean; readonly paused: boolean; readonly color: boolean; readonly now: number; readonly stats?: DurationStats }) {
  const { step } = row;
  // No worker took it yet: it has not started, so its time is its wait, with no usual duration to compare.
  const waiting = isWaitingForWorker(step) && !rollingBack ? waitingText(step.lastLine ?? 'waiting for a worker', now - step.waitingSinceMs!) : undefined;
  const expected = step.status === 'running' && !waiting && !rollingBack && step.startedAtMs !== undefined ? expectationText(stats, now - step.startedAtMs) : undefined;
  const running = step.status === 'running' || rollingBack;
  const tone = step.status === 'succeeded' ? 'green' : step.status === 'failed' ? 'red' : step.status === 'retrying' || rollingBack ? 'yellow' : undefined;
  const elapsed = step.durationMs ?? (step.startedAtMs !== undefined ? now - step.startedAtMs : undefined);
  const attempt = step.maxAttempts > 1 && step.attempt > 0 ? ` ${step.attempt}/${step.maxAttempts}` : '';
  const left = retryLeftMs(step, now);
  const retry = paused ? 'retry once resumed' : left === 0 ? 'retry now' : `retry in ${formatDuration(left)}`;
  const state = rollingBack ? 'rolling back' : waiting ? plainText(waiting.head + waiting.tail) : step.status === 'retrying' ? retry : step.status.replace('_', ' ');
  const detail = waiting ? undefined : step.status === 'failed' ? step.error : step.status === 'retrying' ? step.error : step.status === 'pending' && row.after.length ? `after ${row.after.join(', ')}` : step.lastLine;
  // One text cut at the panel's edge, never wrapped: the step's output, last, is what goes first.
  return (
    <Text wrap="truncate-end">
      <Text color={color ? tone : undefined}>{running ? <Spinner type="dots" /> : STATUS_ICONS[step.status]}</Text>
      <Text dimColor={color}> {row.branch} </Text>
      {step.id} <Text color={color ? tone : undefined}>{state}</Text>
      {step.worker ? ` on ${step.worker}` : ''}
      {attempt}
      {elapsed !== undefined && step.status !== 'pending' && !waiting ? ` ${formatDuration(elapsed)}` : ''}
      {expected ? <Text color={color && expected.slow ? 'yellow' : undefined} dimColor={color && !expected.slow}> ({expected.text})</Text> : null}
      <StepDetail text={detail} color={color} />
    </Text>
  );
}

type RowLayout = { readonly id: string; readonly branch: string; readonly after: readonly string[] };

/** Steps by depth: those sharing a depth can run side by side and get a bracket. */
function planLayout(plan: Plan): RowLayout[] {
  const graph = buildGraph(plan.steps);
  if (!graph.order) return plan.steps.map((step) => ({ id: step.id, branch: '─', after: [] }));
  const rows: RowLayout[] = [];
  for (const level of depthLevels(graph)) {
    level.forEach((index, i) => {
      const branch = level.length === 1 ? '─' : i === 0 ? '┬' : i === level.length - 1 ? '┴' : '├';
      const step = plan.steps[index]!;
      rows.push({ id: step.id, branch, after: step.dependsOn });
    });
  }
  return rows;
}
