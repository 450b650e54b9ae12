import { isFinished, type RunStatus } from '../../planning/index.js';
import { liveOwner, ownerName, requestPause, runDir, takeOverHint, withdrawPause, type LockOwner, type RunRecord } from '../../store/index.js';
import { CliError } from '../errors.js';
import { waitUntilFinished } from '../wait-for-run.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, type CliIO } from '../io.js';
import { parseSeconds } from '../options.js';
import { pausedDetail, storedRunningSteps } from '../../planning/paused-text.js';
import { openStores, type Stores } from '../stores.js';
import { runCommandHint } from '../../workers/redis-url.js';

export type PauseFlags = { json?: boolean; timeout?: string };

/**
 * Pauses a run where it runs (its owner process, reached as `ksa cancel`
 * reaches it): running steps finish, no new step starts, retries wait.
 */
export async function pauseCommand(io: CliIO, runIdArg: string, flags: PauseFlags): Promise<ExitCodeValue> {
  const timeoutMs = parseSeconds(flags.timeout, '--timeout', 30);
  const stores = openStores(io);
  const { runId, record, status, owner } = await stores.runs.inspect(runIdArg);
  if (isFinished(status)) throw new CliError({ message: `run ${runId} already finished (${status}); there is nothing to pause` });
  if (!owner) {
    throw new CliError({ message: `run ${runId} is ${status}: no process is running it, so it makes no progress to pause; continue it with: ${runCommandHint('resume', runId, record.redis, io.env.KSA_REDIS_URL)}` });
  }
  if (status === 'paused') {
    report(io, record, flags.json === true);
    return ExitCode.ok;
  }
  // A run that is failing or being cancelled is undoing what it did: that is not paused halfway.
  const stopping = stoppingBecause(record);
  if (stopping) throw new CliError({ message: `run ${runId} is rolling back (${stopping}); a rollback is not paused. Follow it with: ksa status ${runId}` });
  writeLine(io.stderr, `Asking ${ownerName(owner)} to pause run ${runId}…`);
  report(io, await changeLiveRun(stores, runId, owner, true, timeoutMs), flags.json === true);
  return ExitCode.ok;
}

/**
 * `ksa resume` of a paused run whose process is alive: it goes on in that process. This one returns once
 * it does, or with `--follow` waits for its end there and exits with its code, as `ksa resume` of an
 * interrupted run does (`ksa resume $R --follow && deploy-next`).
 */
export async function resumeLiveRun(io: CliIO, stores: Stores, runId: string, owner: LockOwner, options: { readonly json: boolean; readonly follow: boolean }): Promise<ExitCodeValue> {
  const { json } = options;
  writeLine(io.stderr, `Run ${runId} is paused in process ${owner.pid} (${owner.command}); asking it to go on…`);
  const record = await changeLiveRun(stores, runId, owner, false, 30_000);
  const running = stepsWith(record, 'running');
  if (json) writeLine(io.stdout, JSON.stringify({ type: 'run_resumed', runId, ts: new Date().toISOString(), owner: owner.pid }));
  const done = isFinished(record.state.status);
  const resumed = `Run ${runId} resumed in process ${owner.pid}${running.length ? `; running: ${running.join(', ')}` : ''}.`;
  if (!options.follow) {
    if (done) writeLine(io.stderr, `Run ${runId} resumed in process ${owner.pid} and has finished since (${record.state.status}).`);
    else writeLine(io.stderr, `${resumed} Follow it with: ksa status ${runId} (or resume with --follow to wait for its end)`);
    return ExitCode.ok;
  }
  if (!done) writeLine(io.stderr, `${resumed} Following it to its end (Ctrl-C stops following; the run goes on there)…`);
  const dir = runDir(stores.home, runId);
  const final = done ? record : await waitUntilFinished(() => stores.runs.read(runId), () => liveOwner(dir));
  if (final === undefined || final === 'owner-died') {
    throw new CliError({ message: `the process running ${runId} (pid ${owner.pid}) ended before the run did; continue it with: ${runCommandHint('resume', runId, record.redis, io.env.KSA_REDIS_URL)}`, exitCode: ExitCode.runFailed });
  }
  const { status, endedAt, failedStepId, error } = final.state;
  const durationMs = endedAt && final.state.startedAt ? Date.parse(endedAt) - Date.parse(final.state.startedAt) : undefined;
  const finished = { type: 'run_finished', runId, ts: endedAt ?? new Date().toISOString(), status, ...(durationMs !== undefined ? { durationMs } : {}), ...(failedStepId ? { failedStepId } : {}), ...(error ? { error } : {}) };
  if (json) writeLine(io.stdout, JSON.stringify(finished));
  else writeLine(io.stderr, `Run ${runId} ${status} in process ${owner.pid}${error && status !== 'succeeded' ? `: ${error}` : ''}.`);
  return status === 'succeeded' ? ExitCode.ok : status === 'cancelled' ? ExitCode.interrupted : ExitCode.runFailed;
}

/** Sends the request and waits until the run's file says it was applied (or the run ended). */
async function changeLiveRun(stores: Stores, runId: string, owner: LockOwner, paused: boolean, timeoutMs: number): Promise<RunRecord> {
  const dir = runDir(stores.home, runId);
  await requestPause(dir, owner, paused);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await stores.runs.read(runId).catch(() => undefined);
    const status = record?.state.status;
    if (record && status && (isFinished(status) || (paused ? status === 'paused' : status !== 'paused'))) {
      // A resumed run may well have finished by the time it is looked at.
      if (paused && isFinished(status)) throw new CliError({ message: `run ${runId} finished (${status}) before it could be paused`, exitCode: ExitCode.runFailed });
      return record;
    }
    if (!(await liveOwner(dir))) {
      await withdrawPause(dir);
      throw new CliError({ message: `the process running ${runId} (pid ${owner.pid}) ended before it ${paused ? 'paused' : 'resumed'} the run; see: ksa status ${runId}`, exitCode: ExitCode.runFailed });
    }
    if (Date.now() > deadline) {
      // Not left to take effect later, when nobody waits for it any more.
      await withdrawPause(dir);
      const now = await stores.runs.read(runId).catch(() => undefined);
      if (now?.state.status === (paused ? 'paused' : 'running')) return now;
      throw new CliError({ message: `run ${runId} has not ${paused ? 'paused' : 'resumed'} ${Math.round(timeoutMs / 1000)}s after the request, which is withdrawn; see: ksa status ${runId}${takeOverHint(dir, owner)}`, exitCode: ExitCode.runFailed });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function report(io: CliIO, record: RunRecord, json: boolean): void {
  // A step between attempts runs nothing now: its retry starts once the run is resumed.
  // A step no worker took yet has not started: the pause holds it, it does not run on.
  const { running, retrying, held } = storedRunningSteps(record.plan.steps.map((step) => step.id), record.state.steps);
  if (json) {
    const rest = { ...(retrying.length > 0 ? { retrying } : {}), ...(held.length > 0 ? { waitingForWorker: held } : {}) };
    writeLine(io.stdout, JSON.stringify({ runId: record.runId, status: record.state.status, running, ...rest }, null, 2));
    return;
  }
  writeLine(io.stderr, `Run ${record.runId} paused: no new step starts; ${pausedDetail(running, retrying, held)}.`);
  writeLine(io.stderr, `Continue it with: ksa resume ${record.runId}`);
}

function stepsWith(record: RunRecord, status: RunStatus | 'running'): string[] {
  return record.plan.steps.filter((step) => record.state.steps[step.id]?.status === status).map((step) => step.id);
}

/** Why a running run is stopping (its rollback under way or about to start), from its record; undefined while it goes on. */
function stoppingBecause(record: RunRecord): string | undefined {
  const { state } = record;
  if (state.failedStepId !== undefined) return `step ${state.failedStepId} failed`;
  const steps = Object.values(state.steps);
  if (steps.some((st) => st.status === 'cancelled' || st.rollback !== undefined)) return 'it was cancelled';
  return undefined;
}
