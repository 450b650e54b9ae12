import { isStepCount, streamText, wrapLanguageModel, type LanguageModel, type ModelMessage, type ToolSet } from 'ai';
import type { Conversation, RunStore } from '../store/index.js';
import type { Policy } from '../policy/rules/index.js';
import type { ToolRegistry } from '../tools/index.js';
import { createAgentActions, createAgentTools, type AgentToolsOptions, type ProposedPlan } from './agent-tools.js';
import { runRoutedTurn } from './chat-router.js';
import { ChatModeState, ignoredTools, toolsRefusal, toolsRefusalMiddleware } from './chat-mode.js';
import { consumeStream, TurnOutput, type TurnEvent } from './chat-stream.js';
import { buildContext, DEFAULT_CONTEXT_TOKENS } from './memory.js';
import { invalidCallResultsForModel } from './invalid-tool-call.js';
import { callCutOff, CONTEXT_HINT, emptyAnswer, noAnswerAfterFailedCall, noAnswerAfterLookups } from './model-errors.js';
import { cutToolCallMiddleware } from './cut-tool-call-middleware.js';
import { RETRY_HISTORY_FACTOR } from './model/context-retry.js';
import { isContextLengthError } from './model/error-kinds.js';
import type { KubeDefaults } from './kube-pinning.js';
import { CHAT_INSTRUCTIONS } from './prompts.js';
import { pendingProposal, planMessage } from './session-history.js';
import { textToolCallMiddleware } from './text-tool-call-middleware.js';
import { toolCallFinishMiddleware } from './tool-call-finish-middleware.js';

export type { TurnEvent } from './chat-stream.js';

/** How many of the latest messages a turn reads; memory fits them to the model's context. */
export const HISTORY_MESSAGES = 400;

export type ChatTurnOptions = {
  readonly model: LanguageModel;
  readonly tools: ToolRegistry;
  readonly runs: RunStore;
  readonly conversation: Conversation;
  /** The workspace facts for the planner. */
  readonly context: string;
  /** The current kube context and namespace, for the planner. */
  readonly kube?: KubeDefaults;
  /** The project's instructions (AGENTS.md, .ksa/instructions.md), for the chat model too. */
  readonly instructions?: string;
  readonly text: string;
  readonly abortSignal?: AbortSignal;
  readonly onEvent?: (event: TurnEvent) => void;
  readonly cancelOwnRun?: (runId: string) => boolean | 'asked';
  /** With or without tool calling, for this endpoint + model (chatModeFor); default: tools, for this turn only. */
  readonly chatMode?: ChatModeState;
  readonly maxRepairs?: number;
  readonly contextTokens?: number;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  /** The permission policy the planner must respect. */
  readonly policy?: Policy;
  /** A failed model call of the planner, as the user is told it (toModelError with the model's config). */
  readonly describeError?: (error: unknown) => Error;
  /** The plan waiting for the user, as the chat holds it: the session keeps it without its secret inputs. */
  readonly pending?: ProposedPlan;
  /** The Redis ksa cancel uses by itself (KSA_REDIS_URL or config.json's "redis"): cancel_run's hint then needs no --redis for it. */
  readonly configuredRedis?: string;
};

export type ChatTurnResult = {
  readonly text: string;
  /** The last plan proposed or revised in this turn, waiting for the user's decision. */
  readonly proposal?: ProposedPlan;
  readonly totalTokens: number;
  readonly aborted: boolean;
  /** The model's reasoning in this turn (not stored, not sent back). */
  readonly reasoning?: string;
  /** The answer stopped at the model's output limit: what is shown is not all it meant to say. */
  readonly cutOff?: boolean;
  /** With cutOff: the function whose call the limit cut off mid-arguments, after the text (never made: "go on" would meet the limit again). */
  readonly cutCall?: string;
};

/**
 * One turn of the conversation: the user's message, a streamed answer, and
 * the agent's functions — called by the model as tools, or, for a model
 * without tool calling, routed by ksa. Everything said is stored in the
 * conversation; reasoning is not.
 */
export async function runChatTurn(given: ChatTurnOptions): Promise<ChatTurnResult> {
  const { conversation } = given;
  // The model gets the message as the session keeps it: a secret's value typed into it is *** there too.
  const options = { ...given, text: conversation.redact(given.text) };
  const earlier = await conversation.messages(HISTORY_MESSAGES);
  const history = buildContext(earlier, options.contextTokens ?? DEFAULT_CONTEXT_TOKENS);
  conversation.append({ kind: 'user', text: options.text });
  const mode = options.chatMode ?? new ChatModeState({ baseURL: '', model: '' });

  const stored = pendingProposal(earlier.slice(-200));
  let proposal: ProposedPlan | undefined = stored && options.pending?.planId === stored.planId ? options.pending : stored;
  let turnProposal: ProposedPlan | undefined;
  let planCount = 0;
  const out = new TurnOutput(conversation, options.onEvent);
  const agent: AgentToolsOptions = {
    planner: { model: options.model, tools: options.tools, context: options.context, kube: options.kube, history, maxRepairs: options.maxRepairs, timeoutMs: options.timeoutMs, maxRetries: options.maxRetries, policy: options.policy, onRepair: (attempt, problems) => out.emit({ type: 'repairing', attempt, problems }) },
    runs: options.runs,
    currentPlan: () => proposal,
    onPlan: (next) => {
      proposal = next;
      turnProposal = next;
      conversation.append(planMessage(next));
      out.emit({ type: 'plan', proposal: next });
    },
    cancelOwnRun: options.cancelOwnRun,
    newPlanId: () => `p${conversation.info.messageCount + 1}-${++planCount}`,
    abortSignal: options.abortSignal,
    describeError: options.describeError,
    configuredRedis: options.configuredRedis,
  };

  let aborted = false;
  let toolCalls = 0;
  let lookups: { readonly names: readonly string[]; readonly steps: number } | undefined;
  if (mode.tools) {
    let outcome = await toolsTurn(options, history, createAgentTools(agent), out);
    // A prompt too long for the server's window (Ollama's small default, a long session): once more with a quarter of the history.
    if (outcome.failure !== undefined && !outcome.streamed && !outcome.aborted && isContextLengthError(outcome.failure)) {
      out.emit({ type: 'context-retry', hint: CONTEXT_HINT });
      const smaller = buildContext(earlier, Math.floor((options.contextTokens ?? DEFAULT_CONTEXT_TOKENS) * RETRY_HISTORY_FACTOR));
      outcome = await toolsTurn(options, smaller, createAgentTools({ ...agent, planner: { ...agent.planner, history: smaller } }), out);
    }
    aborted = outcome.aborted;
    toolCalls = outcome.toolCalls;
    if (outcome.toolNames.length > 0 && outcome.toolNames.every((name) => LOOKUP_TOOLS.has(name))) lookups = { names: outcome.toolNames, steps: outcome.toolSteps };
    const refused = outcome.failure !== undefined && !outcome.streamed ? toolsRefusal(outcome.failure) : undefined;
    if (outcome.failure !== undefined && !aborted && !refused) throw outcome.failure;
    // Plain text where a tool was needed: the server dropped the tools on the way to the model.
    const ignored = refused || aborted || outcome.toolCalls > 0 ? undefined : ignoredTools(out.text);
    const reason = refused ?? ignored;
    if (reason) {
      mode.switchOff(reason);
      const discarded = out.discardUnsaved();
      out.emit({ type: 'mode', mode: mode.info, announce: mode.takeAnnouncement(), discarded });
    }
  }
  if (!mode.tools && !aborted) {
    // Started without tools (a capability check said so): said once too.
    if (mode.takeAnnouncement()) out.emit({ type: 'mode', mode: mode.info, announce: true, discarded: false });
    const routed = await runRoutedTurn({
      model: options.model,
      history,
      text: options.text,
      pending: proposal,
      abortSignal: options.abortSignal,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      actions: createAgentActions(agent),
      out,
      smallerHistory: () => buildContext(earlier, Math.floor((options.contextTokens ?? DEFAULT_CONTEXT_TOKENS) * RETRY_HISTORY_FACTOR)),
      ...(options.instructions ? { instructions: options.instructions } : {}),
    }).catch((error: unknown) => {
      if (options.abortSignal?.aborted) return { aborted: true };
      throw error;
    });
    aborted = routed.aborted;
  }
  if (options.abortSignal?.aborted) aborted = true;
  out.saveText(aborted ? 'interrupted' : out.cutOff ? 'cut-off' : undefined);
  // A call the output limit cut mid-arguments was never made: the limit is what to change, and asking again hits it again.
  if (!aborted && !turnProposal && out.cutCall !== undefined && out.text.trim() === '') throw callCutOff(out.cutCall);
  // Nothing said and nothing done: an endpoint that answered 200 with a body that is not a completion, an empty
  // completion, or reasoning that never ended. Said as an error; an empty turn would look like ksa ignored the user.
  if (!aborted && !turnProposal && toolCalls === 0 && out.text.trim() === '') throw emptyAnswer(out.reasoning, out.cutOff);
  // Calls that all ended in failure and not a word after them (the model kept calling a function wrong until the
  // step limit): no answer either, said with the last failure; a call that worked did something, and stays a turn.
  if (!aborted && !turnProposal && out.failedCall !== undefined && out.text.trim() === '') throw noAnswerAfterFailedCall(out.failedCall, out.cutOff);
  // Only look-ups and not a word after them: nothing was answered and nothing done.
  if (!aborted && !turnProposal && lookups && out.failedCall === undefined && out.text.trim() === '') throw noAnswerAfterLookups(lookups.names, lookups.steps >= TOOL_STEP_LIMIT, out.cutOff);
  const cutOff = out.cutOff && !aborted;
  return { text: out.text.trimEnd(), proposal: turnProposal, totalTokens: out.totalTokens, aborted, ...(out.reasoning ? { reasoning: out.reasoning } : {}), ...(cutOff ? { cutOff, ...(out.cutCall !== undefined ? { cutCall: out.cutCall } : {}) } : {}) };
}

/** Model calls one turn may make with tools: a model that keeps calling functions is stopped there. */
const TOOL_STEP_LIMIT = 6;

/** Functions that only read: a turn of those alone did nothing the user can see. */
const LOOKUP_TOOLS: ReadonlySet<string> = new Set(['list_runs', 'get_run_status', 'get_step_error']);

/**
 * A model call that ended at its output limit ends the turn: calls it made are not answered, and one it got wrong
 * is not asked for again, since the next answer would meet the same limit.
 */
const cutOffStep = ({ steps }: { readonly steps: readonly { readonly finishReason: string }[] }): boolean => steps.at(-1)?.finishReason === 'length';

/** The model with tools: the AI SDK's loop, tool calls written as text included. */
async function toolsTurn(options: ChatTurnOptions, history: ModelMessage[], tools: ToolSet, out: TurnOutput) {
  const result = streamText({
    model: chatModel(options.model, (tool) => {
      out.cutCall = tool;
    }),
    instructions: options.instructions ? `${CHAT_INSTRUCTIONS}\n\n${options.instructions}` : CHAT_INSTRUCTIONS,
    messages: [...history, { role: 'user', content: options.text }],
    tools,
    stopWhen: [isStepCount(TOOL_STEP_LIMIT), cutOffStep],
    // A call the model got wrong is explained to it in the words the user sees, not as the SDK's error dump.
    prepareStep: ({ steps, messages }) => {
      const plain = invalidCallResultsForModel(steps, messages);
      return plain ? { messages: plain } : undefined;
    },
    abortSignal: options.abortSignal,
    maxRetries: options.maxRetries,
    // Per model call, not per turn: a turn may plan, repair and answer. Waiting for headers is bounded by the provider's fetch.
    ...(options.timeoutMs ? { timeout: { firstChunkMs: options.timeoutMs, chunkMs: options.timeoutMs } } : {}),
    onError: () => undefined,
  });
  return consumeStream(result, out, options.abortSignal);
}

/**
 * The chat's view of the model: a refusal of tools fails at once (no retries), tool calls written as text become tool
 * calls, any answer with calls goes on to their results, and a call cut off mid-arguments (native, or written as text)
 * is dropped and named to `onCut`.
 */
function chatModel(model: LanguageModel, onCut: (tool: string) => void): LanguageModel {
  if (typeof model === 'string') return model;
  return wrapLanguageModel({ model: model as Parameters<typeof wrapLanguageModel>[0]['model'], middleware: [toolsRefusalMiddleware(), textToolCallMiddleware(onCut), toolCallFinishMiddleware(), cutToolCallMiddleware(onCut)] });
}

/** The plan under discussion: the newest proposal not yet decided on (among the last 200 messages). */
export async function latestProposal(conversation: Conversation): Promise<ProposedPlan | undefined> {
  return pendingProposal(await conversation.messages(200));
}
