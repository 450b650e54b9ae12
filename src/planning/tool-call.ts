import type { PauseGate } from './pause-gate.js';
import type { Placement } from './runs-on.js';

/** How the executor reaches tools and the model: injected, so the core does no I/O itself. */

export type OutputStream = 'stdout' | 'stderr';

export type ToolCall = {
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly stepId: string;
  readonly attempt: number;
  readonly phase: 'run' | 'rollback';
  readonly signal: AbortSignal;
  readonly onOutput: (line: string, stream: OutputStream) => void;
  /** Where the step runs when the run uses workers (its runsOn, or the plan's). */
  readonly placement?: Placement;
  /** Rollback: the worker(s) that ran the step, where the undo must run too. */
  readonly workers?: readonly string[];
  /**
   * A remote invoker says which worker took the attempt (the executor then announces step_started), and
   * `ran`, when the worker took it before this process watched it (a resumed run taking over its job).
   */
  readonly onWorker?: (worker: string, ran?: WorkerRun) => void;
  /** A call placed on workers: while the run is paused, no worker may take it (it has not started). */
  readonly pause?: PauseGate;
  /**
   * A resumed run's go at the attempt its stopped predecessor was in the middle of: how that attempt ended
   * meanwhile (on a worker no ksa watched), failure included, is this one's end, not something to run again.
   */
  readonly resumesCutShort?: boolean;
};

/**
 * When a worker ran an attempt (epoch ms) that no ksa watched begin; `endedAtMs` once it has ended. `live`: the run heard the attempt start as it happened, and these are its worker's measure of it as it ended
 * (heard late, maybe): only its length counts, the worker's clock may be off.
 */
export type WorkerRun = { readonly startedAtMs: number; readonly endedAtMs?: number; readonly live?: true };

export type InvokeTool = (call: ToolCall) => Promise<unknown>;

export type QueryModel = (query: { readonly prompt: string; readonly stepId: string; readonly signal: AbortSignal }) => Promise<string>;
