import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ConversationStore, type NewMessage } from '../../src/store/index.js';
import { json } from '../helpers/agent-fixtures.js';
import { markerPlan, REFLECTION } from '../helpers/chat-script.js';
import { eventually } from '../helpers/cli.js';
import { lastUserPrompt } from '../helpers/mock-model.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';

// Keys: Esc stops the answer at once (or a revision), Ctrl-C twice quits and
// saves the session, and what a user types is never lost or misread.

const WORDS = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
const propose = { text: 'Planning.', toolCalls: [{ name: 'propose_plan', input: { goal: 'deploy' } }] };
const tail = (frame: string, n: number) => frame.split('\n').slice(-n).join('\n');

/** The stored messages of the app's session, once its lock is released (the session was closed). */
async function storedAfterClose(app: ChatApp) {
  const store = new ConversationStore(app.home);
  const conversation = await eventually(() => store.open(app.session.deps.conversation.id), 5000);
  const messages = await conversation.messages();
  await conversation.close();
  return messages;
}

describe('Esc', () => {
  it('stops a streaming answer at once: the part shown stays, "Interrupted." follows, the next message works', async (context) => {
    const model = chatModel([{ text: WORDS, chunkDelayMs: 25 }, { text: 'Second answer.' }]);
    const app = await renderChatApp(context, { model });
    await app.send('tell me everything');
    await app.waitFor('word3 ');
    const shown = /word\d+/g;
    // "At once" counted in words streamed, not in milliseconds (a loaded machine slows both alike).
    const atPress = app.frame().match(shown)!.length;
    await app.press('esc');
    const frame = await app.waitFor('Interrupted.');
    const before = frame.match(shown)!.length;
    expect(before - atPress).toBeLessThanOrEqual(5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.frame().match(shown)!.length).toBe(before);
    expect(before).toBeLessThan(60);
    expect(tail(app.frame(), 1)).toContain('· ready ·');
    await app.send('and now?');
    await app.waitFor('Second answer.');
  });

  it('an interrupted answer is stored marked as interrupted: the next request and the reopened session say where it stopped', async (context) => {
    const model = chatModel([{ text: WORDS, chunkDelayMs: 25 }, { text: 'Second answer.' }]);
    const app = await renderChatApp(context, { model });
    await app.send('tell me everything');
    await app.waitFor('word3 ');
    await app.press('esc');
    await app.waitFor('Interrupted.', 1000);
    const answers = async () => (await app.session.deps.conversation.messages()).filter((message) => message.kind === 'assistant').map((message) => (message as { text: string }).text);
    const [stored] = await answers();
    expect(stored).toMatch(/^word0 word1 word2 word3 [\s\S]*\n\n\[Interrupted\.\]$/);
    const said = stored!.slice(0, -'\n\n[Interrupted.]'.length);
    expect(said.split(' ').length).toBeLessThan(60);

    await app.send('and now?');
    await app.waitFor('Second answer.');
    const sent = model.doStreamCalls[1]!.prompt.filter((message) => message.role === 'assistant');
    expect(JSON.stringify(sent)).toContain(JSON.stringify(stored));
    await vi.waitFor(async () => expect((await answers())[1]).toBe('Second answer.'));

    // Reopened, the answer shows as it did: the part said, then "Interrupted." under it, and no mark in the text.
    const reopened = await renderChatApp(context, { model: chatModel(), history: (await app.session.deps.conversation.messages()).map(({ id: _id, ts: _ts, ...message }) => message as NewMessage) });
    const frame = await reopened.waitFor('Second answer.');
    expect(frame).not.toContain('[Interrupted.]');
    expect(frame.indexOf('Interrupted.')).toBeGreaterThan(frame.lastIndexOf(said.split(' ').at(-1)!));
    expect(frame.indexOf('Interrupted.')).toBeLessThan(frame.indexOf('› and now?'));
  });

  it('an answer stopped while the model still reasoned is stored as interrupted too: the question is not left unanswered', async (context) => {
    const model = chatModel([{ reasoning: WORDS, text: 'never said', chunkDelayMs: 25 }, { text: 'Second answer.' }]);
    const app = await renderChatApp(context, { model });
    await app.send('think first');
    await app.waitFor('thinking…');
    await app.press('esc');
    await app.waitFor('Interrupted.', 1000);
    const stored = (await app.session.deps.conversation.messages()).filter((message) => message.kind === 'assistant').map((message) => (message as { text: string }).text);
    expect(stored).toEqual(['[Interrupted.]']);
    await app.send('and now?');
    await app.waitFor('Second answer.');
    const sent = model.doStreamCalls[1]!.prompt.filter((message) => message.role === 'assistant');
    expect(JSON.stringify(sent)).toContain('[Interrupted.]');
    await vi.waitFor(async () => expect((await app.session.deps.conversation.messages()).at(-1)).toMatchObject({ kind: 'assistant', text: 'Second answer.' }));
    const reopened = await renderChatApp(context, { model: chatModel(), history: (await app.session.deps.conversation.messages()).map(({ id: _id, ts: _ts, ...message }) => message as NewMessage) });
    const frame = await reopened.waitFor('Second answer.');
    expect(frame).not.toContain('[Interrupted.]');
    expect(frame.indexOf('Interrupted.')).toBeGreaterThan(frame.indexOf('› think first'));
    expect(frame.indexOf('Interrupted.')).toBeLessThan(frame.indexOf('› and now?'));
  });

  it('stops a revision: the plan is unchanged and still waits for a decision', async (context) => {
    const model = chatModel([propose, { text: 'Ready.' }], [
      json(markerPlan()),
      (options) => new Promise((_, reject) => options.abortSignal?.addEventListener('abort', () => reject(options.abortSignal?.reason))),
    ]);
    const app = await renderChatApp(context, { model });
    await app.send('deploy');
    await app.waitFor('run? [y/n/e]');
    await app.send('use port 9090');
    await app.waitFor('revising the plan…');
    await app.press('esc');
    const frame = await app.waitFor('Interrupted; the plan is unchanged.');
    expect(tail(frame, 2)).toContain('run? [y/n/e]');
    expect(frame).toContain('shell: echo serving on 8080');
  });
});

describe('Ctrl-C', () => {
  it('once shows how to quit; twice quits and the session is saved', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([{ text: 'Hello there.' }]) });
    await app.send('hi');
    await app.waitFor('Hello there.');
    await app.press('ctrlC');
    await app.waitFor('Press Ctrl-C again to quit.');
    await app.press('ctrlC');
    const messages = await storedAfterClose(app);
    expect(messages.map((message) => message.kind)).toEqual(['user', 'assistant']);
  });

  it('twice during a run: the run is cancelled and rolled back before the app quits', async (context) => {
    const plan = {
      goal: 'Gate',
      steps: [
        { id: 'first', tool: 'shell', args: { command: 'touch marker-first' }, rollback: { tool: 'shell', args: { command: 'rm -f marker-first' } } },
        { id: 'wait', tool: 'shell', args: { command: 'echo waiting; sleep 30' }, dependsOn: ['first'] },
      ],
    };
    const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], [json(plan), json(REFLECTION)]) });
    await app.send('deploy');
    await app.waitFor('run? [y/n/e]');
    await app.send('y');
    await app.waitFor(/─ wait running .*│ waiting/, 10_000);
    await app.press('ctrlC');
    await app.waitFor('Press Ctrl-C again to quit (the running plan is cancelled and rolled back first).');
    await app.press('ctrlC');
    const messages = await storedAfterClose(app);
    expect(existsSync(path.join(app.workspace, 'marker-first'))).toBe(false);
    expect(messages.find((message) => message.kind === 'run')).toMatchObject({ status: 'cancelled' });
    expect((await app.runs.read('run-1')).state.status).toBe('cancelled');
  });

  it('the hint disappears when the quit window has passed', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await app.press('ctrlC');
      await app.waitFor('Press Ctrl-C again to quit.');
      vi.setSystemTime(Date.now() + 3500);
      await app.typeKeys('x');
      expect(app.frame()).not.toContain('Press Ctrl-C again to quit.');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('what the user types', () => {
  it('a message sent while the agent answers is not silently dropped', async (context) => {
    const app = await renderChatApp(context, { model: chatModel([{ text: WORDS, chunkDelayMs: 8 }, { text: 'Queued answer.' }]) });
    await app.send('first question');
    await app.waitFor('word2 ');
    await app.send('second question');
    await app.waitFor((frame) => tail(frame, 1).includes('· ready ·'));
    const frame = app.frame();
    const visible = frame.includes('› second question') || tail(frame, 3).includes('second question') || /wait|busy|still answering/i.test(tail(frame, 4));
    expect(visible).toBe(true);
  });

  it('a revision request starting with e, n or y is typed, not taken as a key', async (context) => {
    const model = chatModel([propose, { text: 'Ready.' }], [json(markerPlan()), json(markerPlan(9090))]);
    const root = await mkdtemp(path.join(tmpdir(), 'ksa-editor-'));
    context.onTestFinished(() => rm(root, { recursive: true, force: true }));
    const editor = path.join(root, 'editor.sh');
    await writeFile(editor, `#!/bin/sh\ntouch "${root}/opened"\n`);
    await chmod(editor, 0o755);
    const app = await renderChatApp(context, { model, env: { EDITOR: editor } });
    await app.send('deploy');
    await app.waitFor('run? [y/n/e]');
    await app.typeKeys('expose port 9090');
    await app.press('enter');
    await app.waitFor('What changed:', 3000).catch(() => undefined);
    expect(existsSync(path.join(root, 'opened'))).toBe(false);
    expect(lastUserPrompt(model.doGenerateCalls.at(-1)!)).toContain('Revise it as the user asks: "expose port 9090"');
  });

  // The same bug at its worst: "yes, but use port 9090" runs the plan on its first key.
  it('"yes, but use port 9090" does not run the plan', async (context) => {
    const model = chatModel([propose, { text: 'Ready.' }], [json(markerPlan()), json(markerPlan(9090)), json(REFLECTION)]);
    const app = await renderChatApp(context, { model });
    await app.send('deploy');
    await app.waitFor('run? [y/n/e]');
    await app.typeKeys('yes, but use port 9090');
    await app.press('enter');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(existsSync(path.join(app.home, 'runs'))).toBe(false);
    expect(existsSync(path.join(app.workspace, 'marker-prepare'))).toBe(false);
  });
});
