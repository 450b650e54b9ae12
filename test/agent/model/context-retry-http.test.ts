import { APICallError, type ModelMessage } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createChatModel, planGoal, toModelError, trimMessages, withContextRetry, type ContextBudget, type ModelConfig } from '../../../src/agent/index.js';
import { tools, VALID_PLAN } from '../../helpers/agent-fixtures.js';
import { contentText, planReply, startFakeOpenAI, type FakeOpenAIServer, fakeModelConfig } from '../../helpers/fake-openai-server.js';

// A prompt larger than the model's context window: one retry with less history
// and short tool descriptions; a second failure says how to raise the window.

let server: FakeOpenAIServer;
let config: ModelConfig;
beforeAll(async () => {
  server = await startFakeOpenAI();
  config = fakeModelConfig(server);
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const TOO_LONG = {
  status: 400,
  error: { message: "This model's maximum context length is 4096 tokens. However, your messages resulted in 9000 tokens.", type: 'invalid_request_error', code: 'context_length_exceeded' },
} as const;

const HISTORY: ModelMessage[] = Array.from({ length: 30 }, (_, index) => ({ role: index % 2 ? 'assistant' : 'user', content: `message ${index} ${'x'.repeat(400)}` }) as ModelMessage);

describe('the planner on a small context window', () => {
  it('retries once with less history and short tool descriptions, and says so', async () => {
    server.enqueue(TOO_LONG, planReply(VALID_PLAN));
    let told = 0;
    const result = await planGoal('build', { model: createChatModel(config), tools, history: HISTORY, context: `Workspace facts ${'y'.repeat(5000)}`, maxRetries: 0, onContextRetry: () => told++ });
    expect(result.plan.goal).toBe(VALID_PLAN.goal);
    expect(told).toBe(1);
    const [first, second] = server.requests.map((request) => request.body.messages);
    expect(second!.length).toBeLessThan(first!.length);
    expect(JSON.stringify(second).length).toBeLessThan(JSON.stringify(first).length / 2);
    expect(contentText(second![0]!)).toContain('- shell(command, cwd?, env?):');
    expect(contentText(second!.at(-1)!)).toContain('Goal: build');
  });

  it('still too long: one line that says how to raise the window', async () => {
    server.setFallback(TOO_LONG);
    const error = await planGoal('build', { model: createChatModel(config), tools, maxRetries: 0 }).catch((caught: unknown) => caught);
    expect(server.requests).toHaveLength(2);
    const message = toModelError(error, config).message;
    expect(message).toBe(
      `${server.baseURL}: the prompt does not fit the context window of "fake-model" (400: This model's maximum context length is 4096 tokens. However, your messages resulted in 9000 tokens.); give the model a larger context window (Ollama: OLLAMA_CONTEXT_LENGTH=16384 ollama serve, or PARAMETER num_ctx 16384 in a Modelfile; llama.cpp: --ctx-size; vLLM: --max-model-len; LM Studio: the model's context length setting)`,
    );
  });
});

describe('withContextRetry', () => {
  const contextError = new APICallError({ message: 'Bad Request', url: 'http://x/v1/chat/completions', requestBodyValues: {}, statusCode: 400, responseBody: JSON.stringify({ error: { message: 'the request exceeds the available context size, try increasing it', type: 'exceed_context_size_error' } }) });

  it('calls again once, with a quarter of the history budget and trimmed tools', async () => {
    const budgets: ContextBudget[] = [];
    const result = await withContextRetry(
      async (budget) => {
        budgets.push(budget);
        if (!budget.retried) throw contextError;
        return 'ok';
      },
      { historyTokens: 8000 },
    );
    expect(result).toBe('ok');
    expect(budgets).toEqual([
      { historyTokens: 8000, trimTools: false, retried: false },
      { historyTokens: 2000, trimTools: true, retried: true },
    ]);
  });

  it('other errors and a second context error are thrown as they are', async () => {
    const other = new Error('boom');
    await expect(withContextRetry(async () => Promise.reject(other))).rejects.toBe(other);
    let calls = 0;
    await expect(withContextRetry(async () => (calls++, Promise.reject(contextError)))).rejects.toBe(contextError);
    expect(calls).toBe(2);
  });

  it('trimMessages keeps the newest messages within the budget, starting with a user message', () => {
    const trimmed = trimMessages(HISTORY, 500);
    expect(trimmed.length).toBeGreaterThan(0);
    expect(trimmed.length).toBeLessThan(6);
    expect(trimmed.at(-1)).toBe(HISTORY.at(-1));
    expect(trimmed[0]!.role).toBe('user');
  });
});
