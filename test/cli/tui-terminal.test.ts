import { describe, expect, it } from 'vitest';
import { ConversationStore } from '../../src/store/index.js';
import { agentCliFor } from '../helpers/agent-cli.js';
import { chatHarnessFor, occurrences } from '../helpers/chat-pty.js';
import { markerPlan, proposal } from '../helpers/chat-script.js';
import { describeResult } from '../helpers/cli.js';
import { colourSequences } from '../helpers/pty.js';

// The terminal around the chat: no TTY (or CI) means no TUI, exit 2; NO_COLOR;
// resizing; choosing the session to open.

const until = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.concurrent('ksa chat and its terminal', () => {
  it('without a terminal, ksa chat (and bare ksa) point to ksa ask / ksa run and exit 2', async (context) => {
    const cli = await agentCliFor(context);
    for (const args of [['chat'], []]) {
      const result = await cli.ksa(args);
      expect(result.code, describeResult(result)).toBe(2);
      expect(result.stderr).toBe('ksa: ksa chat needs an interactive terminal. Without one, use ksa ask "<message>" for one chat turn, or ksa run <plan> for a plan file.\n');
      expect(result.stdout).toBe('');
    }
    expect(cli.server.requests).toHaveLength(0);
  });

  it('in a terminal but with CI set, the chat does not start (exit 2)', async (context) => {
    const harness = await chatHarnessFor(context);
    const { spawnKsaPty } = await import('../helpers/pty.js');
    const term = spawnKsaPty(['chat'], { cwd: harness.sandbox.dir, home: harness.sandbox.home, env: { ...harness.env, CI: 'true' } });
    context.onTestFinished(() => term.dispose());
    expect(await term.exited).toMatchObject({ exitCode: 2 });
    expect(await term.screen()).toContain('ksa chat needs an interactive terminal');
  });

  it('plain ksa in a terminal opens the chat', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.openWith([]);
    expect(await chat.screen()).toContain('KubeStack AI');
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('NO_COLOR=1: header, messages, plan card and status line carry no colour', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open([], { env: { NO_COLOR: '1' } });
    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy');
    await chat.waitForScreen('run? [y/n/e]');
    // The input placeholder is the one known exception (see the next test).
    const raw = chat.term.raw().replace(/\u001b\[90m[^\u001b]*\u001b\[39m/g, '');
    expect(colourSequences(raw)).toEqual([]);
  });

  it('NO_COLOR=1: no colour escape codes anywhere, input line included', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open([], { env: { NO_COLOR: '1' } });
    expect(colourSequences(chat.term.raw())).toEqual([]);
  });

  it('without NO_COLOR the same screens are coloured (so the check above means something)', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open([], { env: { NO_COLOR: undefined } });
    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy');
    await chat.waitForScreen('run? [y/n/e]');
    expect(colourSequences(chat.term.raw()).length).toBeGreaterThan(0);
  });

  it('resizing redraws the live area at the new width, once, with the typed text kept', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open([], { cols: 100, rows: 30 });
    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy the marker app');
    await chat.waitForScreen('run? [y/n/e]');
    await chat.type('half typed');
    for (const [cols, rows] of [[60, 30], [120, 24], [80, 40]] as const) {
      chat.term.resize(cols, rows);
      const card = `╭${'─'.repeat(cols - 2)}╮`;
      const screen = await chat.waitForScreen((s) => s.includes(card) && s.split('\n').slice(-3).some((line) => line.includes('half typed')), 5000);
      // One live frame: one status line and one input line in the whole buffer, the card at the new width.
      expect(occurrences(screen, /plan waiting for approval · \d+ to/), `${cols}x${rows}`).toBe(1);
      expect(occurrences(screen, 'run? [y/n/e] half typed'), `${cols}x${rows}`).toBe(1);
      await until(100);
    }
    chat.press('enter');
    await chat.waitForScreen('half typed');
  });

  it('after shrinking the window no torn pieces of the old frame are visible', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open([], { cols: 100, rows: 30 });
    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy the marker app');
    await chat.waitForScreen('run? [y/n/e]');
    chat.term.resize(60, 30);
    await chat.waitForScreen(`╭${'─'.repeat(58)}╮`, 5000);
    await until(200);
    const torn = (await chat.term.viewport()).filter((line) => (line.startsWith('│') && !line.trimEnd().endsWith('│')) || /^\s+│$/.test(line));
    expect(torn).toEqual([]);
  });

  it('--session <id> reopens that session; an unknown id and --continue with --session are usage errors', async (context) => {
    const harness = await chatHarnessFor(context);
    const first = await harness.open();
    harness.server.enqueue({ text: 'Noted: first session.' });
    await first.send('remember the first session');
    const id = /session (\S+) · ready/.exec(await first.waitForScreen(/Noted: first session\.[^]*session \S+ · ready/))![1]!;
    expect(await first.quit()).toMatchObject({ exitCode: 0 });
    // A newer session, so --continue would not open the first one.
    await (await new ConversationStore(harness.sandbox.home).create({ workspace: harness.sandbox.dir })).close();

    const reopened = await harness.open(['--session', id]);
    // The history is drawn right after the first frame (header, input, status line).
    const screen = await reopened.waitForScreen('Noted: first session.');
    expect(screen).toContain(`session ${id} (continued)`);
    expect(screen).toContain('› remember the first session');
    expect(screen).toContain('Noted: first session.');
    expect(await reopened.quit()).toMatchObject({ exitCode: 0 });

    const cli = { ksa: (args: string[]) => import('../helpers/pty.js').then(({ spawnKsaPty }) => spawnKsaPty(['chat', ...args], { cwd: harness.sandbox.dir, home: harness.sandbox.home, env: harness.env })) };
    for (const [args, message] of [
      [['--session', 'nope'], 'ksa: no session "nope"'],
      [['--continue', '--session', id], 'ksa: --continue and --session cannot be used together'],
      // Not a new session opened unasked.
      [['--session', ''], 'ksa: --session needs a session id or a unique prefix of one'],
      // Both sessions were made today: the date alone names neither.
      [['--session', id.slice(0, 9)], `ksa: "${id.slice(0, 9)}" matches 2 sessions (`],
    ] as const) {
      const term = await cli.ksa([...args]);
      context.onTestFinished(() => term.dispose());
      expect(await term.exited).toMatchObject({ exitCode: 2 });
      expect(await term.screen()).toContain(message);
    }
  });
});
