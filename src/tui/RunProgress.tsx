import { Box, Static, Text, useStdout } from 'ink';
import Spinner from 'ink-spinner';
import { useTicker } from './use-ticker.js';
import { ProgressBlocks, StepDetail } from './run-parts.js';
import type { DurationStats } from '../planning/estimate.js';
import { retryLeftMs, viewEstimate } from '../planning/run-progress.js';
import { expectationText, formatEstimate } from './estimate-text.js';
import { viewPausedDetail } from '../planning/paused-text.js';
import { plainText } from './visible-text.js';
import { waitingText } from './waiting-text.js';
import { countByStatus, doneStepCount, formatDuration, isActiveStep, isWaitingForWorker, progressCountParts, STATUS_ICONS, type RunLogEntry, type RunView, type StepView } from './run-view-model.js';

export type Props = {
  readonly view: RunView;
  readonly color: boolean;
  /** Shows which keys act on the run (the live view of `ksa run` reads them). */
  readonly keysHint?: boolean;
  /** Ctrl-C was pressed once: the run is being cancelled and rolled back. */
  readonly cancelling?: boolean;
};

/** Steps shown in the live area at most; the rest are counted. */
const MAX_LIVE = 12;
/** Lines under the steps (more, the bar, paused, keys, some wrapped) and one spare. */
const BELOW_STEPS = 7;

/**
 * Live progress of a run: finished steps are printed once (Static, so they
 * stay in scrollback and never re-render); running steps redraw in place.
 */
export function RunProgress({ view, color, keysHint = false, cancelling = false }: Props) {
  // Elapsed times move on between events too.
  useTicker(250, true);
  // A frame as tall as the terminal is redrawn by clearing the screen, each copy left in the scrollback:
  // a short terminal (a split pane) shows fewer steps and counts the rest.
  const { rows } = useStdout().stdout as NodeJS.WriteStream;
  const maxLive = rows ? Math.max(1, Math.min(MAX_LIVE, rows - BELOW_STEPS)) : MAX_LIVE;

  const live: StepView[] = [];
  for (const id of view.order) {
    const step = view.steps.get(id)!;
    if (isActiveStep(view, step)) live.push(step);
  }
  const counts = countByStatus(view);
  const total = view.order.length;
  const done = doneStepCount(counts);
  const shown = live.slice(0, maxLive);
  const at = Date.now();

  return (
    <Box flexDirection="column">
      <Static items={[...view.log]}>{(entry) => <LogLine key={entry.key} entry={entry} step={view.steps.get(entry.stepId)!} color={color} />}</Static>
      {shown.map((step) => (
        <LiveLine key={step.id} step={step} rollingBack={view.rollingBack === step.id} paused={view.status === 'paused'} color={color} now={at} stats={view.estimates?.stats.get(step.id)} />
      ))}
      {live.length > shown.length ? <Text dimColor={color}>  … and {live.length - shown.length} more running</Text> : null}
      <ProgressBar done={done} total={total} counts={progressCountParts(view, counts)} elapsedMs={view.startedAtMs === undefined ? 0 : at - view.startedAtMs} status={view.status} rollingBack={view.rollingBack !== undefined} color={color} eta={estimateOf(view, at)} />
      {view.status === 'paused' ? (
        <Text color={color ? 'yellow' : undefined}>
          paused: no new step starts; {viewPausedDetail(view)}
        </Text>
      ) : null}
      {keysHint ? <Text dimColor={color}>{keysText(view, cancelling)}</Text> : null}
    </Box>
  );
}

function LogLine({ entry, step, color }: { readonly entry: RunLogEntry; readonly step: StepView; readonly color: boolean }) {
  if (entry.kind === 'rollback') {
    const failed = step.rollback?.status === 'failed';
    return (
      <Text color={color ? (failed ? 'red' : 'yellow') : undefined}>
        {failed ? `✗ rollback of ${step.id} failed: ${step.rollback?.error ?? ''}` : `↶ ${step.id} rolled back${step.rollback?.worker ? ` on ${step.rollback.worker.replaceAll(',', ', ')}` : ''}`}
      </Text>
    );
  }
  const status = step.status === 'rolled_back' ? 'succeeded' : step.status;
  const tone = status === 'succeeded' ? 'green' : status === 'failed' ? 'red' : undefined;
  const detail = status === 'failed' ? step.error : status === 'skipped' ? step.skipReason : undefined;
  return (
    <Text>
      <Text color={color ? tone : undefined}>{STATUS_ICONS[status]}</Text> {step.id} {status}
      {step.durationMs !== undefined ? ` in ${formatDuration(step.durationMs)}` : ''}
      {step.attempt > 1 ? ` (${step.attempt} attempts)` : ''}
      {detail ? <Text color={color && status === 'failed' ? 'red' : undefined} dimColor={color && status !== 'failed'}> · {detail}</Text> : null}
    </Text>
  );
}

function estimateOf(view: RunView, now: number): string | undefined {
  // Rolling back, the steps left will not run: no time left to tell.
  if (view.rollingBack !== undefined) return undefined;
  const estimate = viewEstimate(view, now);
  return estimate ? formatEstimate(estimate, view.status === 'paused') : undefined;
}

function LiveLine(props: { readonly step: StepView; readonly rollingBack: boolean; readonly paused: boolean; readonly color: boolean; readonly now: number; readonly stats?: DurationStats }) {
  const { step, rollingBack, color, now } = props;
  if (isWaitingForWorker(step) && !rollingBack) return <WaitingLine step={step} color={color} now={now} />;
  const elapsed = step.startedAtMs === undefined ? undefined : now - step.startedAtMs;
  const expected = step.status === 'running' && !rollingBack ? expectationText(props.stats, elapsed) : undefined;
  const attempt = step.maxAttempts > 1 && !rollingBack ? ` attempt ${step.attempt}/${step.maxAttempts}` : '';
  // Paused, a retry's delay does not count down to a start: it waits for the resume.
  const left = retryLeftMs(step, now);
  const retry = props.paused ? 'retrying once resumed' : left === 0 ? 'retrying now' : `retrying in ${formatDuration(left)}`;
  const state = rollingBack ? 'rolling back' : step.status === 'retrying' ? retry : step.status;
  const line = step.status === 'retrying' ? step.error : step.lastLine;
  // One text cut at the terminal's edge, never wrapped (a wrapped line leaves copies of itself behind on
  // each redraw): the step's output, last, is what goes first.
  return (
    <Text wrap="truncate-end">
      <Text color={color ? (rollingBack ? 'yellow' : 'cyan') : undefined}>{step.status === 'retrying' ? STATUS_ICONS.retrying : <Spinner type="dots" />}</Text>{' '}
      {step.id} {state}
      {step.worker ? ` on ${step.worker}` : ''}
      {attempt}
      {rollingBack ? '' : ` ${formatDuration(elapsed)}`}
      {expected ? <Text color={color && expected.slow ? 'yellow' : undefined} dimColor={color && !expected.slow}> ({expected.text})</Text> : null}
      <StepDetail text={line} color={color} />
    </Text>
  );
}

/** A step no worker took yet: it has not started, so its time is its wait, with no usual duration to compare. */
function WaitingLine({ step, color, now }: { readonly step: StepView; readonly color: boolean; readonly now: number }) {
  const { head, tail } = waitingText(step.lastLine ?? 'waiting for a worker', now - step.waitingSinceMs!);
  const attempt = step.maxAttempts > 1 ? ` attempt ${step.attempt}/${step.maxAttempts}` : '';
  return (
    <Text wrap="truncate-end">
      <Text color={color ? 'cyan' : undefined}>
        <Spinner type="dots" />
      </Text>{' '}
      {step.id} {plainText(head)}
      {attempt}
      <Text dimColor={color}>{plainText(tail)}</Text>
    </Text>
  );
}

/** The keys that act on the run now: a run being cancelled or rolled back can no longer be paused. */
function keysText(view: RunView, cancelling: boolean): string {
  if (cancelling) return 'cancelling (finished steps are rolled back) · Ctrl-C again stops at once';
  if (view.rollingBack !== undefined) return 'rolling back · Ctrl-C twice stops at once (the rest is not rolled back)';
  return `${view.status === 'paused' ? 'p resumes' : 'p pauses'} · Ctrl-C cancels (finished steps are rolled back)`;
}

function ProgressBar(props: { readonly done: number; readonly total: number; readonly counts: readonly string[]; readonly elapsedMs: number; readonly status: string; readonly rollingBack: boolean; readonly color: boolean; readonly eta?: string }) {
  return (
    <Text>
      <ProgressBlocks done={props.done} total={props.total} width={24} color={props.color} /> {[`${props.done}/${props.total} done`, ...props.counts, formatDuration(props.elapsedMs)].join(' · ')}
      {props.rollingBack ? ' · rolling back' : ''}
      {props.status === 'paused' ? ' · paused' : ''}
      {props.eta ? ` · ${props.eta}` : ''}
    </Text>
  );
}
