import { existsSync } from 'node:fs';
import path from 'node:path';
import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { json } from '../helpers/agent-fixtures.js';
import { markerPlan, REFLECTION } from '../helpers/chat-script.js';
import { lastUserPrompt, promptText } from '../helpers/mock-model.js';
import { chatModel, renderChatApp } from '../helpers/tui-app.js';

// The chat app with a model without tool calling, and with a reasoning model:
// the switch is said once (a notice, the status line, /model), a plan is
// still proposed, approved and run; reasoning shows as "thinking…", its text
// behind /think.

const tail = (frame: string, n: number) => frame.split('\n').slice(-n).join('\n');
const flat = (text: string) => text.replace(/\s+/g, ' ');
const occurrencesOf = (text: string, needle: string) => text.split(needle).length - 1;
const noTools = () =>
  new APICallError({
    message: 'registry.ollama.ai/library/gemma3:4b does not support tools',
    url: 'http://127.0.0.1:9/v1/chat/completions',
    requestBodyValues: {},
    statusCode: 400,
    responseBody: '{"error":{"message":"registry.ollama.ai/library/gemma3:4b does not support tools","type":"api_error"}}',
    isRetryable: false,
  });

describe('the chat without tool calling', () => {
  it('the 400 switches once: a notice, "no tools" in the status line, /model; a plan is proposed, approved and run', async (context) => {
    const model = chatModel(
      [
        () => {
          throw noTools();
        },
        { text: 'Run finished: all four steps succeeded.' },
      ],
      [json({ action: 'propose', goal: 'deploy the marker app' }), json(markerPlan(8080)), json(REFLECTION), json({ action: 'status' })],
    );
    const app = await renderChatApp(context, { model });
    await app.send('deploy the marker app');
    let frame = await app.waitFor('run? [y/n/e]');
    expect(flat(frame)).toContain('mock-model at http://127.0.0.1:9/v1 cannot call tools (400: registry.ollama.ai/library/gemma3:4b does not support tools)');
    expect(frame).toContain('Plan: Deploy the marker app');
    expect(tail(frame, 1)).toMatch(/plan waiting for approval · \d+ tokens · mock-model · no tools$/);
    // The route call offered no tools and was asked for a route.
    expect(model.doStreamCalls[0]!.tools?.length).toBe(6);
    expect(model.doGenerateCalls[0]!.tools).toBeUndefined();
    expect(model.doGenerateCalls[0]!.responseFormat).toMatchObject({ type: 'json', name: 'route' });

    await app.send('y');
    frame = await app.waitForText('Reflection on run run-1');
    expect(existsSync(path.join(app.workspace, 'marker-serve-8080'))).toBe(true);

    // A question about the run: routed to get_run_status, answered by a plain streamed call (no tools).
    await app.send("what's the status?");
    frame = await app.waitFor('Run finished: all four steps succeeded.');
    expect(frame).toContain('get_run_status: run run-1: succeeded');
    expect(model.doStreamCalls[1]!.tools).toBeUndefined();
    expect(lastUserPrompt(model.doStreamCalls[1]!)).toContain('[ksa looked this up: get_run_status returned');
    // Said once.
    expect(occurrencesOf(flat(frame), 'cannot call tools')).toBe(1);

    await app.send('/model');
    await app.waitForText('Chat mode: no tools — 400: registry.ollama.ai/library/gemma3:4b does not support tools; ksa routes each message');
  });
});

describe('reasoning in the chat app', () => {
  it('"thinking…" while reasoning streams, the answer without it; /think shows the reasoning; it is never sent back', async (context) => {
    const model = chatModel([
      { reasoning: 'The user wants to know about pods. I will explain two ways.', text: 'Restart them with `kubectl rollout restart`.', chunkDelayMs: 20 },
      { text: '<think>Second question, short answer.</think>Yes.', chunkDelayMs: 5 },
    ]);
    const app = await renderChatApp(context, { model });
    await app.send('how do I restart pods?');
    const thinking = await app.waitFor((frame) => /thinking… \(\/think shows the reasoning · Esc to interrupt\)/.test(tail(frame, 4)));
    expect(thinking).not.toContain('I will explain two ways');
    let frame = await app.waitFor(/ready · \d+ tokens/);
    expect(frame).toContain('Restart them with `kubectl rollout restart`.');
    expect(frame).not.toContain('The user wants to know');

    await app.send('/think');
    frame = await app.waitForText('thought: The user wants to know about pods. I will explain two ways.');
    await app.send('and now?');
    frame = await app.waitFor((f) => f.includes('Yes.') && /ready · \d+ tokens/.test(tail(f, 1)));
    expect(frame).toContain('thought: Second question, short answer.');
    expect(frame).not.toContain('<think>');
    const sent = promptText(model.doStreamCalls[1]!);
    expect(sent).toContain('Restart them with');
    expect(sent).not.toContain('I will explain two ways');
  });

  it('with /think on, the reasoning of each model call in a turn is its own entry, not run together', async (context) => {
    const model = chatModel([
      { reasoning: 'First I look at the runs.', toolCalls: [{ name: 'list_runs', input: {} }] },
      { reasoning: 'There are none, say so.', text: 'No runs yet.' },
    ]);
    const app = await renderChatApp(context, { model });
    await app.send('/think');
    await app.send('any runs?');
    const frame = await app.waitFor((f) => f.includes('No runs yet.') && /ready · \d+ tokens/.test(tail(f, 1)));
    expect(frame).toContain('thought: First I look at the runs.');
    expect(frame).toContain('thought: There are none, say so.');
    expect(frame).not.toContain('runs.There are none');
  });
});
