import type { ExecutionOptions } from './execution-options.js';
import { Execution } from './executor.js';
import type { RunState } from './state.js';

/** Runs a plan to the end; `abortSignal` cancels it (with rollback). */
export function executePlan(options: ExecutionOptions & { readonly abortSignal?: AbortSignal }): Promise<RunState> {
  const execution = new Execution(options);
  const { abortSignal } = options;
  if (abortSignal) {
    if (abortSignal.aborted) execution.cancel();
    else abortSignal.addEventListener('abort', () => execution.cancel(), { once: true });
  }
  return execution.start();
}
