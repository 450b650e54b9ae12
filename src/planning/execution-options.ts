import type { Clock } from './clock.js';
import type { RunEvent } from './events.js';
import type { Placement } from './runs-on.js';
import type { Plan, Step } from './schema.js';
import type { RunState } from './state.js';
import type { InvokeTool, QueryModel } from './tool-call.js';

export type ExecutionOptions = {
  readonly plan: Plan;
  readonly runId: string;
  readonly invokeTool: InvokeTool;
  /** Answers `llm_query` steps; without it they fail with a clear message. */
  readonly queryModel?: QueryModel;
  readonly clock?: Clock;
  /** In [0, 1); drives retry jitter. */
  readonly random?: () => number;
  /** Overrides the plan's maxParallel. */
  readonly maxParallel?: number;
  /** Overrides and additions to the plan's inputs. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** The allow-listed environment that expressions read as env.NAME. */
  readonly env?: Readonly<Record<string, string>>;
  readonly onEvent?: (event: RunEvent) => void;
  /** A saved state to continue: succeeded and skipped steps are not run again. */
  readonly resumeFrom?: RunState;
  /**
   * 'rollback': the saved state is continued only to be cancelled and rolled back (`ksa cancel` of an
   * interrupted run): steps that had ended keep their record (a failure, its error, its attempts) and
   * the run its failure, instead of being made ready to run again.
   */
  readonly resumeFor?: 'run' | 'rollback';
  /** Expected cost of a step for critical-path priority (default 1 per step). */
  readonly stepWeight?: (step: Step) => number;
  /**
   * Write-ahead: makes a step's success durable (its state is already set)
   * before step_succeeded is emitted and before any dependent starts; it
   * returns once done, or a promise. A throw or rejection fails the step.
   * Without it, successes are announced at once.
   */
  readonly commitSuccess?: (stepId: string) => void | Promise<void>;
  /**
   * Where a tool step runs when the run uses workers; undefined runs it here.
   * A placed step's step_started waits until the invoker names its worker.
   */
  readonly placeStep?: (step: Step) => Placement | undefined;
};
