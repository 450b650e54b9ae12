import { describe, expect, it } from 'vitest';
import { chatHarnessFor } from '../helpers/chat-pty.js';

// `ksa chat` in a pseudo-terminal: what the chat says around the model's answers.

describe.concurrent('ksa chat: around the answers', () => {
  it('an answer cut off at the output limit (finish reason "length") gets a notice under it saying so and how to go on', async (context) => {
    const harness = await chatHarnessFor(context);
    harness.server.enqueue({ text: 'The three steps are: first build the image, then', finishReason: 'length' });
    const chat = await harness.open();
    await chat.send('explain the deploy');
    const screen = await chat.waitForScreen("cut off at the model's output limit");
    expect(screen).toContain('first build the image, then');
    expect(screen).toContain('! The answer was cut off at the model\'s output limit; say "go on" for the rest.\n');
    expect(screen.indexOf('cut off at the model')).toBeGreaterThan(screen.indexOf('first build the image, then'));

    // A complete answer has no such notice.
    harness.server.enqueue({ text: 'Done explaining.' });
    await chat.send('thanks');
    const after = await chat.waitForScreen('Done explaining.');
    expect(after.match(/cut off at the model/g)).toHaveLength(1);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });
});
