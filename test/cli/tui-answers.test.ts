import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConversationStore } from '../../src/store/index.js';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { planReply, requestText } from '../helpers/fake-openai-server.js';

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

    // Reopened, the cut answer still says it was cut, under it, once; the whole one does not.
    const again = await harness.open(['--continue']);
    const reopened = await again.waitForScreen('Done explaining.');
    expect(reopened.match(/cut off at the model/g)).toHaveLength(1);
    expect(reopened).not.toContain('[Cut off');
    expect(reopened.indexOf('cut off at the model')).toBeGreaterThan(reopened.indexOf('first build the image, then'));
    expect(reopened.indexOf('cut off at the model')).toBeLessThan(reopened.indexOf('Done explaining.'));
    expect(await again.quit()).toMatchObject({ exitCode: 0 });
  });

  it('text, then a call cut off at the output limit mid-arguments: the notice names the call and the max-tokens hint, not "go on"', async (context) => {
    const harness = await chatHarnessFor(context);
    harness.server.enqueue({ text: 'Here is a plan for the shop.', toolCalls: [{ name: 'propose_plan', arguments: '{"goal":"deploy","steps":[{"id":"a","tool":"sh' }], finishReason: 'length' });
    const chat = await harness.open();
    await chat.send('deploy the shop');
    const screen = await chat.waitForScreen('then ask again');
    expect(screen).toContain('Here is a plan for the shop.');
    expect(screen.replace(/\s+/g, ' ')).toContain(
      `! The model's call of propose_plan was cut off at the model's output token limit (finish reason "length") before its arguments were complete, so it was not made; raise the model's max tokens on the server (Ollama: num_predict; vLLM, llama.cpp, LM Studio: max tokens) or turn its thinking off, then ask again.`,
    );
    expect(screen).not.toContain('go on');
    expect(harness.server.requests).toHaveLength(1);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });

    // Reopened, the answer says the same under it, once: the call named, not "go on".
    const again = await harness.open(['--continue']);
    const reopened = (await again.waitForScreen('then ask again')).replace(/\s+/g, ' ');
    expect(reopened).toContain(`Here is a plan for the shop. ! The model's call of propose_plan was cut off at the model's output token limit (finish reason "length") before its arguments were complete, so it was not made;`);
    expect(reopened.match(/call of propose_plan was cut off/g)).toHaveLength(1);
    expect(reopened).not.toContain('go on');
    expect(reopened).not.toContain('[Cut off');
    // The model reads the answer as text saying the call was not made: no call without its result.
    harness.server.enqueue({ text: 'Noted.' });
    await again.send('thanks');
    await again.waitForScreen('Noted.');
    const sent = harness.server.requests.at(-1)!.body.messages;
    expect(sent.filter((message) => message.role === 'assistant').map((message) => message.content)).toEqual([
      "Here is a plan for the shop.\n\n[Cut off at the model's output limit in its call of propose_plan, which was not made.]",
    ]);
    expect(sent.some((message) => message.tool_calls !== undefined || message.role === 'tool')).toBe(false);
    expect(await again.quit()).toMatchObject({ exitCode: 0 });
  });

  it('a long message in a narrow window wraps under its text, inside the window (no piece spilled to the next row)', async (context) => {
    const harness = await chatHarnessFor(context);
    harness.server.enqueue({ text: 'Noted.' });
    const chat = await harness.open([], { cols: 40 });
    // Typed as a paste and sent with Enter: the input line itself wraps, so send()'s check of it does not apply.
    chat.term.write('hello this is a plain user message that will certainly wrap across several lines of the transcript end');
    await chat.waitForScreen('transcript end');
    chat.press('enter');
    const screen = await chat.waitForScreen('Noted.');
    const lines = screen.split('\n');
    const first = lines.findIndex((line) => line.startsWith('› hello'));
    const message = lines.slice(first, lines.indexOf('', first));
    expect(message.length).toBeGreaterThan(2);
    for (const line of message.slice(1)) expect(line).toMatch(/^ {2}\S/);
    expect(message.map((line) => line.slice(2)).join(' ').replace(/\s+/g, ' ').trim()).toBe('hello this is a plain user message that will certainly wrap across several lines of the transcript end');
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

  it('a session with a corrupt messages file says what was set aside (naming the backup) and what was kept, and the agent gets only what was kept', async (context) => {
    const harness = await chatHarnessFor(context);
    const conversation = await new ConversationStore(harness.sandbox.home).create({ workspace: harness.sandbox.dir });
    // 200 messages fill the first file; the last 10 go in a second one.
    for (let i = 1; i <= 210; i++) conversation.append(i % 2 ? { kind: 'user', text: `question ${i}` } : { kind: 'assistant', text: `answer ${i}` });
    await conversation.close();
    const folder = path.join(harness.sandbox.home, 'conversations', conversation.id);
    writeFileSync(path.join(folder, 'messages-000001.json'), '{"version":1,"messages":[{"kind":"us');

    const chat = await harness.open(['--session', conversation.id]);
    const whole = (text: string) => text.replace(/\s+/g, ' ');
    const screen = whole(await chat.waitForScreen((text) => ['could not be read', 'answer 210', 'was unreadable ('].every((part) => whole(text).includes(part))));
    const [backup] = readdirSync(folder).filter((name) => name.startsWith('messages-000001.json.corrupt-'));
    expect(backup).toBeDefined();
    expect(screen).toContain(`Part of this session could not be read: messages-000001.json (kept as ${path.join(folder, backup!)}) was corrupt. Its 200 messages are not shown and the agent no longer knows them; 10 other messages are kept.`);
    expect(screen).not.toContain('knows the gist');
    expect(screen).toContain('answer 210');
    // The store's own warning is a notice in the transcript, whole, not a stderr line drawn over by the chat.
    expect(screen).toContain(`${path.join(folder, 'messages-000001.json')} was unreadable (`);
    expect(screen).not.toContain('ksa: warning:');

    harness.server.enqueue({ text: 'Noted.' });
    await chat.send('what did I ask?');
    await chat.waitForScreen('Noted.');
    const sent = requestText(harness.server.requests.at(-1)!);
    expect(sent).toContain('question 201');
    expect(sent).not.toContain('question 199');
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('a long session says how many messages are not shown and which of them the agent still reads', async (context) => {
    const harness = await chatHarnessFor(context);
    const conversation = await new ConversationStore(harness.sandbox.home).create({ workspace: harness.sandbox.dir });
    for (let i = 1; i <= 450; i++) conversation.append(i % 2 ? { kind: 'user', text: `question ${i}` } : { kind: 'assistant', text: `answer ${i}` });
    await conversation.close();
    const chat = await harness.open(['--session', conversation.id]);
    const screen = (await chat.waitForScreen('are not shown')).replace(/\s+/g, ' ');
    expect(screen).toContain('250 earlier messages of this session are not shown (the agent reads the last 400; the 50 before them are left out).');
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });
});
