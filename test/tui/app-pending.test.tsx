import { describe, expect, it, vi } from 'vitest';
import { ConversationStore } from '../../src/store/index.js';
import { eventually } from '../helpers/cli.js';
import { chatModel, renderChatApp } from '../helpers/tui-app.js';

// ksa chat draws its first frame before the model SDK, the workspace scan and the session's history are loaded
// (a PendingSession); the app then switches to the real session. Nothing typed meanwhile may be lost.

function gate(): { readonly promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const settle = (ms = 100) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the chat before its engine is loaded', () => {
  it('draws the header, the input and the status line at once; a message sent meanwhile is answered once the session is ready', async (context) => {
    const engine = gate();
    const model = chatModel([{ text: 'Hello from the model.' }]);
    const app = await renderChatApp(context, { model, gate: engine.promise });
    const first = await app.waitFor('· ready ·');
    expect(first).toContain('KubeStack AI');
    expect(first).toContain('› say what to deploy, or ask');

    await app.send('hi there');
    await settle();
    expect(model.doStreamCalls).toHaveLength(0);
    expect(app.frame()).not.toContain('Hello from the model.');

    engine.open();
    const answered = await app.waitFor('Hello from the model.');
    expect(answered).toContain('› hi there');
    expect(model.doStreamCalls).toHaveLength(1);
    expect(answered.match(/KubeStack AI/g)).toHaveLength(1);
    await app.waitFor((frame) => frame.trimEnd().split('\n').at(-1)!.includes('· ready ·'));
  });

  it("a reopened session's history is drawn once the session is ready, under the one header", async (context) => {
    const engine = gate();
    const app = await renderChatApp(context, {
      model: chatModel(),
      gate: engine.promise,
      history: [
        { kind: 'user', text: 'deploy the shop' },
        { kind: 'assistant', text: 'The shop is deployed.' },
      ],
    });
    await app.waitFor('· ready ·');
    await settle();
    expect(app.frame()).not.toContain('deploy the shop');

    engine.open();
    const frame = await app.waitFor('The shop is deployed.');
    expect(frame).toContain('› deploy the shop');
    expect(frame.match(/KubeStack AI/g)).toHaveLength(1);
    expect(frame.indexOf('KubeStack AI')).toBeLessThan(frame.indexOf('› deploy the shop'));
  });

  it("Up recalls the reopened session's messages once it is ready, newest first, after this process's own", async (context) => {
    const engine = gate();
    const app = await renderChatApp(context, {
      model: chatModel([{ text: 'Sure.' }]),
      gate: engine.promise,
      history: [
        { kind: 'user', text: 'deploy the shop' },
        { kind: 'assistant', text: 'The shop is deployed.' },
        { kind: 'user', text: 'use port 9090' },
        { kind: 'assistant', text: 'Done.' },
      ],
    });
    const inputLine = () => app.frame().trimEnd().split('\n').at(-2)!;
    await app.waitFor('· ready ·');
    engine.open();
    await app.waitFor('Done.');
    await app.press('up');
    await vi.waitFor(() => expect(inputLine()).toMatch(/^› use port 9090\s*$/));
    await app.press('up');
    await vi.waitFor(() => expect(inputLine()).toMatch(/^› deploy the shop\s*$/));
    await app.press('up');
    expect(inputLine()).toMatch(/^› deploy the shop\s*$/);
    await app.press('down');
    await app.press('down');
    await vi.waitFor(() => expect(inputLine()).toMatch(/^› say what to deploy/));

    await app.send('and the blog');
    await app.waitFor('Sure.');
    await app.press('up');
    await vi.waitFor(() => expect(inputLine()).toMatch(/^› and the blog\s*$/));
    await app.press('up');
    await vi.waitFor(() => expect(inputLine()).toMatch(/^› use port 9090\s*$/));
  });

  it('Ctrl-C twice before the session is ready quits once it is, and the session is saved', async (context) => {
    const engine = gate();
    const app = await renderChatApp(context, { model: chatModel(), gate: engine.promise });
    await app.waitFor('· ready ·');
    await app.press('ctrlC');
    await app.press('ctrlC');
    await app.waitFor('saving the session');
    engine.open();
    const conversation = await eventually(() => new ConversationStore(app.home).open(app.session.deps.conversation.id), 5000);
    expect(conversation.id).toBe(app.session.deps.conversation.id);
    await conversation.close();
  });
});
