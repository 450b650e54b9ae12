import { describe, expect, it } from 'vitest';
import { createChatModel, runChatTurn, toModelError } from '../../src/agent/index.js';
import { RunStore } from '../../src/store/index.js';
import { tools } from '../helpers/agent-fixtures.js';
import { useChatHttpRig } from '../helpers/chat-http-rig.js';
import type { FakeReply } from '../helpers/fake-openai-server.js';

// Streamed completions as real OpenAI-compatible servers send them, over real HTTP:
// what the SDK would not read is repaired at the wire, or fails in one line that says why.

const rig = useChatHttpRig('ksa-stream-repair-');

function chat(text: string) {
  return runChatTurn({ model: createChatModel(rig.config), tools, runs: new RunStore(rig.home), conversation: rig.conversation, context: 'Workspace: /srv/shop', text, maxRetries: 0 });
}

const sse = (events: readonly unknown[], end = 'data: [DONE]\n\n'): FakeReply => ({
  rawBody: `${events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join('')}${end}`,
  headers: { 'content-type': 'text/event-stream' },
});
const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'fake-model', choices: [{ index: 0, delta, finish_reason: finish }] });

describe('streamed completions repaired at the wire', () => {
  it('tool-call deltas without an index (Gemini, SGLang) are two calls, told apart by id', async () => {
    rig.server.enqueue(
      sse([
        chunk({ role: 'assistant', content: null }),
        chunk({ tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'list_runs', arguments: '' } }] }),
        chunk({ tool_calls: [{ function: { arguments: '{}' } }] }),
        chunk({ tool_calls: [{ id: 'call_b', type: 'function', function: { name: 'get_run_status', arguments: '{"runId":"x"}' } }] }),
        chunk({}, 'tool_calls'),
      ]),
      { text: 'No runs yet.' },
    );
    const result = await chat('what runs were there?');
    expect(result.text).toBe('No runs yet.');
    const toolMessages = rig.server.requests[1]!.body.messages.filter((message) => message.role === 'tool');
    expect(toolMessages.map((message) => message.tool_call_id)).toEqual(['call_a', 'call_b']);
  });

  it('a 400 for stream_options (Azure, one-api proxies) is asked again without them', async () => {
    rig.server.setFallback((request) =>
      request.body.stream_options !== undefined ? { status: 400, error: { message: 'Unrecognized request argument supplied: stream_options' } } : { text: 'Hello.' },
    );
    const result = await chat('hi');
    expect(result.text).toBe('Hello.');
    expect(rig.server.requests.map((request) => request.body.stream_options !== undefined)).toEqual([true, false]);
    expect(rig.server.requests[1]!.body.stream).toBe(true);
  });

  it('a server that ignores stream: true and sends one JSON completion is read as the stream it stands for', async () => {
    const completion = { id: 'c2', object: 'chat.completion', created: 1, model: 'fake-model', choices: [{ index: 0, message: { role: 'assistant', content: 'Which app should I deploy?' }, finish_reason: 'stop' }] };
    rig.server.enqueue({ rawBody: JSON.stringify(completion), headers: { 'content-type': 'application/json' } });
    expect((await chat('hello')).text).toBe('Which app should I deploy?');
  });

  it('a stream closed with neither a finish reason nor [DONE] fails as cut off, not as a whole answer', async () => {
    rig.server.enqueue(sse([chunk({ role: 'assistant', content: '' }), chunk({ content: 'To deploy ./app I will first run npm ci, then start the serv' })], ''));
    const error = await chat('deploy ./app').catch((caught: unknown) => caught);
    expect(toModelError(error, rig.config).message).toBe(`${rig.server.baseURL}: the answer stream ended mid-answer (no finish reason and no [DONE]): the connection was closed before the model finished; try again`);
  });

  it('a stream with a finish reason but no [DONE] is whole', async () => {
    rig.server.enqueue(sse([chunk({ role: 'assistant', content: 'Done.' }), chunk({}, 'stop')], ''));
    expect((await chat('hi')).text).toBe('Done.');
  });

  it("a proxy's HTML page with 200 fails with the page's title, not as an empty answer", async () => {
    rig.server.enqueue({ rawBody: '<!DOCTYPE html><html><head><title>Corporate proxy: sign in required</title></head><body><h1>Please sign in</h1></body></html>' });
    const error = await chat('hello').catch((caught: unknown) => caught);
    expect(toModelError(error, rig.config).message).toMatch(/sent an answer ksa could not read \(200: Corporate proxy: sign in required\)/);
  });
});
