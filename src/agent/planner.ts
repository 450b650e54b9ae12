import { generateText, NoObjectGeneratedError, NoOutputGeneratedError, Output, type LanguageModel, type ModelMessage } from 'ai';
import { formatIssue, KsaError, PlanSchema, validatePlan, type Plan } from '../planning/index.js';
import { assessPolicy, denialIssues, policyInstructions, type Policy } from '../policy/rules/index.js';
import { riskOptions, type ToolRegistry } from '../tools/index.js';
import { pinKubeTarget, type KubeDefaults } from './kube-pinning.js';
import { describePlanDiff, diffPlans, type PlanDiff } from './plan-diff.js';
import { plannerInstructions, repairRequest, revisionRequest } from './prompts.js';
import { extractJsonText, STRUCTURED_PROVIDER_OPTIONS, withJsonExtraction } from './provider.js';
import { trimMessages, withContextRetry, type ContextBudget } from './model/context-retry.js';
import { withTotalTimeout } from './model/total-timeout.js';
import { plural } from '../planning/plural.js';
import { withoutSecretInputs, withSecretInputsOf } from './secret-inputs.js';
import { CONTEXT_HINT } from './model-errors.js';

export const DEFAULT_MAX_REPAIRS = 3;
/** Generated plans for one goal stay small; a hand-written plan file may use the engine's 200. */
export const DEFAULT_PLANNED_MAX_STEPS = 20;

export type PlannerOptions = {
  readonly model: LanguageModel;
  readonly tools: ToolRegistry;
  /** What the planner knows of the workspace (formatWorkspaceContext). */
  readonly context?: string;
  /** The current kube context and namespace: cluster steps of the plan are pinned to them (kube-pinning.ts). */
  readonly kube?: KubeDefaults;
  /** The conversation so far, oldest first. */
  readonly history?: readonly ModelMessage[];
  readonly maxRepairs?: number;
  readonly maxSteps?: number;
  readonly abortSignal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  /** The user's permission policy: the planner is told its rules, and a plan with a denied step goes back for repair. */
  readonly policy?: Policy;
  /** Told about each rejected attempt, e.g. to show "repairing (2/3)…". */
  readonly onRepair?: (attempt: number, problems: readonly string[]) => void;
  /** Told when the prompt did not fit the model's context window and is sent again, smaller. */
  readonly onContextRetry?: () => void;
};

export type PlanResult = {
  readonly plan: Plan;
  /** Model calls it took: 1 + repairs. */
  readonly attempts: number;
  /** The problems each rejected attempt had. */
  readonly repairs: readonly (readonly string[])[];
  readonly totalTokens: number;
};

export type RevisionResult = PlanResult & { readonly diff: PlanDiff; readonly changes: string };

export class PlanningError extends KsaError {
  readonly problems: readonly string[];
  readonly attempts: number;

  /** What may be behind the problems, for the user (not the model): a server that cut the prompt. */
  readonly note: string | undefined;

  constructor({ problems, attempts, note }: { problems: readonly string[]; attempts: number; note?: string }) {
    super({
      name: 'PlanningError',
      message: `the model did not produce a valid plan after ${plural(attempts, 'attempt')}; remaining problems:\n${problems.map((problem) => `  ${problem}`).join('\n')}${note ? `\n${note}` : ''}`,
    });
    this.problems = problems;
    this.attempts = attempts;
    this.note = note;
  }
}

/** Goal → validated plan. Every validation problem goes back to the model, for a bounded number of repair rounds. */
export function planGoal(goal: string, options: PlannerOptions): Promise<PlanResult> {
  return generatePlan((context) => `Goal: ${goal}${context}`, options);
}

/** A plan + a request in plain words → a revised, validated plan and what changed. */
export async function revisePlan(plan: Plan, request: string, options: PlannerOptions): Promise<RevisionResult> {
  // The model gets the plan without the secrets the user typed into it; the revision gets them back.
  const sent = await generatePlan((context) => `${revisionRequest(JSON.stringify(withoutSecretInputs(plan), null, 2), request)}${context}`, options);
  const result = { ...sent, plan: withSecretInputsOf(sent.plan, plan) };
  const diff = diffPlans(plan, result.plan);
  return { ...result, diff, changes: describePlanDiff(diff) };
}

/** The workspace facts kept when the context window is small. */
const SMALL_CONTEXT_CHARS = 2_000;

async function generatePlan(request: (context: string) => string, options: PlannerOptions): Promise<PlanResult> {
  const maxRepairs = options.maxRepairs ?? DEFAULT_MAX_REPAIRS;
  const maxSteps = options.maxSteps ?? DEFAULT_PLANNED_MAX_STEPS;
  const model = withJsonExtraction(options.model);
  const history = options.history ?? [];
  const contextOf = (small: boolean) => {
    if (!options.context) return '';
    return small && options.context.length > SMALL_CONTEXT_CHARS ? `\n\n${options.context.slice(0, SMALL_CONTEXT_CHARS)}\n[…]` : `\n\n${options.context}`;
  };
  /** The repair rounds so far: the rejected answers and the problems sent back. */
  const rounds: ModelMessage[] = [];
  const repairs: string[][] = [];
  let totalTokens = 0;
  // After one context-length failure every later call of this plan is sent small.
  let small: ContextBudget | undefined;
  // The window a server cut a prompt to without an error, when an answer's usage gives it away.
  let cutTo: number | undefined;

  const ask = async (budget: ContextBudget | undefined): Promise<{ text: string; candidate: unknown; cutOff: boolean }> => {
    const messages: ModelMessage[] = [...(budget ? trimMessages(history, budget.historyTokens) : history), { role: 'user', content: request(contextOf(budget !== undefined)) }, ...rounds];
    const instructions = withPolicy(await plannerInstructions(options.tools, maxSteps, { compact: budget?.trimTools }), options.policy);
    const sentChars = instructions.length + JSON.stringify(messages).length;
    try {
      const result = await withTotalTimeout(
        () =>
          generateText({
            model,
            instructions,
            messages,
            output: Output.object({ schema: PlanSchema, name: 'plan', description: 'A KubeStack AI plan: a DAG of steps' }),
            providerOptions: STRUCTURED_PROVIDER_OPTIONS,
            abortSignal: options.abortSignal,
            maxRetries: options.maxRetries,
            ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
          }),
        options,
      );
      totalTokens += result.usage.totalTokens ?? 0;
      cutTo ??= silentCut(result.usage.inputTokens, sentChars);
      // An answer cut off (finish_reason length) with no text, e.g. all of it reasoning, has no output at all.
      let candidate: unknown;
      try {
        candidate = result.output;
      } catch (error) {
        if (!NoOutputGeneratedError.isInstance(error)) throw error;
        candidate = parseJson(result.text, result.finishReason);
      }
      return { text: result.text, candidate, cutOff: result.finishReason === 'length' };
    } catch (error) {
      // Text that is not JSON or not plan-shaped still goes through our own validation, whose messages name paths.
      if (!NoObjectGeneratedError.isInstance(error)) throw error;
      totalTokens += error.usage?.totalTokens ?? 0;
      cutTo ??= silentCut(error.usage?.inputTokens, sentChars);
      const text = error.text ?? '';
      return { text, candidate: parseJson(text, error.finishReason), cutOff: error.finishReason === 'length' };
    }
  };

  for (let attempt = 1; attempt <= maxRepairs + 1; attempt++) {
    const { text, candidate, cutOff } = small
      ? await ask(small)
      : await withContextRetry(
          (budget) => {
            if (budget.retried) small = budget;
            return ask(small);
          },
          { onRetry: () => options.onContextRetry?.() },
        );

    const checked = await checkPolicy(checkCandidate(candidate, options.tools, maxSteps), options);
    if ('plan' in checked) {
      const plan = options.kube ? pinKubeTarget(checked.plan, options.tools, options.kube) : checked.plan;
      return { plan, attempts: attempt, repairs, totalTokens };
    }
    const problems = cutOff ? cutOffProblems(checked.problems) : checked.problems;
    repairs.push(problems);
    // After the last attempt no repair is asked for: announcing one would be false.
    if (attempt > maxRepairs) break;
    options.onRepair?.(attempt, problems);
    rounds.push({ role: 'assistant', content: text || '(empty answer)' });
    rounds.push({ role: 'user', content: repairRequest(problems) });
  }
  const note = cutTo === undefined ? undefined : `the server read exactly ${cutTo} tokens of a longer prompt: it may cut prompts to its context window without an error (Ollama does); ${CONTEXT_HINT}`;
  throw new PlanningError({ problems: repairs.at(-1) ?? [], attempts: maxRepairs + 1, ...(note ? { note } : {}) });
}

/** Context windows servers cut prompts to without an error (Ollama's defaults, by version). */
const SILENT_WINDOWS: ReadonlySet<number> = new Set([2048, 4096, 8192]);

/** The window a prompt was cut to: the server says it read exactly such a window of a prompt longer than it (about four characters a token). */
function silentCut(inputTokens: number | undefined, sentChars: number): number | undefined {
  return inputTokens !== undefined && SILENT_WINDOWS.has(inputTokens) && sentChars / 4 > inputTokens ? inputTokens : undefined;
}

type NotJson = { readonly notJson: string };

function parseJson(text: string, finishReason?: string): unknown {
  const body = extractJsonText(text);
  try {
    return JSON.parse(body);
  } catch (error) {
    // A model that calls a function instead of writing the plan leaves the text empty: said, so it can do otherwise.
    const empty = finishReason === 'tool-calls' ? 'the answer was a function call, not text: write the plan itself as the answer, as JSON' : 'the answer was empty';
    return { notJson: body ? (error as Error).message : empty } satisfies NotJson;
  }
}

const CUT_OFF =
  'the answer was cut off at the model\'s output limit (finish reason "length") before the plan was complete: answer with a shorter plan and no other text (if this keeps happening, raise the server\'s output token limit, e.g. max_tokens, or num_predict for Ollama)';

/** A cut-off answer's parse error says nothing the model can act on; the cut does. */
function cutOffProblems(problems: readonly string[]): string[] {
  return [CUT_OFF, ...problems.filter((problem) => !problem.startsWith('the answer is not valid JSON'))];
}

function checkCandidate(candidate: unknown, tools: ToolRegistry, maxSteps: number): { plan: Plan } | { problems: string[] } {
  if (candidate && typeof candidate === 'object' && 'notJson' in candidate && Object.keys(candidate).length === 1) {
    return { problems: [`the answer is not valid JSON (${(candidate as NotJson).notJson}); answer with one JSON object and nothing else`] };
  }
  // Read by the model (repair) and by the user of the chat, ksa plan or ksa ask: none of them has --max-steps.
  const overLimitHint = `plans ksa writes are kept to ${maxSteps} steps: merge small steps, or split the goal into parts; a longer plan in a file runs with ksa run <file> --max-steps <n>`;
  // An input without a value is the user's to give where the plan runs, not the model's to make up.
  const result = validatePlan(candidate, { tools: tools.catalog(), maxSteps, overLimitHint, requireInputValues: false });
  return result.ok ? { plan: result.plan } : { problems: result.issues.map(formatIssue) };
}

function withPolicy(instructions: string, policy: Policy | undefined): string {
  const rules = policy ? policyInstructions(policy) : '';
  return rules ? `${instructions}\n\n${rules}` : instructions;
}

/** A valid plan with a step the policy denies is rejected like an invalid one: its problems name the rule. */
async function checkPolicy(checked: { plan: Plan } | { problems: string[] }, options: PlannerOptions): Promise<{ plan: Plan } | { problems: string[] }> {
  if (!('plan' in checked) || !options.policy || options.policy.rules.length === 0) return checked;
  const { decision } = await assessPolicy(checked.plan, options.policy, 'ask', riskOptions(options.tools, process.env, options.policy.workspace));
  return decision.decision === 'deny' ? { problems: denialIssues(decision).map(formatIssue) } : checked;
}
