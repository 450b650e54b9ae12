import { generateText, NoObjectGeneratedError, Output, streamText, type LanguageModel, type ModelMessage } from 'ai';
import { z } from 'zod';
import type { AgentActions, AgentToolName, ProposedPlan } from './agent-tools.js';
import { consumeStream, type TurnOutput } from './chat-stream.js';
import { PlanningError } from './planner.js';
import { extractJsonText, STRUCTURED_PROVIDER_OPTIONS, withJsonExtraction } from './provider.js';
import { splitThinking } from './think-text.js';
import { withTotalTimeout } from './model/total-timeout.js';
import { isContextLengthError } from './model/error-kinds.js';
import { CONTEXT_HINT } from './model-errors.js';
import { plural } from '../planning/plural.js';

/**
 * The chat without tool calling: one structured-output call says what the
 * message asks for, and ksa calls the function itself — the same functions the
 * tools call, so plans still wait for the user's approval.
 */
export const ROUTE_ACTIONS = ['propose', 'revise', 'status', 'runs', 'cancel', 'answer'] as const;

export const RouteSchema = z.object({
  action: z.enum(ROUTE_ACTIONS),
  goal: z.string().optional().describe('propose: what the plan must achieve, with every detail the user gave (paths, ports, cluster, the run or step to retry or roll back)'),
  request: z.string().optional().describe('revise: the change to the waiting plan, in the user’s words'),
  runId: z.string().optional().describe('status/cancel: a run id or prefix the user named; omit for the latest run'),
  stepId: z.string().optional().describe('status: the step the user asks about ("why did build fail?" → build)'),
  reply: z.string().optional().describe('answer: the whole answer; other actions: at most one short sentence said first'),
});
export type Route = z.infer<typeof RouteSchema>;

export function routerInstructions(pending: ProposedPlan | undefined): string {
  const waiting = pending
    ? `A plan is waiting for the user's decision: "${pending.plan.goal}" (${pending.plan.steps.length} steps: ${pending.plan.steps.map((step) => step.id).join(', ')}). A change to it ("skip the tests", "use port 9090") is "revise".`
    : 'No plan is waiting for a decision.';
  return `You are KubeStack AI (ksa), a terminal agent that deploys and operates apps by conversation. You cannot run anything yourself: ksa makes plans that the user approves.
Decide what the user's last message asks for and answer with ONE JSON object, nothing else:
{ "action": "propose" | "revise" | "status" | "runs" | "cancel" | "answer", "goal"?, "request"?, "runId"?, "stepId"?, "reply"? }
- "propose": the user wants something done (deploy, restart, roll back, retry a step, clean up); "goal" is the goal in words with every detail.
- "revise": the user wants the waiting plan changed; "request" is the change.
- "status": a question about a run ("what's the status?", "why did build fail?"); "runId" and "stepId" when named.
- "runs": the user asks which runs there were.
- "cancel": stop the running run.
- "answer": anything else (greetings, questions about ksa or the conversation); "reply" is your brief answer.
${waiting}`;
}

export type RouteOptions = {
  readonly model: LanguageModel;
  readonly history: readonly ModelMessage[];
  readonly text: string;
  readonly pending?: ProposedPlan;
  readonly abortSignal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
};

/** One structured-output call, the way the planner makes them; an answer that is not a route is taken as a plain reply. */
export async function routeMessage(options: RouteOptions): Promise<{ route: Route; totalTokens: number }> {
  try {
    const result = await withTotalTimeout(
      () =>
        generateText({
          model: withJsonExtraction(options.model),
          instructions: routerInstructions(options.pending),
          messages: [...options.history, { role: 'user', content: options.text }],
          output: Output.object({ schema: RouteSchema, name: 'route', description: 'What the user’s message asks ksa to do' }),
          providerOptions: STRUCTURED_PROVIDER_OPTIONS,
          abortSignal: options.abortSignal,
          maxRetries: options.maxRetries,
          ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
        }),
      options,
    );
    return { route: result.output, totalTokens: result.usage.totalTokens ?? 0 };
  } catch (error) {
    if (!NoObjectGeneratedError.isInstance(error)) throw error;
    const answer = splitThinking(error.text ?? '').answer;
    let candidate: unknown;
    try {
      candidate = JSON.parse(extractJsonText(answer));
    } catch {
      candidate = undefined;
    }
    const parsed = RouteSchema.safeParse(nearRoute(candidate));
    // JSON that is no route is not an answer to show: the answer is asked for in words instead.
    const looksLikeJson = candidate !== undefined && typeof candidate === 'object';
    const route: Route = parsed.success ? parsed.data : { action: 'answer', reply: looksLikeJson ? undefined : answer.trim() || undefined };
    return { route, totalTokens: error.usage?.totalTokens ?? 0 };
  }
}

/** Actions small models say instead of ROUTE_ACTIONS' names. */
const ACTION_SYNONYMS: Readonly<Record<string, Route['action']>> = {
  deploy: 'propose', plan: 'propose', run: 'propose', do: 'propose', execute: 'propose', create: 'propose', rollback: 'propose', retry: 'propose', restart: 'propose', propose_plan: 'propose',
  change: 'revise', edit: 'revise', modify: 'revise', update: 'revise', revise_plan: 'revise',
  get_status: 'status', get_run_status: 'status', check: 'status', explain: 'status', get_step_error: 'status',
  list: 'runs', list_runs: 'runs', history: 'runs',
  stop: 'cancel', abort: 'cancel', cancel_run: 'cancel',
  reply: 'answer', respond: 'answer', chat: 'answer', greet: 'answer',
};

/** A route a small model got nearly right (`"action": "Deploy"`, `"action": "deploy"`): its action read as the one it means. */
function nearRoute(candidate: unknown): unknown {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) return candidate;
  const { action } = candidate as { action?: unknown };
  if (typeof action !== 'string') return candidate;
  const word = action.trim().toLowerCase();
  const meant = (ROUTE_ACTIONS as readonly string[]).includes(word) ? (word as Route['action']) : ACTION_SYNONYMS[word];
  return meant ? { ...candidate, action: meant } : candidate;
}

export type RoutedTurnOptions = RouteOptions & {
  readonly actions: AgentActions;
  readonly out: TurnOutput;
  /** The project's own instructions (AGENTS.md), as the chat with tools is given them. */
  readonly instructions?: string;
  /** Less of the conversation, for asking once more when the prompt does not fit the model's context window. */
  readonly smallerHistory?: () => readonly ModelMessage[];
};

/** A whole turn without tools: route, call ksa's function, say the outcome. Failures of the model reach the caller. */
export async function runRoutedTurn(given: RoutedTurnOptions): Promise<{ aborted: boolean }> {
  let options = given;
  const { out } = options;
  // A long session outgrows a small window (Ollama's default) as it does with tools: once per turn, the
  // call that did not fit is made again with less history, and so is every call after it.
  const fitting = async <T>(ask: (options: RoutedTurnOptions) => Promise<T>): Promise<T> => {
    const shown = out.text.length;
    try {
      return await ask(options);
    } catch (error) {
      if (!isContextLengthError(error) || given.smallerHistory === undefined || options !== given || out.text.length !== shown) throw error;
      out.emit({ type: 'context-retry', hint: CONTEXT_HINT });
      options = { ...given, history: given.smallerHistory() };
      return ask(options);
    }
  };
  const { route, totalTokens } = await fitting(routeMessage);
  out.totalTokens += totalTokens;
  const call = async (tool: AgentToolName, input: Record<string, unknown>) => {
    const id = out.toolCall(tool, input);
    try {
      const output = await options.actions[tool](input as never);
      // A look-up fails by throwing, as a tool does with tool calling: what it returns is what it found, even
      // with an `error` key (a failed run's status, get_step_error's step error).
      out.toolResult(id, tool, output, false);
      return output;
    } catch (error) {
      out.toolResult(id, tool, { error: error instanceof Error ? error.message : String(error) }, true);
      if (PlanningError.isInstance(error)) {
        const [first, ...rest] = error.problems;
        const more = rest.length > 0 ? ` (and ${rest.length} more)` : '';
        const note = error.note ? ` Note: ${error.note}.` : '';
        out.say(`I could not make a valid plan: after ${plural(error.attempts, 'attempt')} it still had ${first ?? 'problems'}${more}. Say it differently, or give more detail.${note}`);
        return undefined;
      }
      // A plan is made by the model: its failure is the turn's. A look-up that finds nothing ("no runs yet",
      // an unknown run id) is what was found, given to the answer as a tool's error is with tool calling.
      if (tool === 'propose_plan' || tool === 'revise_plan') throw error;
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };
  const lead = route.action === 'answer' ? '' : (route.reply?.trim() ?? '');
  if (lead) out.say(`${lead}\n\n`);

  switch (route.action) {
    case 'propose':
    case 'revise': {
      const revising = route.action === 'revise' && options.pending;
      const output = revising ? await call('revise_plan', { request: route.request?.trim() || options.text }) : await call('propose_plan', { goal: route.goal?.trim() || options.text });
      if (output && !lead) out.say(revising ? 'Here is the revised plan.' : 'Here is the plan.');
      return { aborted: false };
    }
    case 'cancel': {
      const output = (await call('cancel_run', route.runId ? { runId: route.runId } : {})) as { result?: string; error?: string } | undefined;
      const said = output?.result ?? output?.error;
      if (said) out.say(said.charAt(0).toUpperCase() + said.slice(1) + (said.endsWith('.') || said.endsWith(')') ? '' : '.'));
      return { aborted: false };
    }
    case 'status':
    case 'runs': {
      const why = route.stepId !== undefined || /\bwhy\b|fail|error|broke/i.test(options.text);
      const tool: AgentToolName = route.action === 'runs' ? 'list_runs' : why ? 'get_step_error' : 'get_run_status';
      const input = route.action === 'runs' ? {} : { ...(route.runId ? { runId: route.runId } : {}), ...(why && route.stepId ? { stepId: route.stepId } : {}) };
      const output = await call(tool, input);
      return fitting((options) => answerFrom(options, `[ksa looked this up: ${tool} returned ${JSON.stringify(output)}]`));
    }
    case 'answer':
      if (route.reply?.trim()) {
        out.say(route.reply.trim());
        return { aborted: false };
      }
      return fitting((options) => answerFrom(options, undefined));
  }
}

const ANSWER_INSTRUCTIONS = `You are KubeStack AI (ksa), a terminal agent that deploys and operates apps by conversation. Answer the user briefly and concretely from what ksa looked up; quote error lines exactly. Use Markdown lists and code blocks for commands. You cannot run anything: to get something done, the user asks for it and approves the plan ksa shows.`;

/** A plain streamed answer, no tools offered, from what ksa found. */
async function answerFrom(options: RoutedTurnOptions, found: string | undefined): Promise<{ aborted: boolean }> {
  const result = streamText({
    model: options.model,
    instructions: options.instructions ? `${ANSWER_INSTRUCTIONS}\n\n${options.instructions}` : ANSWER_INSTRUCTIONS,
    messages: [...options.history, { role: 'user', content: found ? `${options.text}\n\n${found}` : options.text }],
    abortSignal: options.abortSignal,
    maxRetries: options.maxRetries,
    ...(options.timeoutMs ? { timeout: { firstChunkMs: options.timeoutMs, chunkMs: options.timeoutMs } } : {}),
    onError: () => undefined,
  });
  const outcome = await consumeStream(result, options.out, options.abortSignal);
  if (outcome.failure !== undefined && !outcome.aborted) throw outcome.failure;
  return { aborted: outcome.aborted };
}
