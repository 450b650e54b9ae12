import { describe, expect, it } from 'vitest';
import { ConversationStore } from '../../src/store/index.js';
import { chatHarnessFor } from '../helpers/chat-pty.js';

// Slash commands in `ksa chat` (a pseudo-terminal) that take an argument, and /clear's redraw.

describe.concurrent('ksa chat: slash commands with an argument', () => {
  it('/model <name> says it takes no argument and how to change the model; /model alone shows it', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open();
    await chat.send('/model gpt-4o');
    const screen = await chat.waitForScreen('/model takes no argument');
    expect(screen).toContain('/model takes no argument: it shows the model in use (fake-model). To use gpt-4o, set KSA_MODEL=gpt-4o');
    expect(screen).toContain('ksa model list shows what the endpoint serves.');
    await chat.send('/model');
    expect(await chat.waitForScreen('Model fake-model (from KSA_MODEL)')).toContain(`at ${harness.server.baseURL}`);
    expect(harness.server.requests).toHaveLength(0);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('/approve read: the status line shows the new mode, and the header printed above says nothing that is no longer true', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open();
    const start = await chat.screen();
    expect(start).toContain('approval mode ask unless the status line says otherwise · /approve ask|read|write changes it');
    expect(start).not.toContain('· approve ');
    await chat.send('/approve read');
    const screen = await chat.waitForScreen(/ · ready · approve read · /);
    expect(screen).toContain('Approval mode read: plans whose steps only read');
    // The header is printed once and stays; it still holds: the status line says otherwise.
    expect(screen).toContain('approval mode ask unless the status line says otherwise');
    expect(screen).not.toMatch(/approval mode ask ·/);
    await chat.send('/approve ask');
    await chat.waitForScreen((text) => text.includes('Approval mode ask: every plan waits') && !text.includes('· approve read'));
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('/clear empties the screen and draws the input and status lines again at once, with no key pressed', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open();
    await chat.send('/help');
    await chat.waitForScreen('Commands: /help');
    // In one write, as tmux send-keys or a fast typist sends it: the frame for the emptied input is drawn before the clear.
    chat.term.write('/clear\r');
    // No key after /clear: the transcript is gone, and the input line and the status line are there all the same.
    const drawn = await chat.waitForScreen((text) => !text.includes('Commands: /help') && /^› /m.test(text) && / · ready · /.test(text), 5000);
    expect(drawn).not.toContain('workspace ');
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('/sessions <prefix> that matches several sessions lists them and asks for more of the id', async (context) => {
    const harness = await chatHarnessFor(context);
    const store = new ConversationStore(harness.sandbox.home);
    const ids: string[] = [];
    for (const title of ['first', 'second']) {
      const conversation = await store.create({ workspace: harness.sandbox.dir });
      conversation.append({ kind: 'user', text: `the ${title} session` });
      ids.push(conversation.id);
      await conversation.close();
    }
    const chat = await harness.open();
    const prefix = ids[0]!.slice(0, 9);
    await chat.send(`/sessions ${prefix}`);
    const screen = await chat.waitForScreen('type more of the id');
    expect(screen).toMatch(new RegExp(`"${prefix}" matches [23] sessions; type more of the id, e\\.g\\. /sessions ${prefix}\\S+:`));
    for (const id of ids) expect(screen).toContain(id);
    // Still in the session it started in.
    expect(screen).not.toContain('(continued)');
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });
});
