import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { streamText } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createChatModel, loadModelConfig, toModelError, type ModelConfig } from '../../src/agent/index.js';
import { startFakeOpenAI, type FakeOpenAIServer } from '../helpers/fake-openai-server.js';

// KSA_MODEL_TIMEOUT_MS bounds silence, not slowness: over real HTTP, a slow
// answer that keeps streaming outlives the timeout, one that stops does not.

let server: FakeOpenAIServer;
let home: string;
beforeAll(async () => {
  server = await startFakeOpenAI();
  home = await mkdtemp(path.join(tmpdir(), 'ksa-stream-timeout-'));
});
afterAll(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});
beforeEach(() => server.reset());

async function configWith(timeoutMs: number): Promise<ModelConfig> {
  return loadModelConfig({ OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: 'sk-fake-stream', KSA_MODEL: 'fake-model', KSA_MODEL_TIMEOUT_MS: String(timeoutMs) }, home);
}

async function streamAll(config: ModelConfig): Promise<string> {
  const result = streamText({ model: createChatModel(config), prompt: 'write slowly', maxRetries: 0, onError: () => {} });
  let text = '';
  for await (const part of result.fullStream) {
    if (part.type === 'text-delta') text += part.text;
    if (part.type === 'error') throw part.error;
  }
  return text;
}

describe('the model timeout over a streamed answer', () => {
  it('a slow answer that keeps coming is not cut: it takes longer than the timeout in all', async () => {
    const text = 'one two three four five six seven eight nine ten eleven twelve';
    server.enqueue({ text, chunkSize: 5, chunkDelayMs: 150 });
    const started = Date.now();
    expect(await streamAll(await configWith(1000))).toBe(text);
    expect(Date.now() - started).toBeGreaterThan(1000);
  });

  it('an answer that stops for longer than the timeout is cut, as a timeout naming the endpoint', async () => {
    server.enqueue({ text: 'this stalls between every chunk', chunkSize: 10, chunkDelayMs: 2500 });
    const config = await configWith(1000);
    const error = await streamAll(config).then(
      () => undefined,
      (thrown: unknown) => toModelError(thrown, config),
    );
    expect(error?.reason).toBe('timeout');
    expect(error?.message).toBe(`the model at ${server.baseURL} stopped answering mid-answer (nothing for 1000 ms); try again, or raise KSA_MODEL_TIMEOUT_MS`);
  });

  it('an answer that keeps coming past 5× the timeout is cut, said as such (not "did not answer in time")', async () => {
    server.enqueue({ text: 'loop '.repeat(40), chunkSize: 5, chunkDelayMs: 300 });
    const config = await configWith(1000);
    const error = await streamAll(config).then(
      () => undefined,
      (thrown: unknown) => toModelError(thrown, config),
    );
    expect(error?.reason).toBe('timeout');
    expect(error?.message).toBe(`the model at ${server.baseURL} was still answering after 5000 ms (5× KSA_MODEL_TIMEOUT_MS); it may be caught in a loop: try again, or raise KSA_MODEL_TIMEOUT_MS`);
  });
});
