/** The run's state: a plain, serialisable object the store persists and `resume` starts from. */

export const STEP_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled', 'rolled_back'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const RUN_STATUSES = [
  'pending',
  'awaiting_approval',
  'running',
  'paused',
  'succeeded',
  'failed',
  'rollback_failed',
  'cancelled',
  'interrupted',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const FINISHED_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'rollback_failed', 'cancelled']);

export type RollbackResult =
  | { readonly status: 'succeeded'; readonly startedAt: string; readonly endedAt: string }
  | { readonly status: 'failed'; readonly startedAt: string; readonly endedAt: string; readonly error: string };

/** Where one attempt of a step ran: a worker's name (comma-separated for a fan-out). */
export type AttemptWorker = { readonly attempt: number; readonly worker: string };

export type StepState = {
  status: StepStatus;
  /** Attempts started so far. */
  attempts: number;
  startedAt?: string;
  endedAt?: string;
  output?: unknown;
  error?: string;
  /** Why a step was skipped (its `when` was false). */
  skipReason?: string;
  rollback?: RollbackResult;
  /** The worker(s) that ran the last attempt (comma-separated for a fan-out), when the run used workers. */
  worker?: string;
  /**
   * The worker(s) of each attempt a worker took, in attempt order (an attempt no worker took has none):
   * `worker` alone would hide where a lost or failed attempt ran once a retry ran elsewhere.
   */
  attemptWorkers?: AttemptWorker[];
  /** A fan-out that failed: each worker where it succeeded, with its output; its rollback runs there. */
  succeededOn?: Record<string, unknown>;
  /**
   * A `running` step between attempts: when its next attempt is due. Nothing of it runs meanwhile,
   * and a paused run starts it only once resumed (readers of the store say so, not "running").
   */
  retryAt?: string;
  /**
   * A `running` step whose attempt is queued for workers and no worker has taken yet: when it was queued. It has
   * not started (no `startedAt` of its own), and its wait counts from here, not from a pause that held it.
   */
  waitingSince?: string;
  /**
   * The attempt that was running when an earlier process of this run stopped (killed, or stopped at once):
   * what it did is not known. Should the step then not succeed, its rollback runs too (see mayBeDone).
   */
  interruptedAttempt?: number;
  /**
   * A succeeded step whose rollback is under way: set as the rollback starts, dropped once `rollback`
   * holds how it ended. Still there after a stop (a crash, a stop at once), the step may be undone in
   * part or in whole, though it says succeeded: a resume runs it again.
   */
  rollbackStartedAt?: string;
  /**
   * Attempts of an earlier go of the step (it succeeded, and a rollback undid it or may have): they
   * keep their numbers, since a worker's job is named by its attempt, but do not count against the
   * retry policy of the step's next go.
   */
  earlierAttempts?: number;
  /**
   * An attempt its process's death cut short (the run's process killed while it ran): when it last did anything,
   * as far as ksa knows. `ksa cancel` of the dead run sets it before the rollback, and the step's end is then this,
   * not the time of the cancel, which came later and stopped nothing of it.
   */
  cutShortAt?: string;
};

export type RunState = {
  runId: string;
  goal: string;
  status: RunStatus;
  startedAt?: string;
  endedAt?: string;
  inputs: Record<string, unknown>;
  steps: Record<string, StepState>;
  /** Succeeded steps (and failed ones that succeeded in part) in order of completion: rollback walks it backwards. */
  completed: string[];
  /** The step whose failure ended the run, if any. */
  failedStepId?: string;
  error?: string;
  /**
   * When the run began to be cancelled (ksa cancel, Ctrl-C, the chat's cancel). Still there in a run that did not
   * finish, the cancel's rollback was cut short: the user asked for the run to be undone, so it is not resumed.
   */
  cancelStartedAt?: string;
};

export function initialRunState(runId: string, goal: string, stepIds: readonly string[], inputs: Record<string, unknown>): RunState {
  const steps: Record<string, StepState> = {};
  for (const id of stepIds) steps[id] = { status: 'pending', attempts: 0 };
  return { runId, goal, status: 'pending', inputs, steps, completed: [] };
}

/** A step done for good: it succeeded or was skipped, and a resumed run does not run it again. */
export function isStepDone(status: StepState['status']): boolean {
  return status === 'succeeded' || status === 'skipped';
}

/** A cancel began and the run did not end: its process stopped while it was being cancelled. */
export function cancelUnderWay(state: Pick<RunState, 'status' | 'cancelStartedAt'>): boolean {
  return state.cancelStartedAt !== undefined && !isFinished(state.status);
}

export function isFinished(status: RunStatus): boolean {
  return FINISHED_RUN_STATUSES.has(status);
}

/** A succeeded step whose rollback began (and did not undo it cleanly): what it did may be gone, so a resume does not build on it. */
export function rollbackBegun(st: Pick<StepState, 'status' | 'rollbackStartedAt' | 'rollback'>): boolean {
  return st.status === 'succeeded' && (st.rollbackStartedAt !== undefined || st.rollback !== undefined);
}

/** Names the worker of `attempt`, the step's latest (a resumed run's attempt taken again keeps one entry). */
export function noteAttemptWorker(st: StepState, attempt: number, worker: string): void {
  st.worker = worker;
  const others = (st.attemptWorkers ?? []).filter((entry) => entry.attempt !== attempt);
  st.attemptWorkers = [...others, { attempt, worker }].sort((a, b) => a.attempt - b.attempt);
}
