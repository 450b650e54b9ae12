import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatHarnessFor, occurrences } from '../helpers/chat-pty.js';
import { markerPlan, reflectionReply } from '../helpers/chat-script.js';
import { planReply } from '../helpers/fake-openai-server.js';

// `ksa chat` in a pseudo-terminal against servers that answer like the ones
// people run locally: no tool calling (Ollama's 400), and a reasoning model
// that writes <think> before its answer.

describe.concurrent('ksa chat with local model servers', () => {
  it('a model without tools: the switch is said once and shown in the status line; the plan still needs approval and runs', async (context) => {
    const harness = await chatHarnessFor(context);
    const { server } = harness;
    const chat = await harness.open();
    server.enqueue(
      { status: 400, error: { message: 'registry.ollama.ai/library/gemma3:4b does not support tools', type: 'api_error' } },
      { text: JSON.stringify({ action: 'propose', goal: 'deploy the marker app' }) },
      planReply(markerPlan(8080)),
    );
    await chat.send('deploy the marker app');
    let screen = await chat.waitForScreen('run? [y/n/e]');
    expect(screen).toContain('cannot call tools (400: registry.ollama.ai/library/gemma3:4b does not support');
    expect(screen).toContain('Plan: Deploy the marker app');
    await chat.waitForBottom(/plan waiting for approval · .* · fake-model · no tools/, 1);
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-serve-8080'))).toBe(false);

    server.enqueue(reflectionReply());
    await chat.send('y');
    screen = await chat.waitForScreen('Reflection on run');
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-serve-8080'))).toBe(true);

    await chat.send('/model');
    screen = await chat.waitForScreen('Chat mode: no tools');
    expect(occurrences(screen, 'cannot call tools')).toBe(1);
    // Every request after the refusal went without tools.
    expect(server.requests.slice(1).every((request) => !request.body.tools)).toBe(true);
    await chat.quit();
  });

  it('a reasoning model: "thinking…" while it reasons, then the answer alone; /think shows what it thought', async (context) => {
    const harness = await chatHarnessFor(context);
    const { server } = harness;
    const chat = await harness.open();
    const reasoning = 'The user asks how to restart pods. Two options exist; rollout restart is the safe one.';
    server.enqueue({ text: `<think>${reasoning}</think>\nUse \`kubectl rollout restart deployment/web\`.`, chunkSize: 4, chunkDelayMs: 40 });
    await chat.send('how do I restart the web pods?');
    const thinking = await chat.waitForScreen(/thinking… \(\/think shows the reasoning/);
    expect(thinking).not.toContain('rollout restart is the safe one');
    let screen = await chat.waitForScreen(/· ready · /, 20_000);
    expect(screen).toContain('Use `kubectl rollout restart deployment/web`.');
    expect(screen).not.toContain('<think>');
    expect(screen).not.toContain('Two options exist');

    await chat.send('/think');
    screen = await chat.waitForScreen('thought: The user asks how to restart pods.');
    await chat.quit();
  });
});
