import { untilAborted } from './abort.js';
import type { Clock } from './clock.js';
import { renderIn, type CompiledStep } from './compiled-step.js';
import { AttemptTimeoutError, errorMessage } from './errors.js';
import type { RunEvent } from './events.js';
import type { ExpressionContext } from './expressions.js';
import type { Placement } from './runs-on.js';
import type { Step } from './schema.js';
import type { RunState } from './state.js';
import type { InvokeTool } from './tool-call.js';
import { isPartlyDone, mayBeDone } from './partial-success.js';
import { hasRollback } from './has-rollback.js';

// Beside the runner for the executor and the resume; the store takes it from its own module (no template engine).
export { hasRollback };

export type RollbackContext = {
  /** True once the run was halted: no further rollback starts. */
  readonly halted?: () => boolean;
  readonly state: RunState;
  readonly steps: readonly CompiledStep[];
  readonly indexOf: ReadonlyMap<string, number>;
  readonly context: ExpressionContext;
  readonly clock: Clock;
  readonly invokeTool: InvokeTool;
  readonly emit: (event: RunEvent) => void;
  /** Where a step runs in a run with workers (ExecutionOptions.placeStep): a rollback whose tool it keeps here runs here. */
  readonly placeStep?: (step: Step) => Placement | undefined;
};

/**
 * The steps a rollback undoes, newest first: succeeded steps (in order of completion) that have a rollback
 * action, and failed or cancelled ones that succeeded in part (a fan-out that worked on some workers) or
 * whose attempt cut short by an earlier stop of the run may have done its work.
 */
export function rollbackTargets(state: RunState, stepOf: (id: string) => Step | undefined): string[] {
  return [...state.completed].reverse().filter((id) => {
    const step = stepOf(id);
    const st = state.steps[id];
    return step !== undefined && hasRollback(step) && (st?.status === 'succeeded' || isPartlyDone(st) || mayBeDone(st, step));
  });
}

/**
 * Undoes the succeeded steps newest first (reverse order of completion).
 * Best-effort: every rollback is tried even when another fails. Resolves
 * true when at least one rollback failed.
 */
export async function runRollbacks(ctx: RollbackContext): Promise<boolean> {
  const { state, clock } = ctx;
  const nowIso = () => new Date(clock.now()).toISOString();
  const targets = rollbackTargets(state, (id) => ctx.steps[ctx.indexOf.get(id)!]!.step);
  if (targets.length === 0) return false;
  ctx.emit({ type: 'rollback_started', runId: state.runId, ts: nowIso(), stepIds: targets });

  let failed = false;
  for (const id of targets) {
    if (ctx.halted?.()) break;
    const compiled = ctx.steps[ctx.indexOf.get(id)!]!;
    const { step } = compiled;
    if (step.type === 'condition' || step.type === 'llm_query' || !step.rollback) continue;
    const st = state.steps[id]!;
    const attempt = st.attempts;
    const partly = isPartlyDone(st);
    // A fan-out that failed (or was stopped) is undone only where it succeeded; its rollback reads those workers' outputs.
    const ranOn = partly ? Object.keys(st.succeededOn!) : st.worker?.split(',');
    // The undo runs (and is said to run) there, unless its tool runs only here (an MCP server's).
    const workers = ranOn && rollbackLeavesHere(ctx, { ...step, tool: step.rollback.tool }) ? ranOn : undefined;
    const worker = workers ? { worker: workers.join(',') } : {};
    const context = partly ? withOutput(ctx.context, id, st.succeededOn, attempt) : ctx.context;
    const startedAt = nowIso();
    // Saved with the state the event before this one marked changed: a stop in the middle leaves it.
    st.rollbackStartedAt = startedAt;
    const controller = new AbortController();
    const timeoutMs = step.rollback.timeoutMs ?? step.timeoutMs;
    const cancelTimer =
      timeoutMs === undefined ? undefined : clock.setTimer(timeoutMs, () => controller.abort(new AttemptTimeoutError({ timeoutMs, attempt: 1 })));
    try {
      const args = renderIn(compiled.rollbackArgs!, context, 'rollback.args') as Record<string, unknown>;
      await untilAborted(
        ctx.invokeTool({
          tool: step.rollback.tool,
          args,
          stepId: id,
          attempt,
          phase: 'rollback',
          signal: controller.signal,
          ...(workers ? { workers } : {}),
          onOutput: (line, stream) => ctx.emit({ type: 'step_output', runId: state.runId, ts: nowIso(), stepId: id, attempt, stream, line }),
        }),
        controller.signal,
      );
      // A failed (or cancelled) step keeps its status: what it did is undone, but it did not succeed.
      if (st.status === 'succeeded') st.status = 'rolled_back';
      st.rollback = { status: 'succeeded', startedAt, endedAt: nowIso() };
      ctx.emit({ type: 'rollback_step_succeeded', runId: state.runId, ts: st.rollback.endedAt, stepId: id, attempt, ...worker });
    } catch (error) {
      failed = true;
      const message = errorMessage(error);
      st.rollback = { status: 'failed', startedAt, endedAt: nowIso(), error: message };
      ctx.emit({ type: 'rollback_step_failed', runId: state.runId, ts: st.rollback.endedAt, stepId: id, attempt, error: message, ...worker });
    } finally {
      cancelTimer?.();
      delete st.rollbackStartedAt;
    }
  }
  return failed;
}

/** `undo`: the step as its rollback calls it (its rollback's tool in place of its own). */
function rollbackLeavesHere(ctx: RollbackContext, undo: Step): boolean {
  return ctx.placeStep === undefined || ctx.placeStep(undo) !== undefined;
}

/** The context with a failed step's partial output: keyed by worker, as a fan-out's output always is. */
function withOutput(context: ExpressionContext, id: string, output: unknown, attempts: number): ExpressionContext {
  return { ...context, steps: { ...context.steps, [id]: { status: 'failed', output, attempts } } };
}
