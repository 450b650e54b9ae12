import { createRequire } from 'node:module';
import { KSA_ARGV, REPO_ROOT, userEnv } from './cli.js';

/**
 * Runs the real `ksa` in a pseudo-terminal (node-pty), so it sees a TTY on
 * stdin/stdout/stderr, and renders what it writes with a headless xterm so
 * tests can read the screen as a user would see it.
 */

// Both packages are CommonJS (node-pty is native): load them with require so named exports work.
const require = createRequire(import.meta.url);
const pty = require('node-pty') as typeof import('node-pty');
const { Terminal } = require('@xterm/headless') as typeof import('@xterm/headless');

export type PtyOptions = {
  readonly cwd?: string;
  /** KSA_HOME; every test should pass its own temp dir. */
  readonly home?: string;
  /** Added to (or, with `undefined`, removed from) the child's environment. NO_COLOR=1 is set unless removed here. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cols?: number;
  readonly rows?: number;
  /** Kill the process after this long; default 30 s. */
  readonly timeoutMs?: number;
};

export type PtyExit = { readonly exitCode: number; readonly signal: number; readonly timedOut: boolean };

export type KsaPty = {
  readonly pid: number;
  /** Everything the process wrote, escape sequences included. */
  raw(): string;
  /** The visible screen plus scrollback, one string per line, trailing blanks trimmed. */
  screen(): Promise<string>;
  /** Only the rows currently in the viewport (not the scrollback). */
  viewport(): Promise<string[]>;
  /** The pseudo-terminal and the xterm that reads it change size together, as when a user resizes the window (the child gets SIGWINCH). */
  resize(cols: number, rows: number): void;
  /** Types into the terminal (e.g. "y\r"). */
  write(data: string): void;
  /** Resolves when the raw output matches; rejects on exit or timeout first. */
  waitForOutput(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  readonly exited: Promise<PtyExit>;
  kill(signal?: string): void;
  dispose(): void;
};

/** The environment of a ksa child in a pty: interactive (no CI), xterm, plain colours unless asked otherwise. */
export function ptyEnv(options: Pick<PtyOptions, 'home' | 'env'> = {}): Record<string, string> {
  const env = userEnv();
  // Ink and ksa treat CI as "not interactive": a pty test must not inherit it.
  delete env.CI;
  env.TERM = 'xterm-256color';
  env.NO_COLOR = '1';
  if (options.home !== undefined) env.KSA_HOME = options.home;
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export function spawnKsaPty(args: readonly string[], options: PtyOptions = {}): KsaPty {
  const cols = options.cols ?? 120;
  const rows = options.rows ?? 40;
  const term = new Terminal({ cols, rows, scrollback: 5000, allowProposedApi: true });
  const child = pty.spawn(process.execPath, [...KSA_ARGV, ...args], {
    // node-pty sets TERM from the name: a test that gives TERM gets it.
    name: options.env?.TERM ?? 'xterm-256color',
    cols,
    rows,
    cwd: options.cwd ?? REPO_ROOT,
    env: ptyEnv(options),
  });
  let raw = '';
  let timedOut = false;
  let hasExited = false;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  const dataSub = child.onData((data) => {
    raw += data;
    term.write(data);
    notify();
  });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 30_000);
  const exited = new Promise<PtyExit>((resolve) => {
    child.onExit(({ exitCode, signal }) => {
      clearTimeout(timer);
      hasExited = true;
      // node-pty may deliver the last data after onExit: let it arrive.
      setTimeout(() => {
        notify();
        resolve({ exitCode, signal: signal ?? 0, timedOut });
      }, 50);
    });
  });

  // An empty write resolves once everything written before has been parsed.
  const lines = (which: 'all' | 'viewport') =>
    new Promise<string[]>((resolve) =>
      term.write('', () => {
        const buffer = term.buffer.active;
        const [from, to] = which === 'all' ? [0, buffer.length] : [buffer.viewportY, buffer.viewportY + term.rows];
        const out: string[] = [];
        for (let i = from; i < to; i++) out.push(buffer.getLine(i)?.translateToString(true) ?? '');
        resolve(out);
      }),
    );

  return {
    pid: child.pid,
    raw: () => raw,
    async screen() {
      const all = await lines('all');
      while (all.length > 0 && all.at(-1) === '') all.pop();
      return all.join('\n');
    },
    viewport: () => lines('viewport'),
    resize(nextCols, nextRows) {
      term.resize(nextCols, nextRows);
      child.resize(nextCols, nextRows);
    },
    write: (data) => child.write(data),
    waitForOutput(pattern, timeoutMs = 10_000) {
      const matches = () => (typeof pattern === 'string' ? raw.includes(pattern) : pattern.test(raw));
      return new Promise<void>((resolve, reject) => {
        const finish = (error?: Error) => {
          listeners.delete(check);
          clearTimeout(deadline);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (matches()) finish();
          else if (hasExited) finish(new Error(`ksa exited before ${String(pattern)} appeared; output:\n${raw}`));
        };
        const deadline = setTimeout(() => finish(new Error(`${String(pattern)} did not appear within ${timeoutMs} ms; output:\n${raw}`)), timeoutMs);
        listeners.add(check);
        check();
      });
    },
    exited,
    kill: (signal = 'SIGKILL') => {
      if (!hasExited) child.kill(signal);
    },
    dispose: () => {
      if (!hasExited) child.kill('SIGKILL');
      clearTimeout(timer);
      dataSub.dispose();
      term.dispose();
    },
  };
}

/** SGR sequences that set a colour (foreground/background, 16/256/true colour), e.g. `\x1b[32m`, `\x1b[1;31m`, `\x1b[38;5;2m`. */
export function colourSequences(text: string): string[] {
  const sgr = /\u001b\[([0-9;]*)m/g;
  const found: string[] = [];
  for (const match of text.matchAll(sgr)) {
    const params = (match[1] ?? '').split(';').map(Number);
    if (params.some((p) => (p >= 30 && p <= 37) || (p >= 40 && p <= 47) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107) || p === 38 || p === 48)) {
      found.push(match[0]);
    }
  }
  return found;
}
