import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { streamText } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { createChatModel } from '../../../src/agent/index.js';

// A reasoning model thinks for a minute before it answers. Its reasoning, streamed in
// `reasoning_content` (DeepSeek, vLLM) or `reasoning` (Ollama), must reach the chat as it comes:
// the server here sends the reasoning, then holds the answer back until the client has shown
// the first piece of it (or, should it never, until a fallback timer gives up and says so).

type Held = { server: Server; url: string; releasedBy: Promise<'client' | 'timer'>; release: () => void };

const PIECES = ['The user ', 'wants a plan', '; first check the port.'];

async function holdingServer(field: 'reasoning_content' | 'reasoning', after: 'text' | 'tool', pieces: readonly string[] = PIECES): Promise<Held> {
  let release!: (by: 'client' | 'timer') => void;
  const releasedBy = new Promise<'client' | 'timer'>((resolve) => (release = resolve));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk({ role: 'assistant', content: '' }));
      for (const piece of pieces) res.write(chunk({ [field]: piece }));
      const timer = setTimeout(() => release('timer'), 10_000);
      await releasedBy;
      clearTimeout(timer);
      if (after === 'text') {
        res.write(chunk({ content: 'Here ', [field]: null }));
        res.write(chunk({ content: 'it is.' }));
        res.write(chunk({}, 'stop'));
      } else {
        res.write(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"port"}' } }] }));
        res.write(chunk({}, 'tool_calls'));
      }
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/v1`, releasedBy, release: () => release('client') };
}

let held: Held | undefined;
afterEach(async () => {
  if (!held) return;
  held.release();
  const { server } = held;
  await new Promise((resolve) => server.close(resolve));
  held = undefined;
});

describe.each(['reasoning_content', 'reasoning'] as const)('reasoning streamed in %s', (field) => {
  it('arrives before the answer does, and the answer is without it', async () => {
    held = await holdingServer(field, 'text');
    const model = createChatModel({ baseURL: held.url, apiKey: 'x', model: 'm', sources: { baseURL: 'test', model: 'test' }, timeoutMs: 30_000, maxRetries: 0 });
    const result = streamText({ model, prompt: 'q', maxRetries: 0 });
    let reasoning = '';
    let text = '';
    for await (const part of result.stream) {
      if (part.type === 'reasoning-delta') {
        reasoning += part.text;
        held.release();
      }
      if (part.type === 'text-delta') text += part.text;
    }
    expect(await held.releasedBy).toBe('client');
    expect(reasoning).toBe('The user wants a plan; first check the port.');
    expect(text).toBe('Here it is.');
  });

  it('tags in the reasoning, even split across chunks, neither end it nor reach the answer', async () => {
    const pieces = ['Asked about tags: </thi', 'nk> ends a block, <think> starts one, </thinking> too', '; and \uE001 is just text.'];
    held = await holdingServer(field, 'text', pieces);
    const model = createChatModel({ baseURL: held.url, apiKey: 'x', model: 'm', sources: { baseURL: 'test', model: 'test' }, timeoutMs: 30_000, maxRetries: 0 });
    const result = streamText({ model, prompt: 'q', maxRetries: 0 });
    let reasoning = '';
    for await (const part of result.stream) {
      if (part.type === 'reasoning-delta') {
        reasoning += part.text;
        held.release();
      }
    }
    expect(await result.text).toBe('Here it is.');
    expect(reasoning).toBe('Asked about tags: </think> ends a block, <think> starts one, </thinking> too; and \uE001 is just text.');
  });

  it('a tool call after the reasoning ends it; no text is made of it', async () => {
    held = await holdingServer(field, 'tool');
    const model = createChatModel({ baseURL: held.url, apiKey: 'x', model: 'm', sources: { baseURL: 'test', model: 'test' }, timeoutMs: 30_000, maxRetries: 0 });
    const { tool, jsonSchema } = await import('ai');
    const result = streamText({ model, prompt: 'q', maxRetries: 0, tools: { lookup: tool({ inputSchema: jsonSchema({ type: 'object' }) }) } });
    const kinds: string[] = [];
    for await (const part of result.stream) {
      if (part.type === 'reasoning-delta') held.release();
      if (kinds.at(-1) !== part.type) kinds.push(part.type);
    }
    expect(await held.releasedBy).toBe('client');
    expect(kinds.filter((kind) => kind.startsWith('reasoning') || kind.startsWith('text') || kind === 'tool-call')).toEqual(['reasoning-start', 'reasoning-delta', 'reasoning-end', 'tool-call']);
    expect((await result.toolCalls).map((call) => call.input)).toEqual([{ q: 'port' }]);
  });
});

describe('private-use characters in an answer (an icon font\'s glyphs)', () => {
  it('stay in the answer, with or without reasoning beside it', async () => {
    const { startFakeOpenAI, fakeModelConfig } = await import('../../helpers/fake-openai-server.js');
    const server = await startFakeOpenAI();
    try {
      const model = createChatModel(fakeModelConfig(server));
      server.enqueue({ text: 'Status \uE000 ok, \uE001 done.' }, { text: 'Status \uE000 ok, \uE001 done.', reasoning: { field: 'reasoning_content', text: 'r \uE000 r' } });
      for (const reasoning of ['', 'r \uE000 r']) {
        const result = streamText({ model, prompt: 'q', maxRetries: 0 });
        expect(await result.text).toBe('Status \uE000 ok, \uE001 done.');
        expect((await result.reasoningText) ?? '').toBe(reasoning);
      }
    } finally {
      await server.close();
    }
  });
});
