import { isFinished, rollbackOnCancel, unsetEnvReads, type RunStatus } from '../../planning/index.js';
import { cutShortSteps, declaredInputs, liveOwner, ownerName, requestCancel, withdrawCancel, RunBusyError, runDir, secretValues, takeOverHint, type LockOwner, type RunRecord } from '../../store/index.js';
import { obtainApproval } from '../approval.js';
import { CliError } from '../errors.js';
import { waitUntilFinished } from '../wait-for-run.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, writeWarning, type CliIO } from '../io.js';
import { parseDuration, parseInputs, parseSeconds } from '../options.js';
import { readGivenInputs } from '../given-inputs.js';
import { refuseMissingRollbackSecrets } from '../rollback-secrets.js';
import { runSession } from '../run-session.js';
import { checkedTarget, redisUrlFor, refuseOtherRedis, sentToWorkers, withRemoteSteps } from '../remote-run.js';
import type { RedisTarget } from '../../workers/redis-connection.js';
import { runCommandHint } from '../../workers/redis-url.js';
import { allowedEnvironment, openStores, type Stores } from '../stores.js';
import { refuseUnsetEnv } from '../unset-env.js';
import { openCommandTools } from '../mcp-tools.js';
import { plural } from '../../planning/plural.js';
import { cutShortTakers, settleCutShort } from '../cut-short-on-workers.js';
import { endedOnWorkers, settleEndedOnWorkers } from '../ended-on-workers.js';
import { loadPolicy } from '../policy-files.js';
import { deniedRollbacks, type Policy } from '../../policy/rules/index.js';
import { riskOptions, type ToolRegistry } from '../../tools/index.js';

export type CancelFlags = { yes?: boolean; json?: boolean; timeout?: string; redis?: string; input?: string[]; workerWait?: string };

/**
 * Cancels a run. A run owned by a live process is asked to stop (it aborts
 * its steps and rolls back as for Ctrl-C); this command waits for that. A run
 * whose process died is rolled back here.
 */
export async function cancelCommand(io: CliIO, runIdArg: string, flags: CancelFlags): Promise<ExitCodeValue> {
  const timeoutMs = parseSeconds(flags.timeout, '--timeout', 300);
  // A bad value is a usage error now, not once the rollback was approved.
  parseDuration(flags.workerWait, '--worker-wait');
  const stores = openStores(io);
  const { runId, record, status, owner } = await stores.runs.inspect(runIdArg);
  if (isFinished(status)) throw new CliError({ message: `run ${runId} already finished (${status}); there is nothing to cancel` });

  if (owner) return cancelLive(io, stores, record, owner, timeoutMs, flags.json === true);

  // Its steps went to workers: their jobs may still be queued or running there, and rollbacks run there.
  const redisUrl = sentToWorkers(record) ? await redisUrlFor(io, flags.redis, stores.home, (url) => refuseOtherRedis(runId, record.redis, url, 'cancel')) : undefined;
  // A run done here rolls back here whatever Redis is configured; a --redis given for it that ksa cannot use as
  // written is still refused, as ksa resume refuses it: nothing is rolled back on a typo.
  if (redisUrl === undefined && flags.redis !== undefined) await redisUrlFor(io, flags.redis, stores.home);
  refuseOtherRedis(runId, record.redis, redisUrl, 'cancel');
  // A Redis that cannot be used is said before what the cancel would do: nothing is done then.
  const target = redisUrl ? await checkedTarget(redisUrl) : undefined;

  // As recorded, before what Redis tells is added: what its workers did may be read again later.
  const recorded = structuredClone(record.state);
  // Attempts on workers it was in the middle of: one no worker took is not undone, one a worker took is undone there.
  const takers = target ? await cutShortTakers(target, runId, record.state) : new Map();
  settleCutShort(record.state, takers);
  // Attempts its workers ran to their end meanwhile ended then, as they ended: a success is undone as any other.
  const ended = target ? await endedOnWorkers(target, runId, record.state, record.plan) : new Map();
  settleEndedOnWorkers(record.state, record.plan, ended);
  // Read before this command takes the run's lock, whose heartbeat then is this process's.
  const cutShort = await stepsCutShort(stores.runs.logDir(runId), record, status);
  // As the rollback will see it: a step cut short by the stop may have done its work, and is undone too.
  const undo = rollbackOnCancel(record.state, record.plan);
  // Read as the plan's defaults are written, as ksa run and ksa resume read them (a secret one's as declared).
  const inputs = readGivenInputs(declaredInputs(record), parseInputs(flags.input ?? []));
  refuseMissingRollbackSecrets(runId, record, undo, inputs);
  // As ksa run and ksa resume refuse it: a rollback reading an allow-listed variable not set now would fail.
  refuseUnsetEnv(`run ${runId}`, unsetEnvReads({ steps: record.plan.steps.filter((step) => undo.includes(step.id)) }, allowedEnvironment(io, record.allowedEnv), new Set(undo)));
  writeLine(io.stderr, `Run ${runId} is ${status}: its process is gone.`);
  writeLine(io.stderr, undo.length > 0 ? `Cancelling rolls back, newest first: ${undo.join(', ')}.` : 'No step needs rolling back; it is only marked cancelled.');
  // Rollback steps may use MCP tools: their servers start (once approved), the others do not.
  const tools = await openCommandTools(io, record.workspace);
  // The policy as it is now, as a resume meets it: a rollback it denies is not run.
  const policy = await loadPolicy(stores.home, record.workspace);
  for (const line of await refusedRollbacks(record, undo, policy, tools.registry)) writeLine(io.stderr, line);
  if (undo.length > 0) {
    const steps = plural(undo.length, 'step');
    const approval = await obtainApproval(io, {
      yes: flags.yes,
      question: `Roll back ${steps} of run ${runId}?`,
      refusal: `not approved: cancelling run ${runId} rolls back ${steps} (${undo.join(', ')}), and there is no terminal to ask. Pass --yes to roll back and cancel it.`,
      rejected: `Not cancelled: the rollback was not approved; run ${runId} stays ${status}.`,
    });
    if (approval !== ExitCode.ok) return approval;
  }
  if (target) await cancelJobs(io, target, runId);
  stores.addSecrets(tools.hub.secrets());
  if (redisUrl) stores.addSecrets(secretValues({ redisUrl }));
  await tools.prepareFor(record.plan);
  // Steps that ran on workers are undone there; one whose worker is gone fails at once (nothing else may undo it there).
  // Secret inputs given again must not be written either.
  const run = await stores.runs.open(runId, `ksa cancel ${runId}`, { inputs }).catch((error: unknown) => {
    // Taken meanwhile (another ksa cancel of it, a resume): that process is asked, as for a live run.
    if (RunBusyError.isInstance(error)) return error.owner;
    throw error;
  });
  if (!('record' in run)) return cancelLive(io, stores, record, run, timeoutMs, flags.json === true);
  // Read again under the lock: another terminal may have resumed it since the rollback was approved.
  const now = run.record.state;
  settleCutShort(now, takers);
  // And its workers may have ended a step while the approval was asked, or before its job was stopped: read again too.
  const endedNow = target ? await endedOnWorkers(target, runId, now, run.record.plan).catch(async (error: unknown) => {
    await run.close();
    throw error;
  }) : new Map();
  settleEndedOnWorkers(now, run.record.plan, endedNow);
  for (const [id, at] of cutShort) if (now.steps[id]?.status === 'running') now.steps[id].cutShortAt ??= at;
  // What the record read before says once the workers' news is added: only a change beyond it came from another terminal.
  const expected = structuredClone(recorded);
  settleCutShort(expected, takers);
  settleEndedOnWorkers(expected, record.plan, endedNow);
  const undoNow = rollbackOnCancel(expected, record.plan);
  const changed = isFinished(now.status) ? `ended (${now.status})` : rollbackOnCancel(now, run.record.plan).join() !== undoNow.join() ? 'changed (it was resumed)' : undefined;
  if (changed) {
    await run.close();
    throw new CliError({ message: `run ${runId} ${changed} while this was waiting, from another terminal; nothing was rolled back. See it with: ksa status ${runId}` });
  }
  if (undoNow.join() !== undo.join()) await sayEndedMeanwhile(io, { runId, record, undo, undoNow, inputs, policy, registry: tools.registry }).catch(async (error: unknown) => {
    await run.close();
    throw error;
  });
  const remoteFlags = { reattach: true, workerWait: flags.workerWait, failRollbacksOnGoneWorkers: true, warn: (line: string) => writeWarning(io.stderr, line) };
  const { state } = await withRemoteSteps(run, { url: redisUrl, runId, plan: record.plan, tools: tools.registry.catalog(), flags: remoteFlags }, (remote) =>
    runSession(io, {
      run,
      remote,
      registry: tools.registry,
      env: allowedEnvironment(io, record.allowedEnv),
      inputs,
      json: flags.json === true,
      mode: 'rollback',
      policy,
    }),
  );
  return state.status === 'cancelled' ? ExitCode.ok : ExitCode.runFailed;
}

/** A run a live process owns: that process is asked to cancel it, and its end is waited for and reported. */
async function cancelLive(io: CliIO, stores: Stores, { runId, redis }: Pick<RunRecord, 'runId' | 'redis'>, owner: LockOwner, timeoutMs: number, json: boolean): Promise<ExitCodeValue> {
  // Already cancelling it (another ksa cancel): its rollback is waited for, not asked for again.
  const cancelling = owner.command.startsWith('ksa cancel');
  writeLine(io.stderr, cancelling ? `Run ${runId} is being cancelled by ${ownerName(owner)} (${owner.command}); waiting for its rollback…` : `Asking ${ownerName(owner)} to cancel run ${runId}; it aborts running steps and rolls back…`);
  const dir = runDir(stores.home, runId);
  if (!cancelling) await requestCancel(dir, owner);
  const final = await waitUntilFinished(() => stores.runs.read(runId), () => liveOwner(dir), timeoutMs);
  // Its owner died without reading it: taken back, so that what comes next is the user's choice (`ksa cancel` again,
  // or `ksa resume`). One the owner is merely slow to answer stays: it is addressed to that owner alone.
  if (final === 'owner-died') await withdrawCancel(dir);
  if (final === 'owner-died') {
    throw new CliError({
      message: `the process running ${runId} (pid ${owner.pid}) died before the run was cancelled; roll back what it did with: ${runCommandHint('cancel', runId, redis, io.env.KSA_REDIS_URL, '--yes')}`,
      exitCode: ExitCode.runFailed,
    });
  }
  if (!final) {
    throw new CliError({ message: `run ${runId} has not finished ${timeoutMs / 1000}s after the cancel request (which stands: its process cancels the run when it reads it); see: ksa status ${runId}${takeOverHint(dir, owner)}`, exitCode: ExitCode.runFailed });
  }
  return report(io, final, json);
}

/** Removes the run's queued jobs and stops its running ones on their workers, saying what it did. */
async function cancelJobs(io: CliIO, target: RedisTarget, runId: string): Promise<void> {
  const { cancelRunJobs } = await import('../../workers/index.js');
  const { removed, stopped, stillRunning, gone } = await cancelRunJobs(target, runId);
  const workers = [...new Set(stopped.map((job) => job.worker))];
  const parts = [
    ...(removed.length > 0 ? [`removed ${plural(removed.length, 'queued job')}`] : []),
    ...(stopped.length > 0 ? [`stopped ${plural(stopped.length, 'running job')} on ${workers.join(', ')}`] : []),
  ];
  if (parts.length > 0 || gone.length === 0) writeLine(io.stderr, parts.length > 0 ? `In ${target.display}: ${parts.join('; ')}.` : `In ${target.display}: none of its jobs is queued or running.`);
  // Nothing there hears the stop: said as it is, not as stopped (a process it had started may outlive it on its machine).
  for (const worker of new Set(gone.map((job) => job.worker))) {
    const jobs = gone.filter((job) => job.worker === worker);
    const its = jobs.length === 1 ? 'its job is' : `its ${jobs.length} jobs are`;
    writeLine(io.stderr, `${worker} is gone (${jobs[0]!.why}): ${its} no longer running there (${jobs.map((job) => job.id).join(', ')}); what it had started may still run on its machine.`);
  }
  if (stillRunning.length > 0) writeLine(io.stderr, `ksa: warning: still running after the cancel request: ${stillRunning.join(', ')}; rolling back anyway`);
}


/**
 * When each step the dead run was in the middle of here was cut short (its log's last line, its process's last
 * heartbeat): the cancel records that as its end. One a worker ran may have gone on there after the run's process died.
 */
async function stepsCutShort(logDir: string, record: RunRecord, status: RunStatus): Promise<Map<string, string>> {
  const cut = await cutShortSteps(logDir, record, status, undefined);
  return new Map([...cut].filter(([id]) => record.state.steps[id]?.worker === undefined));
}

/**
 * Steps its workers ended while the cancel waited (for its approval, for the stop of their jobs) are undone too:
 * said, with the same refusals as before the question (a secret input or a variable a rollback reads, the policy).
 */
async function sayEndedMeanwhile(io: CliIO, { runId, record, undo, undoNow, inputs, policy, registry }: { runId: string; record: RunRecord; undo: readonly string[]; undoNow: readonly string[]; inputs: Record<string, unknown>; policy: Policy; registry: ToolRegistry }): Promise<void> {
  const added = undoNow.filter((id) => !undo.includes(id));
  refuseMissingRollbackSecrets(runId, record, added, inputs);
  refuseUnsetEnv(`run ${runId}`, unsetEnvReads({ steps: record.plan.steps.filter((step) => added.includes(step.id)) }, allowedEnvironment(io, record.allowedEnv), new Set(added)));
  if (added.length > 0) writeLine(io.stderr, `Ended on its worker meanwhile, rolled back too: ${added.join(', ')}. Rolling back, newest first: ${undoNow.join(', ')}.`);
  else writeLine(io.stderr, `Rolling back, newest first: ${undoNow.join(', ')} (a step ended on its worker meanwhile).`);
  for (const line of await refusedRollbacks(record, added, policy, registry)) writeLine(io.stderr, line);
}

/** What the cancel will not roll back because the policy denies it now: one line per step, said before the question. */
async function refusedRollbacks(record: RunRecord, undo: readonly string[], policy: Policy, registry: ToolRegistry): Promise<string[]> {
  if (undo.length === 0) return [];
  const denied = await deniedRollbacks(record.plan, policy, riskOptions(registry, process.env, record.workspace), record.inputs);
  return undo.filter((id) => denied.has(id)).map((id) => `  ! ${id}: ${denied.get(id)}; it is not run, and ${id} stays not rolled back`);
}

function report(io: CliIO, record: RunRecord, json: boolean): ExitCodeValue {
  const { state } = record;
  const rolledBack = Object.entries(state.steps).filter(([, st]) => st.rollback?.status === 'succeeded').map(([id]) => id);
  const failedRollbacks = Object.entries(state.steps).filter(([, st]) => st.rollback?.status === 'failed').map(([id]) => id);
  if (json) {
    writeLine(io.stdout, JSON.stringify({ runId: record.runId, status: state.status, rolledBack, failedRollbacks }, null, 2));
  } else {
    writeLine(io.stderr, `Run ${record.runId} ${state.status}${rolledBack.length ? `; rolled back ${rolledBack.join(', ')}` : ''}${failedRollbacks.length ? `; rollback FAILED for ${failedRollbacks.join(', ')} (see ksa status ${record.runId})` : ''}.`);
  }
  return outcome(state.status);
}

function outcome(status: RunStatus): ExitCodeValue {
  return status === 'cancelled' ? ExitCode.ok : ExitCode.runFailed;
}
