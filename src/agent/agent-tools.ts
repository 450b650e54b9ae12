import { tool, type ToolSet } from 'ai';
import { z } from 'zod';
import { isFinished, type Plan } from '../planning/index.js';
import { cutShortSteps, ownerName, readLogTail, runStatusDocument, storedRunOutlook, type RunStore } from '../store/index.js';
import type { PlannerOptions } from './planner.js';
import { planGoal, PlanningError, revisePlan } from './planner.js';
import { statusForModel } from './run-status-brief.js';
import { runCommandHint } from '../workers/redis-url.js';

/** A plan the agent proposed in this turn: shown to the user, who decides. Never run by the model. */
/** Parts of a plan by name: its steps, the steps whose rollback, and its inputs. */
export type LostParts = { readonly steps: readonly string[]; readonly rollbacks: readonly string[]; readonly inputs: readonly string[] };

export type ProposedPlan = {
  readonly planId: string;
  readonly plan: Plan;
  readonly changes?: string;
  readonly revises?: string;
  /** Approving it continues this interrupted run instead of starting a new one. */
  readonly resumeRunId?: string;
  /** A /resume of a run done on this machine alone, in a chat with workers: it goes on here (mayUseWorkers), as ksa resume does. */
  readonly runsHere?: true;
  /**
   * Read back from a session: what of the plan was stored as *** (secrets, not kept), so must be written in again
   * before it runs. Kept by its edits and revisions, which may write the values back.
   */
  readonly masked?: LostParts;
  /** The interrupted or paused run a /resume proposal shows; an edit or revision of it keeps this but not resumeRunId. */
  readonly fromRun?: {
    readonly runId: string;
    readonly status: 'interrupted' | 'paused';
    /** Where the run ran, and the inputs it was given other than the plan's own (names only): a new run has neither. */
    readonly workspace?: string;
    readonly givenInputs?: readonly string[];
    /** The Redis it sent steps to workers through, as recorded: cancelling it needs its --redis. */
    readonly redis?: string;
  };
};

export type AgentToolsOptions = {
  readonly planner: Omit<PlannerOptions, 'abortSignal'>;
  readonly runs: RunStore;
  /** The plan the user is looking at, if any (the target of revise_plan). */
  readonly currentPlan: () => ProposedPlan | undefined;
  readonly onPlan: (proposal: ProposedPlan) => void;
  /** A run this very process runs (the TUI): cancelled, or 'asked' (the user confirms first); false when it is not this process's. */
  readonly cancelOwnRun?: (runId: string) => boolean | 'asked';
  readonly newPlanId: () => string;
  readonly abortSignal?: AbortSignal;
  /** A failed model call of the planner, as the user is told it (toModelError: the endpoint, status and advice). */
  readonly describeError?: (error: unknown) => Error;
  /** The Redis ksa cancel uses by itself (KSA_REDIS_URL or config.json's "redis"): a hint then needs no --redis for it. */
  readonly configuredRedis?: string;
};

/** The names of the chat's functions, as the model calls them (tools) or the router picks them (no-tools mode). */
export const AGENT_TOOL_NAMES = ['propose_plan', 'revise_plan', 'get_run_status', 'list_runs', 'get_step_error', 'cancel_run'] as const;
export type AgentToolName = (typeof AGENT_TOOL_NAMES)[number];

const ProposeInput = z.object({ goal: z.string().min(1).describe('What the plan must achieve, with every detail the user gave (paths, ports, cluster).') });
const ReviseInput = z.object({ request: z.string().min(1).describe('The change, in the user’s words.') });
const RunInput = z.object({ runId: z.string().optional().describe('Run id or a unique prefix; omit for the latest run.') });
const ListInput = z.object({ limit: z.int().min(1).max(50).optional() });
const StepInput = z.object({ runId: z.string().optional(), stepId: z.string().optional() });

/**
 * ksa's own functions behind the chat: propose and revise plans (the user
 * approves them), read or cancel runs. Nothing here executes a plan. The
 * tools the model calls and the no-tools router both call these.
 */
export type AgentActions = {
  readonly propose_plan: (input: z.infer<typeof ProposeInput>) => Promise<unknown>;
  readonly revise_plan: (input: z.infer<typeof ReviseInput>) => Promise<unknown>;
  readonly get_run_status: (input: z.infer<typeof RunInput>) => Promise<unknown>;
  readonly list_runs: (input: z.infer<typeof ListInput>) => Promise<unknown>;
  readonly get_step_error: (input: z.infer<typeof StepInput>) => Promise<unknown>;
  readonly cancel_run: (input: z.infer<typeof RunInput>) => Promise<unknown>;
};

export function createAgentActions(options: AgentToolsOptions): AgentActions {
  const { runs } = options;
  // Models say "latest" or send "" for the default run.
  const idOrLatest = (runId: string | undefined) => (runId === undefined || runId === '' || runId === 'latest' ? undefined : runId);
  const resolve = async (runId: string | undefined) => runs.resolve(idOrLatest(runId));
  // Said as the chat says its own model failures, not as the SDK's "Failed after 3 attempts. Last error: AI_APICallError…".
  const described = (error: unknown): never => {
    throw PlanningError.isInstance(error) || !options.describeError ? error : options.describeError(error);
  };

  // Two plans made at once (parallel calls in one answer): the one the user ends up with would be whichever
  // finished last, and `--yes` would run it. One at a time; the second call is told so.
  let making: string | undefined;
  const oneAtATime = async <T>(tool: string, make: () => Promise<T>): Promise<T | { error: string }> => {
    if (making) return { error: `${making} is making a plan already in this answer: one plan at a time; wait for its result, then change it with revise_plan if needed` };
    making = tool;
    try {
      return await make();
    } finally {
      making = undefined;
    }
  };

  return {
    propose_plan: ({ goal }) =>
      oneAtATime('propose_plan', async () => {
        const result = await planGoal(goal, { ...options.planner, abortSignal: options.abortSignal }).catch(described);
        const proposal = { planId: options.newPlanId(), plan: result.plan };
        options.onPlan(proposal);
        return { planId: proposal.planId, steps: outline(result.plan), note: 'Shown to the user, who will approve, edit or reject it.' };
      }),
    revise_plan: ({ request }) =>
      oneAtATime('revise_plan', async () => {
        const current = options.currentPlan();
        if (!current) return { error: 'there is no plan to revise; call propose_plan with the goal instead' };
        const result = await revisePlan(current.plan, request, { ...options.planner, abortSignal: options.abortSignal }).catch(described);
        const proposal = { planId: options.newPlanId(), plan: result.plan, changes: result.changes, revises: current.planId, ...(current.masked ? { masked: current.masked } : {}) };
        options.onPlan(proposal);
        return { planId: proposal.planId, changes: result.changes, steps: outline(result.plan) };
      }),
    get_run_status: async ({ runId }) => {
      const { runId: id, record, status, owner } = await runs.inspect(idOrLatest(runId));
      const { stats, estimate } = await storedRunOutlook(runs.home, record, status, owner !== undefined).catch(() => ({ stats: undefined, estimate: undefined }));
      // Usual durations of running steps only while a process runs them.
      return statusForModel(runStatusDocument(record, status, owner, runs.logDir(id), { estimate, stats: owner ? stats : undefined, cutShort: await cutShortSteps(runs.logDir(id), record, status, owner) }));
    },
    // With how many there are in all: the model can say there are older ones, and ask for more.
    list_runs: async ({ limit }) => {
      const { runs: shown, total } = await runs.newest(limit ?? 10);
      return { runs: shown.map((run) => ({ runId: run.runId, goal: run.goal, status: run.effectiveStatus, startedAt: run.startedAt, endedAt: run.endedAt })), total };
    },
    get_step_error: async ({ runId, stepId }) => {
      const id = await resolve(runId);
      const record = await runs.read(id);
      const target = stepId ?? record.state.failedStepId ?? Object.entries(record.state.steps).find(([, st]) => st.status === 'failed')?.[0];
      if (!target) return { runId: id, status: record.state.status, error: 'no step of this run failed' };
      const st = record.state.steps[target];
      if (!st) return { runId: id, error: `run ${id} has no step "${target}"; its steps are ${Object.keys(record.state.steps).join(', ')}` };
      return { runId: id, stepId: target, status: st.status, attempts: st.attempts, error: st.error, logTail: await readLogTail(runs.logDir(id), target, 30) };
    },
    cancel_run: async ({ runId }) => {
      const id = await resolve(runId);
      const own = options.cancelOwnRun?.(id);
      if (own === 'asked') return { runId: id, result: CONFIRM_IN_CHAT };
      if (own) return { runId: id, result: 'cancelling: running steps are aborted and finished ones rolled back' };
      const { status, owner, record } = await runs.inspect(id);
      if (isFinished(status)) return { runId: id, result: `nothing to cancel: the run already ${status}` };
      // Its jobs are in that Redis: ksa cancel without its --redis refuses the run.
      const cancel = runCommandHint('cancel', id, record.redis, options.configuredRedis);
      if (!owner) return { runId: id, result: `the run is ${status} (its process is gone); roll it back with: ${cancel}` };
      // Cancelling undoes what the run did: the user's decision, never the model's alone.
      return { runId: id, result: `not cancelled: it runs in ${ownerName(owner)}, and a cancel rolls back what it did, which the user decides; to cancel it: ${cancel}` };
    },
  };
}

/** The model asked to cancel the chat's own run: said to the model, and (routed) to the user. */
const CONFIRM_IN_CHAT = 'confirm in the chat: y cancels the run (running steps are aborted, finished ones rolled back); anything else lets it go on';

/** The same functions as AI SDK tools, for a model with tool calling. */
export function createAgentTools(options: AgentToolsOptions): ToolSet {
  const actions = createAgentActions(options);
  return {
    propose_plan: tool({
      description: 'Make a plan for a goal (deploy, restart, roll back, retry a step, clean up). The plan is shown to the user for approval; you cannot run it.',
      inputSchema: ProposeInput,
      execute: actions.propose_plan,
    }),
    revise_plan: tool({
      description: 'Change the plan the user is looking at as they ask ("skip the tests", "use port 9090").',
      inputSchema: ReviseInput,
      execute: actions.revise_plan,
    }),
    get_run_status: tool({
      description: 'The status of a run: every step with status, attempts, errors, and for a running run the estimated time left (from earlier runs). Default: the latest run.',
      inputSchema: RunInput,
      execute: actions.get_run_status,
    }),
    list_runs: tool({
      description: 'Recent runs, newest first: id, goal, status, start time.',
      inputSchema: ListInput,
      execute: actions.list_runs,
    }),
    get_step_error: tool({
      description: "Why a step failed: its error and the last lines of its log. Default: the latest run's failed step.",
      inputSchema: StepInput,
      execute: actions.get_step_error,
    }),
    cancel_run: tool({
      description: 'Ask to stop a running run (it aborts running steps and rolls back what succeeded): only when the user asked for it; the user confirms.',
      inputSchema: z.object({ runId: z.string().optional().describe('Default: the latest run.') }),
      execute: actions.cancel_run,
    }),
  };
}

function outline(plan: Plan): string[] {
  return plan.steps.map((step) => {
    const what = step.type === 'llm_query' ? 'ask the model' : step.type === 'condition' ? `if ${step.when}` : `${step.tool} ${JSON.stringify(step.args).slice(0, 120)}`;
    return `${step.id}: ${what}${step.dependsOn.length ? ` (after ${step.dependsOn.join(', ')})` : ''}`;
  });
}
