import { isFinished, type AttemptWorker } from '../../planning/index.js';
import { workerLabelsOf } from '../../planning/placement.js';
import { cutShortSteps, ownerLastAlive, failedStepLogTails, logWrittenAt, readLogTail, runStatusDocument, stepLogFile, storedRunOutlook, type RunRecord } from '../../store/index.js';
import { expectationText, formatEstimate } from '../../tui/estimate-text.js';
import { nextAttemptText, pausedDetail, stoppingDetail, storedRunningSteps, waitsForRetry, waitsForWorker } from '../../planning/paused-text.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, type CliIO } from '../io.js';
import { parseWholeNumber } from '../options.js';
import { colorEnabled, createStyler } from '../../tui/style.js';
import { openStores } from '../stores.js';
import { durationBetween } from '../time-format.js';
import { paintStatus } from './runs.js';
import { redisFlagHint } from '../../workers/redis-url.js';
import { saysWaitingForWorker, waitingForWorker } from '../../workers/step-messages.js';
import { plainText, visible } from '../../tui/visible-text.js';
import { waitingText } from '../../tui/waiting-text.js';
import { runStopLine, stepDurationIsLowerBound } from '../../tui/run-stop-text.js';

export async function statusCommand(io: CliIO, runIdArg: string | undefined, flags: { json?: boolean; logLines?: string }): Promise<ExitCodeValue> {
  const logLines = parseWholeNumber(flags.logLines, '--log-lines', 0) ?? 8;
  const { runs } = openStores(io);
  const { runId, record, status, owner } = await runs.inspect(runIdArg);
  const logDir = runs.logDir(runId);
  const tails = await failedStepLogTails(logDir, record, logLines);
  // A paused run's held steps wait for its resume, whether or not its process is still there.
  const waiting = record.redis !== undefined && (status === 'running' || status === 'paused') ? await stepsWaitingForWorkers(logDir, record) : new Map<string, WaitingStep>();
  const outlook = await storedRunOutlook(runs.home, record, status, owner !== undefined).catch(() => ({ stats: undefined, estimate: undefined }));
  const { estimate } = outlook;
  // What earlier runs say of the steps running now (their usual duration, "slower than usual" from 3× it), while a process runs them.
  const stats = owner ? outlook.stats : undefined;
  const alive = await ownerLastAlive(logDir, status, owner);
  const cutShort = await cutShortSteps(logDir, record, status, owner, alive);
  const now = Date.now();

  if (flags.json) {
    writeLine(io.stdout, JSON.stringify(runStatusDocument(record, status, owner, logDir, { tails, estimate, stats, now, cutShort, alive }), null, 2));
    return ExitCode.ok;
  }

  const style = createStyler(colorEnabled(io.stdout, io.env));
  const { state } = record;
  writeLine(io.stdout, `${style.bold(`Run ${runId}`)}  ${paintStatus(status, style)}`);
  writeLine(io.stdout, `  goal: ${visible(record.goal)}`);
  if (record.planFile) writeLine(io.stdout, `  plan: ${record.planFile}`);
  writeLine(io.stdout, `  workspace: ${record.workspace}`);
  // Only a run that runs is "running for": a paused or interrupted one started that long ago.
  const since = durationBetween(state.startedAt, state.endedAt);
  // "ago" is from now: a run that recorded its stop (stopped at once) ended earlier, as the stopped line says.
  writeLine(io.stdout, `  started ${state.startedAt?.replace('T', ' ').slice(0, 19) ?? '–'} · ${isFinished(status) ? `took ${since}` : status === 'running' ? `running for ${since}` : `${durationBetween(state.startedAt, undefined, now)} ago`}`);
  // Its process is gone: where it stopped (what it recorded, if it stopped at once), as ksa runs counts its duration.
  const stopped = runStopLine(record, status, owner, cutShort, alive);
  if (stopped) writeLine(io.stdout, `  ${stopped}`);
  for (const approval of record.approvals ?? []) {
    const when = approval.approvedAt.replace('T', ' ').slice(0, 19);
    const by = approval.approvedBy === approval.user ? approval.user : `${approval.approvedBy} (run by ${approval.user})`;
    writeLine(io.stdout, `  approved by ${by} · ${when} · --approve ${approval.mode}${approval.allowDestroy ? ' · destroy allowed' : ''} · ${approval.command} · plan ${approval.planHash.slice(0, 19)}…`);
  }
  if (owner) writeLine(io.stdout, `  owned by process ${owner.pid} (${owner.command})`);
  if (estimate) writeLine(io.stdout, `  estimated: ${formatEstimate(estimate, status === 'paused')} (from earlier runs)`);
  if (state.error && status !== 'succeeded') writeLine(io.stdout, `  ${style.red(plainText(state.error))}`);
  // Paused, and its process died since: nothing runs, and what was running was cut short.
  const orphaned = status === 'paused' && !owner;
  if (status === 'paused') {
    // A step no worker took yet has not started: the pause holds it (as ksa pause says).
    const { running, retrying, held } = storedRunningSteps(record.plan.steps.map((step) => step.id), state.steps);
    // Without a live owner nothing runs: the steps that were running start again on resume; the held ones never started.
    const gone = [...(running.length > 0 ? [`${running.join(', ')} cut short`] : []), ...(held.length > 0 ? [pausedDetail([], [], held)] : [])];
    const detail = orphaned ? `; the process running it is gone${gone.length > 0 ? ` (${gone.join('; ')})` : ''}` : running.length + held.length + retrying.length > 0 ? `; ${pausedDetail(running, retrying, held)}` : '';
    writeLine(io.stdout, style.yellow(`  paused: no new step starts${detail}`));
  }
  if (status === 'running' && state.error) writeLine(io.stdout, style.yellow(`  ${stoppingDetail(record.plan.steps.map((step) => step.id), state.steps)}`));
  writeLine(io.stdout);

  // Which worker ran each step's last attempt, for a run that used workers (a local run shows no such column).
  const onWorkers = Object.values(state.steps).some((st) => st.worker !== undefined || st.succeededOn !== undefined);
  const rows = record.plan.steps.map((step) => {
    const st = state.steps[step.id] ?? { status: 'pending', attempts: 0 };
    const duration = `${stepDurationIsLowerBound(record, step.id, cutShort, alive) ? '\u2265 ' : ''}${durationBetween(st.startedAt, st.endedAt ?? cutShort.get(step.id))}`;
    // Between attempts nothing of the step runs: it waits for its retry (paused, or its process gone: for the resume).
    const retrying = waitsForRetry(st);
    // Held by the pause, its job off the queue: it never started, and waits for the resume.
    const stopped = status === 'interrupted' || (orphaned && !waitsForWorker(st));
    let detail = st.status === 'failed' || retrying ? (st.error ?? '') : st.status === 'skipped' ? (st.skipReason ?? '') : '';
    // Its process died while it ran: the cancel that came later found it stopped there.
    if (st.status === 'cancelled' && st.cutShortAt !== undefined) detail = `cut short after ${durationBetween(st.startedAt, st.cutShortAt)} (the process running it died)`;
    // Not succeeded, yet undone (what an attempt cut short may have done, a fan-out's parts that succeeded): said, or it reads as left in place.
    if (st.rollback?.status === 'succeeded' && st.status !== 'rolled_back') detail = detail ? `${detail}; rolled back` : 'rolled back';
    if (retrying && stopped) detail = `waiting for its retry: ${nextAttemptText(step, st)} on resume${detail ? ` · ${detail}` : ''}`;
    if (st.rollback?.status === 'failed') detail = `rollback failed: ${st.rollback.error}`;
    // Its rollback was under way when the process went: it may be undone, and a resume runs it again.
    else if (st.rollbackStartedAt !== undefined && stopped) detail = 'rollback cut short: may be undone; runs again on resume';
    // No worker took it yet: it has not started, and its time is its wait (from its waiting line).
    const waits = waiting.get(step.id);
    if (waits) {
      const { head, tail } = waitingText(waits.line, waits.since === undefined ? undefined : now - Date.parse(waits.since));
      detail ||= head + tail;
    }
    if (st.status === 'running' && !retrying && !stopped && st.startedAt) detail ||= expectationText(stats?.get(step.id), now - Date.parse(st.startedAt))?.text ?? '';
    // Stopped, nothing retries it: it is interrupted, and its detail says what resume does (its next attempt).
    const shownStatus = stopped && st.status === 'running' ? 'interrupted' : retrying ? 'retrying' : waits ? 'waiting' : st.status;
    return [step.id, shownStatus, String(st.attempts), duration, ...(onWorkers ? [workerCell(st)] : []), plainText(detail)];
  });
  const header = ['STEP', 'STATUS', 'ATTEMPTS', 'DURATION', ...(onWorkers ? ['WORKER'] : []), 'DETAIL'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  writeLine(io.stdout, `  ${style.bold(line(header))}`);
  for (const row of rows) writeLine(io.stdout, `  ${line(row)}`);

  for (const [stepId, tail] of Object.entries(tails)) {
    if (tail.length === 0) continue;
    writeLine(io.stdout);
    writeLine(io.stdout, style.dim(`  last lines of ${stepId}'s log (${stepLogFile(logDir, stepId)}):`));
    for (const text of tail) writeLine(io.stdout, `    ${plainText(text)}`);
  }
  writeLine(io.stdout);
  for (const hint of nextSteps(runId, orphaned ? 'interrupted' : status, record.redis, io.env.KSA_REDIS_URL, owner?.command, state.error !== undefined)) writeLine(io.stdout, style.dim(hint));
  return ExitCode.ok;
}

/**
 * Where the step's last attempt ran, the earlier attempts that ran elsewhere and, for a fan-out that did not
 * succeed as a whole, where it did: `web-a (attempts 1, 3 on web-b)`, `web-1,web-2 (succeeded on web-1)`.
 */
function workerCell(st: { worker?: string; attemptWorkers?: readonly AttemptWorker[]; succeededOn?: Record<string, unknown> }): string {
  const succeeded = st.succeededOn === undefined ? undefined : Object.keys(st.succeededOn).join(',');
  // Where it succeeded says something only when that is not everywhere it ran (a part no worker took is not named).
  const notes = [...elsewhere(st.worker, st.attemptWorkers ?? []), ...(succeeded === undefined || succeeded === st.worker ? [] : [`succeeded on ${succeeded}`])];
  if (st.worker === undefined) return notes.join('; ') || '-';
  return notes.length === 0 ? st.worker : `${st.worker} (${notes.join('; ')})`;
}

/** `attempts 1, 3 on web-b` for each other worker that ran some of the step's attempts, in order of their first. */
function elsewhere(last: string | undefined, attempts: readonly AttemptWorker[]): string[] {
  const byWorker = new Map<string, number[]>();
  for (const { attempt, worker } of attempts) if (worker !== last) byWorker.set(worker, [...(byWorker.get(worker) ?? []), attempt]);
  return [...byWorker].map(([worker, numbers]) => `${numbers.length === 1 ? 'attempt' : 'attempts'} ${numbers.join(', ')} on ${worker}`);
}

function nextSteps(runId: string, status: string, redis: string | undefined, configured: string | undefined, ownerCommand: string | undefined, stopping: boolean): string[] {
  // Its jobs are in that Redis: resume collects them there, and cancel stops them there.
  const where = redis ? redisFlagHint(redis, configured) : '';
  const resume = `ksa resume ${runId}${where}`;
  if (status === 'interrupted') return [`The process running it is gone. Continue with: ${resume}   or undo what it did with: ksa cancel ${runId}${where}`];
  if (status === 'paused') return [`Continue with: ${resume}`];
  // Already being cancelled (by ksa cancel, or stopping in its own process): telling its user to cancel it would
  // send them round in a circle.
  if (status === 'running' && ownerCommand?.startsWith('ksa cancel')) return [`Being cancelled (${ownerCommand}): what it did is being rolled back; wait for it.`];
  if (status === 'running' && stopping) return [`Stopping: what it did is being rolled back in its process (${ownerCommand ?? 'its owner'}); wait for it.`];
  if (status === 'running') return [`Cancel it with: ksa cancel ${runId}`];
  return [];
}

/**
 * Steps no worker has taken yet, with what their log says (`waiting for a worker (labels: gpu)`, as the
 * live view shows): a running step the record says is queued (or, in a record from before that was kept,
 * one without a worker whose log ends with that line).
 */
async function stepsWaitingForWorkers(logDir: string, record: RunRecord): Promise<Map<string, WaitingStep>> {
  const candidates = record.plan.steps.filter((step) => {
    const st = record.state.steps[step.id];
    return st?.status === 'running' && st.retryAt === undefined && (st.waitingSince !== undefined || st.worker === undefined);
  });
  const found = await Promise.all(
    candidates.map(async (step) => {
      const queued = record.state.steps[step.id]?.waitingSince;
      const last = (await readLogTail(logDir, step.id, 1))[0]?.replace(/^\[stderr\] /, '');
      const says = last !== undefined && saysWaitingForWorker(last);
      if (!says && queued === undefined) return [];
      // Queued behind busy workers that offer its labels it said nothing (it says it waits when no live worker could take it), yet it waits.
      const line = says ? last : waitingForWorker(workerLabelsOf(step, record.plan), '');
      // It waits since it was queued (recorded), not since its last line: a pause that held it wrote one then.
      return [[step.id, { line, since: queued ?? (await logWrittenAt(logDir, step.id)) }]] as const;
    }),
  );
  return new Map(found.flat());
}

/** A step no worker took yet: its waiting line, and when it was queued (a record from before that: when its log got the line). */
type WaitingStep = { readonly line: string; readonly since?: string };
