import { isStepCount, streamText, type LanguageModel } from 'ai';
import type { Conversation, RunStore } from '../store/index.js';
import type { Policy } from '../policy/rules/index.js';
import type { ToolRegistry } from '../tools/index.js';
import { createAgentTools, type ProposedPlan } from './agent-tools.js';
import { buildContext, DEFAULT_CONTEXT_TOKENS } from './memory.js';
import { CHAT_INSTRUCTIONS } from './prompts.js';
import { pendingProposal, planMessage } from './session-history.js';

/** What a turn reports as it goes, for a terminal to draw. */
export type TurnEvent =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'tool-call'; readonly tool: string; readonly input: unknown }
  | { readonly type: 'tool-result'; readonly tool: string; readonly output: unknown; readonly isError: boolean }
  | { readonly type: 'plan'; readonly proposal: ProposedPlan }
  | { readonly type: 'repairing'; readonly attempt: number; readonly problems: readonly string[] };

export type ChatTurnOptions = {
  readonly model: LanguageModel;
  readonly tools: ToolRegistry;
  readonly runs: RunStore;
  readonly conversation: Conversation;
  /** The workspace facts for the planner. */
  readonly context: string;
  readonly text: string;
  readonly abortSignal?: AbortSignal;
  readonly onEvent?: (event: TurnEvent) => void;
  readonly cancelOwnRun?: (runId: string) => boolean;
  readonly maxRepairs?: number;
  readonly contextTokens?: number;
  readonly timeoutMs?: number;
  readonly maxRetries?: number;
  /** The permission policy the planner must respect. */
  readonly policy?: Policy;
};

export type ChatTurnResult = {
  readonly text: string;
  /** The last plan proposed or revised in this turn, waiting for the user's decision. */
  readonly proposal?: ProposedPlan;
  readonly totalTokens: number;
  readonly aborted: boolean;
};

/**
 * One turn of the conversation: the user's message, a streamed answer, and
 * any agent tool calls. Everything said is stored in the conversation.
 */
export async function runChatTurn(options: ChatTurnOptions): Promise<ChatTurnResult> {
  const { conversation } = options;
  const earlier = await conversation.messages(400);
  const history = buildContext(earlier, options.contextTokens ?? DEFAULT_CONTEXT_TOKENS);
  conversation.append({ kind: 'user', text: options.text });

  let proposal: ProposedPlan | undefined = pendingProposal(earlier.slice(-200));
  let turnProposal: ProposedPlan | undefined;
  let planCount = 0;
  const tools = createAgentTools({
    planner: { model: options.model, tools: options.tools, context: options.context, history, maxRepairs: options.maxRepairs, timeoutMs: options.timeoutMs, maxRetries: options.maxRetries, policy: options.policy, onRepair: (attempt, problems) => options.onEvent?.({ type: 'repairing', attempt, problems }) },
    runs: options.runs,
    currentPlan: () => proposal,
    onPlan: (next) => {
      proposal = next;
      turnProposal = next;
      conversation.append(planMessage(next));
      options.onEvent?.({ type: 'plan', proposal: next });
    },
    cancelOwnRun: options.cancelOwnRun,
    newPlanId: () => `p${conversation.info.messageCount + 1}-${++planCount}`,
    abortSignal: options.abortSignal,
  });

  let text = '';
  // The part of the answer not stored yet: text before a tool call is its own message, so order and paragraphs survive.
  let unsaved = '';
  const saveText = () => {
    if (unsaved.trim()) conversation.append({ kind: 'assistant', text: unsaved });
    unsaved = '';
  };
  let totalTokens = 0;
  let aborted = false;
  let failure: unknown;
  const result = streamText({
    model: options.model,
    instructions: CHAT_INSTRUCTIONS,
    messages: [...history, { role: 'user', content: options.text }],
    tools,
    stopWhen: isStepCount(6),
    abortSignal: options.abortSignal,
    maxRetries: options.maxRetries,
    // Per model call, not per turn: a turn may plan, repair and answer. Waiting for headers is bounded by the provider's fetch.
    ...(options.timeoutMs ? { timeout: { firstChunkMs: options.timeoutMs, chunkMs: options.timeoutMs } } : {}),
    onError: ({ error }) => {
      failure ??= error;
    },
  });

  for await (const part of result.stream) {
    switch (part.type) {
      case 'text-delta':
        text += part.text;
        unsaved += part.text;
        options.onEvent?.({ type: 'text', text: part.text });
        break;
      case 'tool-call':
        saveText();
        if (text && !text.endsWith('\n\n')) text += '\n\n';
        conversation.append({ kind: 'tool_call', toolCallId: part.toolCallId, tool: part.toolName, input: part.input });
        options.onEvent?.({ type: 'tool-call', tool: part.toolName, input: part.input });
        break;
      case 'tool-result':
        conversation.append({ kind: 'tool_result', toolCallId: part.toolCallId, tool: part.toolName, output: part.output });
        options.onEvent?.({ type: 'tool-result', tool: part.toolName, output: part.output, isError: false });
        break;
      case 'tool-error': {
        const message = part.error instanceof Error ? part.error.message : String(part.error);
        conversation.append({ kind: 'tool_result', toolCallId: part.toolCallId, tool: part.toolName, output: { error: message }, isError: true });
        options.onEvent?.({ type: 'tool-result', tool: part.toolName, output: { error: message }, isError: true });
        break;
      }
      case 'finish':
        totalTokens += part.totalUsage.totalTokens ?? 0;
        break;
      case 'abort':
        // The SDK's own timeouts end the stream with 'abort' too: only the user's signal is an interruption.
        if (options.abortSignal?.aborted) aborted = true;
        else failure ??= new DOMException(part.reason ?? 'the model stopped answering', 'TimeoutError');
        break;
      case 'error':
        failure ??= part.error;
        break;
    }
  }
  saveText();
  text = text.trimEnd();
  if (options.abortSignal?.aborted) aborted = true;
  if (failure !== undefined && !aborted) throw failure;
  return { text, proposal: turnProposal, totalTokens, aborted };
}

/** The plan under discussion: the newest proposal not yet decided on (among the last 200 messages). */
export async function latestProposal(conversation: Conversation): Promise<ProposedPlan | undefined> {
  return pendingProposal(await conversation.messages(200));
}
