import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createChatModel, createQueryModel, loadModelConfig, ModelError, planGoal, toModelError, type ModelConfig } from '../../src/agent/index.js';
import { tools, VALID_PLAN } from '../helpers/agent-fixtures.js';
import { freePort } from '../helpers/cli.js';
import { planReply, startFakeOpenAI, type FakeOpenAIServer } from '../helpers/fake-openai-server.js';

// Real HTTP failures (status codes with OpenAI-style bodies, a server that
// hangs, a port nobody listens on) become ModelErrors naming the endpoint.

let server: FakeOpenAIServer;
let home: string;
let config: ModelConfig;
beforeAll(async () => {
  server = await startFakeOpenAI();
  home = await mkdtemp(path.join(tmpdir(), 'ksa-errors-http-'));
  config = await loadModelConfig({ OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'sk-fake-errors', KSA_MODEL: 'fake-model' }, home);
});
afterAll(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});
beforeEach(() => server.reset());

/** Plans with `config` and returns the error mapped as the CLI maps it. */
async function planFailure(options: { maxRetries?: number; timeoutMs?: number; config?: ModelConfig } = {}): Promise<ModelError> {
  const used = options.config ?? config;
  const error = await planGoal('deploy', { model: createChatModel(used), tools, maxRetries: options.maxRetries ?? 0, timeoutMs: options.timeoutMs }).then(
    () => {
      throw new Error('expected the call to fail');
    },
    (caught: unknown) => caught,
  );
  return toModelError(error, used);
}

// The SDK honours retry-after-ms: retries take milliseconds instead of 2 s + 4 s.
const FAST_RETRY = { 'retry-after-ms': '1' };

describe('model errors over HTTP', () => {
  it('401: refused key, not retried', async () => {
    server.setFallback({ status: 401, error: { message: 'Incorrect API key provided: sk-fake***.', code: 'invalid_api_key' } });
    const error = await planFailure({ maxRetries: 2 });
    expect(error.reason).toBe('unauthorized');
    expect(error.message).toBe(`${server.baseURL} refused the API key (401: Incorrect API key provided: sk-fake***.); check OPENAI_API_KEY`);
    expect(server.requests).toHaveLength(1);
  });

  it('404: unknown model, named, with what to set', async () => {
    server.setFallback({ status: 404, error: { message: 'The model `fake-model` does not exist or you do not have access to it.', code: 'model_not_found' } });
    const error = await planFailure({ maxRetries: 2 });
    expect(error.reason).toBe('unknown_model');
    expect(error.message).toContain(`${server.baseURL} does not know model "fake-model" (404: The model \`fake-model\` does not exist`);
    expect(error.message).toContain('set KSA_MODEL to a model it serves');
    expect(server.requests).toHaveLength(1);
  });

  it('500 after retries: every attempt counted', async () => {
    server.setFallback({ status: 500, error: { message: 'The server had an error while processing your request.', type: 'server_error' }, headers: FAST_RETRY });
    const error = await planFailure({ maxRetries: 2 });
    expect(error.reason).toBe('server_error');
    expect(error.message).toBe(`${server.baseURL} failed with 500 after 3 attempts: The server had an error while processing your request.; try again later`);
    expect(server.requests).toHaveLength(3);
  });

  it('429 after retries: rate limited', async () => {
    server.setFallback({ status: 429, error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' }, headers: FAST_RETRY });
    const error = await planFailure({ maxRetries: 1 });
    expect(error.reason).toBe('rate_limited');
    expect(error.message).toBe(`${server.baseURL} is rate limiting requests (429) after 2 attempts: Rate limit reached for requests; wait and try again`);
  });

  it('a 503 that recovers: the retry succeeds and nothing is reported', async () => {
    server.enqueue({ status: 503, error: 'overloaded', headers: FAST_RETRY }, planReply(VALID_PLAN));
    const result = await planGoal('deploy', { model: createChatModel(config), tools, maxRetries: 2 });
    expect(result.attempts).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it('a server that never answers: a timeout after timeoutMs, naming the endpoint', async () => {
    // The server never answers: only the timeout can end the call (else the test times out).
    server.setFallback({ hang: true });
    const error = await planFailure({ timeoutMs: 300, maxRetries: 2 });
    expect(error.reason).toBe('timeout');
    expect(error.message).toBe(`the model at ${server.baseURL} did not answer in time; a local model may still be loading: try again, or raise KSA_MODEL_TIMEOUT_MS`);
  });

  it('nothing listening: connection refused, and where the URL was set', async () => {
    const port = await freePort();
    const refused = await loadModelConfig({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, KSA_MODEL: 'fake-model' }, home);
    const error = await planFailure({ config: refused, maxRetries: 0 });
    expect(error.reason).toBe('unreachable');
    expect(error.message).toBe(`cannot reach the model endpoint http://127.0.0.1:${port}/v1 (connection refused); is the server running? It is set by OPENAI_BASE_URL`);
  });

  it('nothing listening, with retries: the attempts are counted', async () => {
    const port = await freePort();
    const refused = await loadModelConfig({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1` }, home);
    // No retry-after header here: the SDK waits 2 s before its one retry.
    const error = await planFailure({ config: refused, maxRetries: 1 });
    expect(error.message).toBe(`cannot reach the model endpoint http://127.0.0.1:${port}/v1 after 2 attempts (connection refused); is the server running? It is set by OPENAI_BASE_URL`);
  });
});

describe('llm_query steps over HTTP (createQueryModel)', () => {
  const ask = (prompt: string, signal = new AbortController().signal) => createQueryModel(createChatModel(config), { ...config, maxRetries: 0 })({ prompt, stepId: 'summary', signal });

  it('the prompt goes to the same endpoint; the answer text is the result', async () => {
    server.enqueue({ text: 'The build is green; 42 tests passed.' });
    expect(await ask('Summarise: 42 passed')).toBe('The build is green; 42 tests passed.');
    const [request] = server.requests;
    expect(request!.headers.authorization).toBe('Bearer sk-fake-errors');
    expect(request!.body.response_format).toBeUndefined();
    expect(request!.body.messages.at(-1)).toEqual({ role: 'user', content: 'Summarise: 42 passed' });
    expect(JSON.stringify(request!.body.messages[0])).toContain('You answer a question asked by one step of an automated deploy plan');
  });

  it('a failure is a ModelError naming the endpoint', async () => {
    server.setFallback({ status: 404, error: 'model not found' });
    const error = await ask('x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toContain(`${server.baseURL} does not know model "fake-model"`);
  });

  it('an abort (the step’s timeout or a cancel) is passed on as the signal’s reason', async () => {
    server.setFallback({ hang: true });
    const controller = new AbortController();
    const reason = new Error('step timed out after 200 ms');
    setTimeout(() => controller.abort(reason), 200);
    await expect(ask('x', controller.signal)).rejects.toBe(reason);
  });
});
