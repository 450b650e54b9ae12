import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createChatModel, planGoal, type ModelConfig } from '../../../src/agent/index.js';
import { tools, VALID_PLAN } from '../../helpers/agent-fixtures.js';
import { startFakeOpenAI, type FakeOpenAIServer, type FakeReply, fakeModelConfig } from '../../helpers/fake-openai-server.js';

// Over real HTTP through @ai-sdk/openai's chat model: reasoning in <think> tags
// or in reasoning_content / reasoning fields comes out as reasoning, never as
// the answer, for generated and streamed answers alike.

let server: FakeOpenAIServer;
let config: ModelConfig;
beforeAll(async () => {
  server = await startFakeOpenAI();
  config = fakeModelConfig(server);
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const REASONING = 'The user wants {x}; maybe {"goal": "no"} first';

const FORMS: [string, FakeReply][] = [
  ['<think> in content', { text: `<think>${REASONING}</think>\n\nThe answer.`, chunkSize: 3 }],
  ['<thinking> in content', { text: `<thinking>${REASONING}</thinking>The answer.`, chunkSize: 4 }],
  ['reasoning_content field', { text: 'The answer.', reasoning: { field: 'reasoning_content', text: REASONING } }],
  ['reasoning field (Ollama)', { text: 'The answer.', reasoning: { field: 'reasoning', text: REASONING } }],
];

describe.each(FORMS)('%s', (_name, reply) => {
  it('generateText: the text is the answer, the reasoning is reasoningText', async () => {
    server.enqueue(reply);
    const result = await generateText({ model: createChatModel(config), prompt: 'q', maxRetries: 0 });
    expect(result.text).toBe('The answer.');
    expect(result.reasoningText).toBe(REASONING);
  });

  it('streamText: reasoning parts first, then text deltas without it', async () => {
    server.enqueue(reply);
    const result = streamText({ model: createChatModel(config), prompt: 'q', maxRetries: 0 });
    const kinds: string[] = [];
    let text = '';
    let reasoning = '';
    for await (const part of result.stream) {
      if (part.type === 'text-delta') text += part.text;
      if (part.type === 'reasoning-delta') reasoning += part.text;
      if (part.type.startsWith('reasoning') || part.type === 'text-delta') if (kinds.at(-1) !== part.type) kinds.push(part.type);
    }
    expect(text).toBe('The answer.');
    expect(reasoning).toBe(REASONING);
    expect(kinds).toEqual(['reasoning-start', 'reasoning-delta', 'reasoning-end', 'text-delta']);
  });
});

it('raw chunks asked for by the caller still come through', async () => {
  server.enqueue({ text: 'hi', reasoning: { field: 'reasoning', text: 'r' } });
  const result = streamText({ model: createChatModel(config), prompt: 'q', maxRetries: 0, includeRawChunks: true });
  let raw = 0;
  for await (const part of result.stream) if (part.type === 'raw') raw++;
  expect(raw).toBeGreaterThan(2);
});

it('the planner: braces in the reasoning never reach JSON extraction', async () => {
  server.enqueue({ text: `<think>{"goal": "wrong", "steps": [}</think>${JSON.stringify(VALID_PLAN)}`, reasoning: { field: 'reasoning_content', text: '{ unbalanced' } });
  const result = await planGoal('build', { model: createChatModel(config), tools, maxRetries: 0 });
  expect(result.attempts).toBe(1);
  expect(result.plan.goal).toBe(VALID_PLAN.goal);
});

it('llm_query steps: the step output is the answer, without the reasoning', async () => {
  const { createQueryModel } = await import('../../../src/agent/index.js');
  server.enqueue({ text: '<think>Count the tests {42}.</think>\n42 tests passed.' });
  const ask = createQueryModel(createChatModel(config), config);
  expect(await ask({ prompt: 'How many tests passed?', stepId: 'count', signal: new AbortController().signal })).toBe('42 tests passed.');
});

it('in a tool loop, the reasoning is not sent back to the model', async () => {
  const { isStepCount, tool } = await import('ai');
  const { z } = await import('zod');
  server.enqueue({ text: '<think>SECRET-REASONING {</think>Checking.', toolCalls: [{ name: 'echo', arguments: { text: 'x' } }], reasoning: { field: 'reasoning_content', text: 'FIELD-REASONING' } }, { text: 'Done.' });
  const result = streamText({
    model: createChatModel(config),
    prompt: 'q',
    maxRetries: 0,
    stopWhen: isStepCount(3),
    tools: { echo: tool({ inputSchema: z.object({ text: z.string() }), execute: async ({ text }) => text }) },
  });
  expect(await result.text).toBe('Done.');
  const second = JSON.stringify(server.requests[1]!.body.messages);
  expect(second).toContain('Checking.');
  expect(second).not.toContain('SECRET-REASONING');
  expect(second).not.toContain('FIELD-REASONING');
});
