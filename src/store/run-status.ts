import { isSlowerThanUsual, type DurationStats, type RunEstimate } from '../planning/estimate.js';
import { workerLabelsOf } from '../planning/placement.js';
import type { StepState } from '../planning/state.js';
import { waitsForWorker } from '../planning/paused-text.js';
import type { LockOwner } from './run-lock.js';
import type { RunRecord } from './run-record.js';
import { lastRecordedAt } from './run-summary.js';
import { logWrittenAt } from './step-logs.js';
import { lastAlive, lockFileOf } from './owner-heartbeat.js';

/** When a run's dead owner was last alive (its lock's heartbeat), or that it is not known (`lastAlive`). */
export type LastAlive = Awaited<ReturnType<typeof lastAlive>>;

/** What is known of when the owner of a run whose process is gone was last alive (nothing for a live or finished one). */
export async function ownerLastAlive(logDir: string, status: string, owner: LockOwner | undefined): Promise<LastAlive> {
  return owner !== undefined || (status !== 'interrupted' && status !== 'paused') ? {} : lastAlive(lockFileOf(logDir));
}

/** What a status document adds to the record: log tails, the outlook from earlier runs, and where cut-short steps stopped. */
export type RunStatusExtras = {
  readonly tails?: Record<string, readonly string[]>;
  readonly estimate?: RunEstimate;
  readonly stats?: ReadonlyMap<string, DurationStats>;
  readonly now?: number;
  /** Steps a dead process was running, with when each last recorded anything (from `cutShortSteps`). */
  readonly cutShort?: ReadonlyMap<string, string>;
  /** When that process was last alive (from `ownerLastAlive`). */
  readonly alive?: LastAlive;
};

/**
 * The steps that were running when the run's process died (an interrupted run, or a paused one whose process is
 * gone), each with the last time anything was recorded for it: its log's last write, else the run's last record,
 * or the last time its process was known alive, or when it recorded that it stopped, if later. Their time ran out
 * there, not now. A paused run's step
 * no worker had taken was held, its job taken off the queue: it never started, so nothing of it was cut short.
 */
export async function cutShortSteps(logDir: string, record: RunRecord, status: string, owner: LockOwner | undefined, alive?: LastAlive): Promise<Map<string, string>> {
  if (owner !== undefined || (status !== 'interrupted' && status !== 'paused')) return new Map();
  const running = Object.entries(record.state.steps).filter(([, st]) => st.status === 'running' && !(status === 'paused' && waitsForWorker(st)));
  const fallback = lastRecordedAt(record.state);
  const { at } = alive ?? (running.length > 0 ? await ownerLastAlive(logDir, status, owner) : {});
  const found = await Promise.all(
    running.map(async ([id, st]) => {
      // A process that stopped at once (the chat's quit cut short by Ctrl-C, a second Ctrl-C) recorded when: its steps ran until then.
      const times = [st.startedAt, (await logWrittenAt(logDir, id)) ?? fallback, at, record.state.endedAt].filter((time): time is string => time !== undefined);
      const last = times.sort((a, b) => Date.parse(a) - Date.parse(b)).at(-1);
      return [id, last] as const;
    }),
  );
  return new Map(found.filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
}

/**
 * When a run whose process is gone stopped: the later of its record's last entry and the last output of a step it
 * was running (a step whose attempt failed, waiting for its retry, wrote its error after that), or the last time
 * its process was known alive. `ksa runs` and `ksa status` count its duration to it alike; `alive.unknown`: it
 * stopped then or later.
 */
export function runStoppedAt(record: RunRecord, cutShort: ReadonlyMap<string, string>, alive: LastAlive = {}): string | undefined {
  const times = [lastRecordedAt(record.state), ...cutShort.values(), alive.at].filter((time): time is string => time !== undefined);
  return times.sort((a, b) => Date.parse(a) - Date.parse(b)).at(-1);
}

/** A run's status as one JSON-able document: `ksa status --json` and the agent's get_run_status tool. */
export function runStatusDocument(
  record: RunRecord,
  status: string,
  owner: LockOwner | undefined,
  logDir: string,
  { tails = {}, estimate, stats, now = Date.now(), cutShort = new Map(), alive = {} }: RunStatusExtras = {},
) {
  const { state } = record;
  // Its process is gone: it ran until it stopped, not until now.
  const stoppedAt = owner === undefined && (status === 'interrupted' || status === 'paused') && state.endedAt === undefined ? runStoppedAt(record, cutShort, alive) : undefined;
  return {
    runId: record.runId,
    goal: record.goal,
    status,
    recordedStatus: state.status,
    planFile: record.planFile,
    workspace: record.workspace,
    startedAt: state.startedAt,
    endedAt: state.endedAt,
    ...(state.startedAt && state.endedAt ? { durationMs: Date.parse(state.endedAt) - Date.parse(state.startedAt) } : {}),
    ...(stoppedAt !== undefined ? { stoppedAt, ...(state.startedAt ? { durationMs: Date.parse(stoppedAt) - Date.parse(state.startedAt) } : {}) } : {}),
    // An older ksa's process kept no sign of life: it stopped at stoppedAt or later, and ran durationMs or longer.
    ...(stoppedAt !== undefined && alive.unknown ? { stoppedAtKnown: false } : {}),
    error: state.error,
    failedStepId: state.failedStepId,
    ...(owner ? { owner: { pid: owner.pid, command: owner.command, since: owner.startedAt } } : {}),
    logDir,
    ...(estimate ? { estimate: { remainingLowMs: Math.round(estimate.lowMs), remainingHighMs: Math.round(estimate.highMs), untimedSteps: estimate.untimedSteps, ...(estimate.longerThanUsual.length > 0 ? { takingLongerThanUsual: estimate.longerThanUsual, note: 'those steps run past their usual time: what is left of them is unknown, so the time left is more than remainingHighMs' } : {}) } } : {}),
    /** Who approved what (the plan's hash), when, in which mode: the start, then each resume. */
    approvals: record.approvals ?? [],
    steps: record.plan.steps.map((step) => {
      const st = state.steps[step.id] ?? { status: 'pending', attempts: 0 };
      // Recorded as running, but the process running it is gone: it stopped at its last record, as the run did.
      const stoppedAt = cutShort.get(step.id);
      const end = st.endedAt ?? stoppedAt;
      return {
        id: step.id,
        // The contract's step statuses stay what is recorded; `interrupted` says its process is gone.
        status: st.status,
        ...(stoppedAt !== undefined ? { interrupted: true, stoppedAt } : {}),
        // Cancelled after its process died in the middle of an attempt: it ended when that cut it short (its endedAt).
        ...(st.status === 'cancelled' && st.cutShortAt !== undefined && st.interruptedAttempt !== undefined ? { cutShort: true } : {}),
        attempts: st.attempts,
        startedAt: st.startedAt,
        endedAt: st.endedAt,
        durationMs: st.startedAt && end ? Date.parse(end) - Date.parse(st.startedAt) : undefined,
        error: st.error,
        skipReason: st.skipReason,
        rollback: st.rollback,
        // Its rollback was under way (or, its process gone, was cut short): a resume runs it again.
        ...(st.rollbackStartedAt !== undefined ? { rollbackStartedAt: st.rollbackStartedAt } : {}),
        ...(st.worker !== undefined ? { worker: st.worker } : {}),
        // Where each attempt ran, `worker` being the last one's (a record from before this knew only that one).
        ...(st.attemptWorkers !== undefined ? { attemptWorkers: st.attemptWorkers } : {}),
        // Between attempts: when the next one is due (a paused run starts it once resumed).
        ...(st.status === 'running' && st.retryAt !== undefined && status !== 'interrupted' ? { retryAt: st.retryAt } : {}),
        // A fan-out that did not succeed as a whole: the workers where it did (its rollback runs there), named as `worker` names them.
        ...(st.succeededOn !== undefined ? { succeededOn: Object.keys(st.succeededOn).join(',') } : {}),
        ...waitingForWorker(st, status, owner, () => workerLabelsOf(step, record.plan)),
        ...(tails[step.id] ? { logTail: tails[step.id] } : {}),
        // A step that runs now: how long it usually takes, and whether it has run 3× that.
        ...usualDuration(st, stats?.get(step.id), status, now),
      };
    }),
  };
}

/**
 * A step queued for workers that no worker has taken yet, while a process runs the run, or held by a pause (its
 * job taken off the queue, so it still waits after the paused run's process died): its status stays the
 * contract's `running`, so a script reads the wait here (since when, for which labels; none: any worker).
 */
function waitingForWorker(st: StepState, status: string, owner: LockOwner | undefined, labels: () => readonly string[]) {
  const waits = (owner !== undefined && status === 'running') || status === 'paused';
  if (!waits || st.status !== 'running' || st.waitingSince === undefined || st.retryAt !== undefined) return {};
  return { waitingForWorker: true, waitingSince: st.waitingSince, workerLabels: labels() };
}

function usualDuration(st: { status: string; startedAt?: string; retryAt?: string }, stats: DurationStats | undefined, status: string, now: number) {
  if (!stats || st.status !== 'running' || st.retryAt !== undefined || !st.startedAt || (status !== 'running' && status !== 'paused')) return {};
  return { usualMs: Math.round(stats.medianMs), slowerThanUsual: isSlowerThanUsual(stats, now - Date.parse(st.startedAt)) };
}
