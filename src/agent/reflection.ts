import { generateText, Output, type LanguageModel } from 'ai';
import type { Plan, RunState } from '../planning/index.js';
import { ReflectionSchema, type Reflection } from '../store/index.js';
import { withTotalTimeout } from './model/total-timeout.js';
import { STRUCTURED_PROVIDER_OPTIONS, withJsonExtraction } from './provider.js';
import { plural } from '../planning/plural.js';
import { runCommandHint } from '../planning/redis-hints.js';

export type RunOutcome = {
  readonly plan: Plan;
  readonly state: RunState;
  /** The last lines of failed steps' logs, already redacted. */
  readonly logTails: Readonly<Record<string, readonly string[]>>;
  /** The Redis the run sent its steps to workers through, as recorded: resuming or cancelling it needs its --redis. */
  readonly redis?: string;
  /** KSA_REDIS_URL, which ksa resume and ksa cancel use by themselves: a hint naming that server needs no --redis. */
  readonly configuredRedis?: string;
};

export type ReflectionResult = {
  readonly reflection: Reflection;
  readonly fallback: boolean;
  /** Why the model's reflection could not be had, as thrown: callers say it in one line (toModelError). */
  readonly error?: unknown;
};

const MAX_TAIL_CHARS = 2_000;

/**
 * After every run outcome: what happened, what went wrong, what to do next.
 * If the model cannot answer, a summary built from the run itself is used.
 */
export async function reflectOnRun(
  outcome: RunOutcome,
  options: { readonly model?: LanguageModel; readonly abortSignal?: AbortSignal; readonly timeoutMs?: number; readonly maxRetries?: number },
): Promise<ReflectionResult> {
  const { model } = options;
  if (!model) return { reflection: deterministicReflection(outcome), fallback: true };
  try {
    // Retries that outlast the timeout end in a bare abort; withTotalTimeout says it was the timeout.
    const result = await withTotalTimeout(
      () =>
        generateText({
          model: withJsonExtraction(model),
          instructions:
            'You review deploy runs for an operator. Given a plan and how its run went, answer with JSON { success, summary, issues, suggestions }: summary is 1-2 sentences; issues are concrete problems (quote error lines); suggestions are next actions the user can ask for in the chat (e.g. "retry the build step with a longer timeout", "roll back"). Empty arrays when there is nothing to say.',
          prompt: describeOutcome(outcome),
          output: Output.object({ schema: ReflectionSchema, name: 'reflection' }),
          providerOptions: STRUCTURED_PROVIDER_OPTIONS,
          abortSignal: options.abortSignal,
          maxRetries: options.maxRetries ?? 1,
          ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
        }),
      options,
    );
    const reflection = result.output;
    // The run's own status is the truth about success, whatever the model says.
    return { reflection: { ...reflection, success: outcome.state.status === 'succeeded' }, fallback: false };
  } catch (error) {
    return { reflection: deterministicReflection(outcome), fallback: true, error };
  }
}

/** The run as the model reads it: every step's result, failures with their log tails. */
export function describeOutcome({ plan, state, logTails, redis, configuredRedis }: RunOutcome): string {
  const lines = [`Goal: ${plan.goal}`, `Run ${state.runId}: ${state.status}${state.error ? ` (${state.error})` : ''}`];
  // Without it the model would name the bare commands, which refuse such a run.
  if (redis) lines.push(`Its steps went to workers through ${redis}: resume it with ${runCommandHint('resume', state.runId, redis, configuredRedis)}, cancel it with ${runCommandHint('cancel', state.runId, redis, configuredRedis)}`);
  lines.push('Steps:');
  for (const step of plan.steps) {
    const st = state.steps[step.id];
    if (!st) continue;
    const what = step.type === 'llm_query' ? 'llm_query' : step.type === 'condition' ? 'condition' : step.tool;
    let line = `- ${step.id} [${what}]: ${st.status}, ${st.attempts} attempt(s)`;
    if (st.error) line += `, error: ${st.error}`;
    if (st.skipReason) line += `, ${st.skipReason}`;
    if (st.rollback) line += `, rollback ${st.rollback.status}${st.rollback.status === 'failed' ? `: ${st.rollback.error}` : ''}`;
    lines.push(line);
  }
  for (const [stepId, tail] of Object.entries(logTails)) {
    if (!tail.length) continue;
    const text = tail.join('\n');
    lines.push(`Last log lines of ${stepId}:\n${text.length > MAX_TAIL_CHARS ? text.slice(-MAX_TAIL_CHARS) : text}`);
  }
  return lines.join('\n');
}

/** A reflection from the run alone, when no model is configured or it failed. */
export function deterministicReflection({ plan, state, redis, configuredRedis }: RunOutcome): Reflection {
  const steps = plan.steps.map((step) => ({ id: step.id, ...state.steps[step.id]! }));
  const failed = steps.filter((step) => step.status === 'failed');
  const rolledBack = steps.filter((step) => step.rollback?.status === 'succeeded').map((step) => step.id);
  const rollbackFailed = steps.filter((step) => step.rollback?.status === 'failed');
  const succeeded = steps.filter((step) => step.status === 'succeeded' || step.status === 'rolled_back').length;
  const issues = [
    ...failed.map((step) => `${step.id} failed after ${plural(step.attempts, 'attempt')}: ${step.error ?? 'unknown error'}`),
    ...rollbackFailed.map((step) => `the rollback of ${step.id} failed: ${step.rollback?.status === 'failed' ? step.rollback.error : ''}`),
  ];
  const suggestions: string[] = [];
  for (const step of failed) suggestions.push(...suggestionsFor(step.id, step.error ?? ''));
  if (rollbackFailed.length) suggestions.push(`check by hand what ${rollbackFailed.map((step) => step.id).join(', ')} left behind`);
  if (state.status === 'interrupted' || state.status === 'paused') suggestions.push(`resume the run (${runCommandHint('resume', state.runId, redis, configuredRedis)})`);

  let summary: string;
  switch (state.status) {
    case 'succeeded':
      summary = `The run succeeded: ${succeeded} of ${steps.length} steps done${steps.some((step) => step.status === 'skipped') ? ', some skipped by their conditions' : ''}.`;
      break;
    case 'cancelled':
      summary = `The run was cancelled after ${plural(succeeded, 'step')}${rolledBack.length ? `; rolled back ${rolledBack.join(', ')}` : ''}.`;
      break;
    case 'rollback_failed':
      summary = `The run failed at ${state.failedStepId ?? 'a step'} and a rollback failed too; the system may be half-changed.`;
      break;
    case 'failed':
      summary = `The run failed at ${state.failedStepId ?? failed[0]?.id ?? 'a step'}${rolledBack.length ? `; rolled back ${rolledBack.join(', ')}` : ''}.`;
      break;
    default:
      summary = `The run is ${state.status}.`;
  }
  return { success: state.status === 'succeeded', summary, issues, suggestions: [...new Set(suggestions)] };
}

function suggestionsFor(stepId: string, error: string): string[] {
  const out: string[] = [];
  if (/timed out/.test(error)) out.push(`retry ${stepId} with a longer timeoutMs`);
  if (/connection refused|ECONNREFUSED/.test(error)) out.push(`check that the service ${stepId} talks to is up and on the expected port`);
  if (/command not found|not found on PATH/.test(error)) out.push(`install the missing command, then retry ${stepId}`);
  if (/answered 5\d\d/.test(error)) out.push(`look at the service's own log for why ${stepId}'s check got a server error`);
  if (/EADDRINUSE|address already in use/.test(error)) out.push('free the port or deploy on another one (e.g. "use port 9090")');
  out.push(`retry just the failed step (${stepId})`);
  return out;
}
