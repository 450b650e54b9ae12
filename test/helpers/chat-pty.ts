import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'vitest';
import { FAKE_KEY } from './agent-cli.js';
import { createCliSandbox, type CliSandbox } from './cli.js';
import { startFakeOpenAI, type FakeOpenAIServer } from './fake-openai-server.js';
import { spawnKsaPty, type KsaPty, type PtyExit, type PtyOptions } from './pty.js';

/**
 * `ksa chat` end to end: the real binary in a pseudo-terminal (CI removed from
 * its environment by ptyEnv), pointed at a local fake OpenAI-compatible server,
 * with its own KSA_HOME and workspace. Tests wait for what the screen shows,
 * never for fixed times.
 */

export const KEYS = {
  enter: '\r',
  esc: '\u001b',
  up: '\u001b[A',
  down: '\u001b[B',
  tab: '\t',
  ctrlC: '\u0003',
  backspace: '\u007f',
} as const;

export type ChatTerminal = {
  readonly term: KsaPty;
  /** Screen plus scrollback, as the user sees it. */
  screen(): Promise<string>;
  /** The last `lines` lines of the screen (the live area: input line, status line). */
  bottom(lines?: number): Promise<string>;
  /**
   * Polls until the last `lines` lines match; returns the screen. The live area (input, status line) is redrawn
   * just after what is printed above it, so a screen read as soon as a notice shows may not have it yet.
   */
  waitForBottom(pattern: RegExp, lines?: number, timeoutMs?: number): Promise<string>;
  /** Polls the screen until it matches; returns it. Rejects with the screen on timeout or exit. */
  waitForScreen(pattern: string | RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  /** Types text (one chunk, as a paste or a fast typist) and waits until the input line shows it. */
  type(text: string): Promise<void>;
  /** Types text, then Enter in a separate write (Ink submits only on a lone Enter). */
  send(text: string): Promise<void>;
  press(key: keyof typeof KEYS): void;
  /** Ctrl-C twice, then waits for the exit. */
  quit(): Promise<PtyExit>;
};

export type ChatHarness = {
  readonly sandbox: CliSandbox;
  readonly server: FakeOpenAIServer;
  /** The environment every `ksa chat` of this harness gets. */
  readonly env: Record<string, string | undefined>;
  /** Starts `ksa chat ...args` in the workspace and waits for its first frame (the input line). */
  open(args?: readonly string[], options?: Omit<PtyOptions, 'home'>): Promise<ChatTerminal>;
  /** Starts ksa with exactly these arguments (e.g. none: plain `ksa`) and waits for the chat's first frame. */
  openWith(argv: readonly string[], options?: Omit<PtyOptions, 'home'>): Promise<ChatTerminal>;
  /** Writes an executable shell script into the sandbox root (outside the workspace) and returns its path. */
  script(name: string, body: string): Promise<string>;
  cleanup(): Promise<void>;
};

export async function startChatHarness(): Promise<ChatHarness> {
  const sandbox = await createCliSandbox('ksa-tui-');
  const server = await startFakeOpenAI();
  const terminals: KsaPty[] = [];
  const env = { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: FAKE_KEY, KSA_MODEL: 'fake-model', KSA_MODEL_TIMEOUT_MS: undefined, VISUAL: undefined, EDITOR: undefined };
  const openWith: ChatHarness['openWith'] = async (argv, options = {}) => {
    const term = spawnKsaPty(argv, { cwd: sandbox.dir, home: sandbox.home, timeoutMs: 40_000, ...options, env: { ...env, ...options.env } });
    terminals.push(term);
    return firstFrame(chatTerminal(term));
  };
  return {
    sandbox,
    server,
    env,
    open: (args = [], options = {}) => openWith(['chat', ...args], options),
    openWith,
    async script(name, body) {
      const file = path.join(path.dirname(sandbox.dir), name);
      await writeFile(file, `#!/bin/sh\n${body}\n`);
      await chmod(file, 0o755);
      return file;
    },
    async cleanup() {
      for (const term of terminals) term.dispose();
      await server.close();
      await sandbox.cleanup();
    },
  };
}

const PROMPT_LINE = /^(›|run\? \[y\/n\/e\]|edit\? \[e\/n\]|cancel\? \[y\/n\]) /;

/** The line the user types on (its prompt first), as drawn. */
function inputLineOf(screen: string): string {
  return screen.split('\n').slice(-12).findLast((line) => PROMPT_LINE.test(line))?.trimEnd() ?? '';
}

/**
 * Waits for the first frame, then for Ink to read keys: a typed "x" shows on
 * the input line once it does (keys typed earlier wait in the terminal).
 */
async function firstFrame(chat: ChatTerminal): Promise<ChatTerminal> {
  await chat.waitForScreen(/ · (ready|plan waiting for approval|answering|running) · /, 15_000);
  chat.term.write('x');
  await chat.waitForScreen((screen) => / x$/.test(inputLineOf(screen)), 5000);
  chat.press('backspace');
  await chat.waitForScreen((screen) => !/ x$/.test(inputLineOf(screen)), 5000);
  return chat;
}

/** A harness for one test, cleaned up when it ends. */
export async function chatHarnessFor(context: TestContext): Promise<ChatHarness> {
  const harness = await startChatHarness();
  context.onTestFinished(() => harness.cleanup());
  return harness;
}

export function chatTerminal(term: KsaPty): ChatTerminal {
  let exited = false;
  void term.exited.then(() => (exited = true));
  const screen = () => term.screen();
  const bottom = async (lines = 4) => (await screen()).split('\n').slice(-lines).join('\n');
  const waitForScreen: ChatTerminal['waitForScreen'] = async (pattern, timeoutMs = 10_000) => {
    const matches = (text: string) => (typeof pattern === 'string' ? text.includes(pattern) : pattern instanceof RegExp ? pattern.test(text) : pattern(text));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await screen();
      if (matches(text)) return text;
      if (exited || Date.now() > deadline) {
        throw new Error(`${exited ? 'ksa exited' : `timed out after ${timeoutMs} ms`} waiting for ${String(pattern)}; the screen:\n${text}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const waitForBottom: ChatTerminal['waitForBottom'] = (pattern, lines = 4, timeoutMs = 5000) =>
    waitForScreen((text) => pattern.test(text.split('\n').slice(-lines).join('\n')), timeoutMs);
  const type = async (text: string) => {
    term.write(text);
    // The input line ends with the text (the cursor follows it); the placeholder may contain the same words, so match the end.
    const tail = text.slice(-20);
    await waitForScreen((s) => inputLineOf(s).endsWith(tail), 5000);
  };
  return {
    term,
    screen,
    bottom,
    waitForBottom,
    waitForScreen,
    type,
    async send(text) {
      await type(text);
      term.write(KEYS.enter);
    },
    press: (key) => term.write(KEYS[key]),
    async quit() {
      term.write(KEYS.ctrlC);
      await waitForScreen('Press Ctrl-C again to quit');
      term.write(KEYS.ctrlC);
      return term.exited;
    },
  };
}

/** How often `needle` occurs in `text`. */
export function occurrences(text: string, needle: string | RegExp): number {
  if (typeof needle === 'string') return text.split(needle).length - 1;
  return [...text.matchAll(new RegExp(needle.source, needle.flags.includes('g') ? needle.flags : `${needle.flags}g`))].length;
}
