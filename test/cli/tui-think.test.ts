import { describe, expect, it } from 'vitest';
import { chatHarnessFor } from '../helpers/chat-pty.js';

// A chat template that opens <think> in the prompt: the answer streams its reasoning first and only
// closes the tag. The chat shows the answer after it, and keeps nothing of the reasoning as the answer.

describe.concurrent('ksa chat: reasoning closed by a lone </think>', () => {
  it('is taken out of the answer once the tag arrives: the transcript has the answer only', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open([], { cols: 100, rows: 30 });
    harness.server.enqueue({ text: 'Let me think about the port REASONING-WORDS</think>\n\nThe shop runs on port 8080.', chunkSize: 6, chunkDelayMs: 10 });
    await chat.send('where does the shop run?');
    await chat.waitForScreen(/The shop runs on port 8080\./, 20_000);
    await chat.waitForBottom(/ · ready · /, 2, 20_000);
    const screen = await chat.screen();
    expect(screen).not.toContain('REASONING-WORDS');
    expect(screen).not.toContain('</think>');
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });
});
