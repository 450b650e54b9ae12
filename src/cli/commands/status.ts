import { cancelUnderWay, isFinished, type AttemptWorker } from '../../planning/index.js';
import { cutShortSteps, ownerLastAlive, failedStepLogTails, runStatusDocument, stepLogFile, storedRunOutlook } from '../../store/index.js';
import { formatEstimate } from '../../tui/estimate-text.js';
import { pausedDetail, stoppingDetail, storedRunningSteps } from '../../planning/paused-text.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, type CliIO } from '../io.js';
import { parseWholeNumber } from '../options.js';
import { colorEnabled, createStyler } from '../../tui/style.js';
import { openStores } from '../stores.js';
import { durationBetween } from '../time-format.js';
import { paintStatus } from './runs.js';
import { runCommandHint } from '../../workers/redis-url.js';
import { plainText, visible } from '../../tui/visible-text.js';
import { runStopLine, stepDurationIsLowerBound } from '../../tui/run-stop-text.js';
import { storedStepText, stepsWaitingForWorkers } from '../../tui/step-status-text.js';

export async function statusCommand(io: CliIO, runIdArg: string | undefined, flags: { json?: boolean; logLines?: string }): Promise<ExitCodeValue> {
  const logLines = parseWholeNumber(flags.logLines, '--log-lines', 0) ?? 8;
  const { runs } = openStores(io);
  const { runId, record, status, owner } = await runs.inspect(runIdArg);
  const logDir = runs.logDir(runId);
  const tails = await failedStepLogTails(logDir, record, logLines);
  // A paused run's held steps wait for its resume, whether or not its process is still there.
  const waiting = await stepsWaitingForWorkers(logDir, record, status);
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
    const shown = storedStepText(step, st, { runStatus: status, owned: owner !== undefined, waiting: waiting.get(step.id), stats: stats?.get(step.id), now });
    return [step.id, shown.status, String(st.attempts), duration, ...(onWorkers ? [workerCell(st)] : []), shown.detail];
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
  for (const hint of nextSteps(runId, orphaned ? 'interrupted' : status, record.redis, io.env.KSA_REDIS_URL, owner?.command, state.error !== undefined, cancelUnderWay(state))) writeLine(io.stdout, style.dim(hint));
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

function nextSteps(runId: string, status: string, redis: string | undefined, configured: string | undefined, ownerCommand: string | undefined, stopping: boolean, cancelling: boolean): string[] {
  // Its jobs are in that Redis: resume collects them there, and cancel stops them there.
  const resume = runCommandHint('resume', runId, redis, configured);
  const cancel = runCommandHint('cancel', runId, redis, configured);
  // Its user asked for it to be undone: ksa resume refuses it, ksa cancel finishes the rollback.
  if (cancelling && (status === 'interrupted' || status === 'paused')) return [`The process cancelling it is gone. Finish the cancel (its rollback) with: ${cancel}`];
  if (status === 'interrupted') return [`The process running it is gone. Continue with: ${resume}   or undo what it did with: ${cancel}`];
  if (status === 'paused') return [`Continue with: ${resume}`];
  // Already being cancelled (by ksa cancel, or stopping in its own process): telling its user to cancel it would
  // send them round in a circle.
  if (status === 'running' && ownerCommand?.startsWith('ksa cancel')) return [`Being cancelled (${ownerCommand}): what it did is being rolled back; wait for it.`];
  if (status === 'running' && stopping) return [`Stopping: what it did is being rolled back in its process (${ownerCommand ?? 'its owner'}); wait for it.`];
  if (status === 'running') return [`Cancel it with: ${cancel}`];
  return [];
}
