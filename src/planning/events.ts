import type { RunStatus } from './state.js';

/** Run events; the `type` names are part of the user contract (NDJSON of `ksa run --json`). */

type RunBase = { readonly runId: string; readonly ts: string };
type StepBase = RunBase & { readonly stepId: string; readonly attempt: number };

export type RunEvent =
  | (RunBase & { readonly type: 'run_started'; readonly goal: string; readonly stepCount: number; readonly resumed: boolean })
  // workerStartedAt: an attempt a resume took over from its worker, which had started it while no ksa watched (ts is when it was heard).
  | (StepBase & { readonly type: 'step_started'; readonly worker?: string; readonly workerStartedAt?: string })
  | (StepBase & { readonly type: 'step_output'; readonly stream: 'stdout' | 'stderr'; readonly line: string })
  | (StepBase & { readonly type: 'step_retrying'; readonly delayMs: number; readonly error: string; readonly worker?: string })
  | (StepBase & { readonly type: 'step_succeeded'; readonly durationMs: number; readonly output: unknown; readonly worker?: string })
  // durationMs: none for a step on workers that no worker took (it never started).
  | (StepBase & { readonly type: 'step_failed'; readonly durationMs?: number; readonly error: string; readonly timedOut: boolean; readonly worker?: string })
  | (StepBase & { readonly type: 'step_skipped'; readonly reason: string })
  | (StepBase & { readonly type: 'step_cancelled' })
  | (RunBase & { readonly type: 'run_paused' })
  | (RunBase & { readonly type: 'run_resumed' })
  | (RunBase & { readonly type: 'rollback_started'; readonly stepIds: readonly string[] })
  | (StepBase & { readonly type: 'rollback_step_succeeded'; readonly worker?: string })
  | (StepBase & { readonly type: 'rollback_step_failed'; readonly error: string; readonly worker?: string })
  | (RunBase & {
      readonly type: 'run_finished';
      readonly status: RunStatus;
      readonly durationMs: number;
      readonly failedStepId?: string;
      readonly error?: string;
    });

export type RunEventType = RunEvent['type'];
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;
