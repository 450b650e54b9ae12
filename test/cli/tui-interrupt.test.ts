import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { describeResult, eventually, runKsa } from '../helpers/cli.js';
import { chatHarnessFor, chatTerminal, KEYS, occurrences, type ChatHarness } from '../helpers/chat-pty.js';
import { proposal, reflectionReply } from '../helpers/chat-script.js';
import { startPacedProxy } from '../helpers/paced-proxy.js';
import { spawnKsaPty } from '../helpers/pty.js';

// Esc and Ctrl-C in a real terminal: Esc stops a streaming answer at once (the
// HTTP stream is closed), and asks before cancelling a run; Ctrl-C twice
// quits, cancelling a run and saving the session first.

/** A chat whose approved run has finished `first` (which its rollback undoes) and waits in `wait` until a file named go exists. */
async function gatedRunStarted(context: TestContext, options: { readonly newSessionFirst?: boolean } = {}) {
  const harness = await chatHarnessFor(context);
  const plan = {
    goal: 'Deploy behind a gate',
    steps: [
      { id: 'first', tool: 'shell', args: { command: 'touch marker-first' }, rollback: { tool: 'shell', args: { command: 'rm -f marker-first' } } },
      { id: 'wait', tool: 'shell', args: { command: 'echo waiting; while [ ! -f go ]; do sleep 0.05; done' }, dependsOn: ['first'] },
    ],
  };
  const chat = await harness.open();
  if (options.newSessionFirst) {
    const sessionOf = (screen: string) => /session (\S+) · ready/.exec(screen.split('\n').slice(-3).join('\n'))?.[1];
    const first = sessionOf(await chat.waitForBottom(/session \S+ · ready/, 3));
    await chat.send('/new');
    await chat.waitForScreen((screen) => sessionOf(screen) !== undefined && sessionOf(screen) !== first);
  }
  harness.server.enqueue(...proposal('deploy', plan));
  await chat.send('deploy behind the gate');
  await chat.waitForScreen('run? [y/n/e]');
  await chat.send('y');
  await chat.waitForScreen(/─ wait running .*│ waiting/, 10_000);
  return { harness, chat };
}

/** The gated run's first step was rolled back and run.json records the run cancelled; the gate is opened. */
async function expectCancelledAndRolledBack(harness: ChatHarness): Promise<void> {
  expect(existsSync(path.join(harness.sandbox.dir, 'marker-first'))).toBe(false);
  const runs = path.join(harness.sandbox.home, 'runs');
  const [runId] = readdirSync(runs).filter((name) => /^\d/.test(name));
  expect(JSON.parse(readFileSync(path.join(runs, runId!, 'run.json'), 'utf8')).state.status).toBe('cancelled');
  await writeFile(path.join(harness.sandbox.dir, 'go'), '');
}

const WORDS = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');

describe.concurrent('ksa chat: interrupting', () => {
  it('Esc during a streaming answer stops it at once; "Interrupted." shows; the next message works', async (context) => {
    const harness = await chatHarnessFor(context);
    const proxy = await startPacedProxy(harness.server.baseURL);
    context.onTestFinished(() => proxy.close());
    const chat = await harness.open([], { env: { OPENAI_BASE_URL: proxy.baseURL } });
    // 4 characters an SSE event; after 8 events (about 7 words) the answer is held open: it never ends by itself,
    // so only Esc can end it, however slow the machine.
    proxy.paceNext(50, { holdAfter: 8 });
    harness.server.enqueue({ text: WORDS, chunkSize: 4 });
    await chat.send('tell me a long story');
    await chat.waitForScreen('w3 ');
    chat.press('esc');
    let screen = await chat.waitForScreen('Interrupted.', 10_000);
    const shown = occurrences(screen, /\bw\d+\b/);
    expect(shown).toBeLessThan(40);
    // The stream really stopped: the client closed it, and nothing more arrives on screen.
    await eventually(() => (proxy.abandoned === 1 ? true : undefined), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(occurrences(await chat.screen(), /\bw\d+\b/)).toBe(shown);
    expect(await chat.bottom(1)).toMatch(/· ready ·/);

    harness.server.enqueue({ text: 'Second answer, in full.' });
    await chat.send('a short one please');
    screen = await chat.waitForScreen('Second answer, in full.');
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('Esc during a run asks first; y cancels it: the running step is stopped, the finished one rolled back', async (context) => {
    const harness = await chatHarnessFor(context);
    const plan = {
      goal: 'Deploy and wait',
      steps: [
        { id: 'first', tool: 'shell', args: { command: 'touch marker-first' }, rollback: { tool: 'shell', args: { command: 'rm -f marker-first; touch marker-rolled-back' } } },
        { id: 'wait', tool: 'shell', args: { command: 'echo $$ > wait.pid; echo waiting; exec sleep 30' }, dependsOn: ['first'] },
      ],
    };
    const chat = await harness.open();
    harness.server.enqueue(...proposal('deploy and wait', plan));
    await chat.send('deploy and wait');
    await chat.waitForScreen('run? [y/n/e]');
    harness.server.enqueue(reflectionReply({ success: false, summary: 'Cancelled; first was rolled back.', issues: [], suggestions: [] }));
    await chat.send('y');
    await chat.waitForScreen(/─ wait running .*│ waiting/, 10_000);
    const pidFile = path.join(harness.sandbox.dir, 'wait.pid');
    const pid = await eventually(() => (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() ? Number(readFileSync(pidFile, 'utf8')) : undefined));
    chat.press('esc');
    await chat.waitForScreen('Cancel the run? Running steps are aborted and finished ones rolled back. y/n');
    await chat.waitForBottom(/^cancel\? \[y\/n\]/m, 2);
    // Esc again closes the question; the run goes on.
    chat.press('esc');
    await chat.waitForScreen('The run goes on.');
    await chat.waitForBottom(/^› /m, 2);
    chat.press('esc');
    await chat.waitForBottom(/^cancel\? \[y\/n\]/m, 2);
    await chat.send('y');
    const screen = await chat.waitForScreen('Reflection on run', 10_000);
    expect(screen).toMatch(/⊘ Run \S+ cancelled/);
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-first'))).toBe(false);
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-rolled-back'))).toBe(true);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('Ctrl-C twice during a run: cancelled and rolled back, the session saved, exit 130 as for a run cancelled by Ctrl-C; --continue shows the cancelled run', async (context) => {
    const { harness, chat } = await gatedRunStarted(context);
    chat.press('ctrlC');
    await chat.waitForScreen('Press Ctrl-C again to quit (the running plan is cancelled and rolled back first).');
    chat.press('ctrlC');
    expect(await chat.term.exited).toMatchObject({ exitCode: 130, timedOut: false });
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-first'))).toBe(false);
    await writeFile(path.join(harness.sandbox.dir, 'go'), '');
    const again = await harness.open(['--continue']);
    // The history is drawn right after the first frame (header, input, status line).
    const screen = await again.waitForScreen(/⊘ Run \S+ cancelled/);
    expect(screen).toContain('› deploy behind the gate');
    expect(screen).toMatch(/⊘ Run \S+ cancelled/);
    expect(await again.quit()).toMatchObject({ exitCode: 0 });
  });

  it('/quit with the run paused leaves it paused, says how to continue it, and ksa resume finishes it; nothing is rolled back', async (context) => {
    const harness = await chatHarnessFor(context);
    const plan = {
      goal: 'Pause then quit',
      steps: [
        { id: 'first', tool: 'shell', args: { command: 'touch marker-first' }, rollback: { tool: 'shell', args: { command: 'touch marker-rolled-back' } } },
        { id: 'wait', tool: 'shell', args: { command: 'echo waiting; while [ ! -f go ]; do sleep 0.05; done' }, dependsOn: ['first'] },
        { id: 'last', tool: 'shell', args: { command: 'touch marker-last' }, dependsOn: ['wait'] },
      ],
    };
    const chat = await harness.open();
    harness.server.enqueue(...proposal('deploy', plan));
    await chat.send('deploy behind the gate');
    await chat.waitForScreen('run? [y/n/e]');
    await chat.send('y');
    await chat.waitForScreen(/─ wait running .*│ waiting/, 10_000);
    await chat.send('/pause');
    await chat.waitForScreen('Run paused: no new step starts');
    await writeFile(path.join(harness.sandbox.dir, 'go'), '');
    await chat.waitForScreen(/✓ ─ wait succeeded/, 10_000);
    await chat.send('/quit');
    expect(await chat.term.exited).toMatchObject({ exitCode: 0, timedOut: false });
    const runs = path.join(harness.sandbox.home, 'runs');
    const [runId] = readdirSync(runs).filter((name) => /^\d/.test(name));
    expect(chat.term.raw()).toContain(`Run ${runId} is paused; ksa resume ${runId} continues it.`);
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-rolled-back'))).toBe(false);
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-last'))).toBe(false);
    const status = await runKsa(['status', runId!], { home: harness.sandbox.home, cwd: harness.sandbox.dir });
    expect(status.stdout).toMatch(/paused/);
    const resumed = await runKsa(['resume', runId!, '--yes'], { home: harness.sandbox.home, cwd: harness.sandbox.dir, timeoutMs: 20_000 });
    expect(resumed.code).toBe(0);
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-last'))).toBe(true);
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-rolled-back'))).toBe(false);
  });

  it('SIGTERM during a run: cancelled and rolled back, the session saved, exit 143 as the contract gives for SIGTERM', async (context) => {
    const { harness, chat } = await gatedRunStarted(context);
    chat.term.kill('SIGTERM');
    expect(await chat.term.exited).toMatchObject({ exitCode: 143, timedOut: false });
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-first'))).toBe(false);
    await writeFile(path.join(harness.sandbox.dir, 'go'), '');
    const again = await harness.open(['--continue']);
    await again.waitForScreen(/⊘ Run \S+ cancelled/);
    expect(await again.quit()).toMatchObject({ exitCode: 0 });
  });

  it.for([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s while /quit waits for the paused run\'s running step: the step is cut short, the run stays paused (exit %i), and ksa resume finishes it', async ([signal, exitCode], context) => {
    const { harness, chat } = await gatedRunStarted(context);
    await chat.send('/pause');
    await chat.waitForScreen('Run paused: no new step starts');
    await chat.send('/quit');
    await chat.waitForScreen('Waiting for 1 running step to finish before leaving (wait); the run stays paused.');
    chat.term.kill(signal);
    expect(await chat.term.exited).toMatchObject({ exitCode, timedOut: false });
    const runs = path.join(harness.sandbox.home, 'runs');
    const [runId] = readdirSync(runs).filter((name) => /^\d/.test(name));
    const record = JSON.parse(readFileSync(path.join(runs, runId!, 'run.json'), 'utf8'));
    expect(record.state.status).toBe('paused');
    expect(record.state.steps.wait.status).toBe('running');
    expect(record.state.error).toBeUndefined();
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-first'))).toBe(true);
    expect(chat.term.raw()).toContain(`Run ${runId} is paused; ksa resume ${runId} continues it.`);
    await writeFile(path.join(harness.sandbox.dir, 'go'), '');
    const resumed = await runKsa(['resume', runId!, '--yes', '--allow-destroy'], { home: harness.sandbox.home, cwd: harness.sandbox.dir, timeoutMs: 20_000 });
    expect(resumed.code, describeResult(resumed)).toBe(0);
    expect(existsSync(path.join(harness.sandbox.dir, 'marker-first'))).toBe(true);
  });

  it('SIGHUP during a run in a session opened with /new: that session\'s run is cancelled and rolled back, exit 129', async (context) => {
    const { harness, chat } = await gatedRunStarted(context, { newSessionFirst: true });
    chat.term.kill('SIGHUP');
    expect(await chat.term.exited).toMatchObject({ exitCode: 129, timedOut: false });
    await expectCancelledAndRolledBack(harness);
  });

  it('SIGHUP twice, as a closing terminal sends it (the shell, then the kernel): the run is still cancelled and rolled back, exit 129', async (context) => {
    const { harness, chat } = await gatedRunStarted(context);
    chat.term.kill('SIGHUP');
    await new Promise((resolve) => setTimeout(resolve, 5));
    chat.term.kill('SIGHUP');
    expect(await chat.term.exited).toMatchObject({ exitCode: 129, timedOut: false });
    await expectCancelledAndRolledBack(harness);
  });

  it('SIGINT from outside (kill -INT; in the chat Ctrl-C is a key): cancelled and rolled back, exit 130', async (context) => {
    const { harness, chat } = await gatedRunStarted(context);
    chat.term.kill('SIGINT');
    expect(await chat.term.exited).toMatchObject({ exitCode: 130, timedOut: false });
    await expectCancelledAndRolledBack(harness);
  });

  it('keys sent the moment "ready" is drawn are keys, not signals: Ctrl-C there asks first, and text typed with it is kept', async (context) => {
    const harness = await chatHarnessFor(context);
    const term = spawnKsaPty(['chat'], { cwd: harness.sandbox.dir, home: harness.sandbox.home, env: harness.env, timeoutMs: 40_000 });
    context.onTestFinished(() => term.dispose());
    // As a script would: no wait after the first byte of the status line.
    await term.waitForOutput(/ · ready · /, 15_000);
    term.write(KEYS.ctrlC);
    term.write('hello');
    const chat = chatTerminal(term);
    await chat.waitForScreen('Press Ctrl-C again to quit');
    await chat.waitForScreen((screen) => /› hello$/m.test(screen));
    term.write(KEYS.ctrlC);
    expect(await term.exited).toMatchObject({ exitCode: 0, timedOut: false });
  });
});
