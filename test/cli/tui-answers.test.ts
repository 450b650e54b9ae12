import { describe, expect, it } from 'vitest';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { planReply } from '../helpers/fake-openai-server.js';

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

  it('a proposed plan over the 20-step limit of generated plans says what applies in the chat, not --max-steps', async (context) => {
    const harness = await chatHarnessFor(context);
    const steps = Array.from({ length: 25 }, (_, i) => ({ id: `s${i}`, tool: 'shell', args: { command: `echo ${i}` } }));
    const tooBig = planReply({ goal: 'Do everything', steps });
    harness.server.enqueue({ toolCalls: [{ name: 'propose_plan', arguments: { goal: 'do everything' } }] }, tooBig, tooBig, tooBig, tooBig, { text: 'I could not make it smaller.' });
    const chat = await harness.open();
    await chat.send('do everything');
    const screen = (await chat.waitForScreen('I could not make it smaller.')).replace(/\s+/g, ' ');
    expect(screen).toContain('Planning failed: the model did not produce a valid plan after 4 attempts');
    expect(screen).toContain('steps: the plan has 25 steps; the limit is 20 (plans ksa writes are kept to 20 steps: merge small steps, or split the goal into parts; a longer plan in a file runs with ksa run <file> --max-steps <n>)');
    expect(screen).not.toContain('raise it with --max-steps');
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });
});
