import type { ModelMessage } from 'ai';
import { isContextLengthError } from './error-kinds.js';

/** What a call may send: the first try sends everything; the retry after a context-length 400 sends less. */
export type ContextBudget = {
  /** Tokens of conversation history to keep (roughly four characters a token). */
  readonly historyTokens: number;
  /** Offer only the tools this turn needs, with short descriptions. */
  readonly trimTools: boolean;
  /** True on the retry. */
  readonly retried: boolean;
};

export const DEFAULT_HISTORY_TOKENS = 6_000;
/** The retry keeps a quarter of the history budget. */
export const RETRY_HISTORY_FACTOR = 0.25;

/**
 * Runs `call` once with the full budget; if the server answers that the prompt
 * does not fit its context window (OpenAI's `context_length_exceeded` shape and
 * the wordings of llama.cpp, vLLM, LM Studio), runs it once more with a smaller
 * history and trimmed tools. `onRetry` is the place to tell the user how to
 * raise the window (CONTEXT_HINT). A second failure is thrown as it is.
 */
export async function withContextRetry<T>(
  call: (budget: ContextBudget) => Promise<T>,
  { historyTokens = DEFAULT_HISTORY_TOKENS, onRetry }: { historyTokens?: number; onRetry?: (budget: ContextBudget, error: unknown) => void } = {},
): Promise<T> {
  try {
    return await call({ historyTokens, trimTools: false, retried: false });
  } catch (error) {
    if (!isContextLengthError(error)) throw error;
    const smaller: ContextBudget = { historyTokens: Math.max(200, Math.floor(historyTokens * RETRY_HISTORY_FACTOR)), trimTools: true, retried: true };
    onRetry?.(smaller, error);
    return call(smaller);
  }
}

/**
 * The newest messages that fit `budgetTokens`, oldest first; the last message
 * (the request itself) is always kept, shortened if it alone is too long.
 */
export function trimMessages(messages: readonly ModelMessage[], budgetTokens: number): ModelMessage[] {
  if (messages.length === 0) return [];
  const out: ModelMessage[] = [];
  let used = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    const cost = tokensOf(message);
    if (out.length > 0 && used + cost > budgetTokens) break;
    used += cost;
    out.unshift(message);
  }
  // A conversation sent to the model starts with the user.
  while (out.length > 1 && out[0]!.role !== 'user') out.shift();
  const last = out.at(-1)!;
  if (out.length === 1 && typeof last.content === 'string' && tokensOf(last) > budgetTokens * 2) {
    out[0] = { ...last, content: `${last.content.slice(0, budgetTokens * 8)}\n[…cut to fit the model's context window]` } as ModelMessage;
  }
  return out;
}

function tokensOf(message: ModelMessage): number {
  const text = typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
  return Math.ceil(text.length / 4);
}
