import { createRequire } from 'node:module';
import { KSA_BIN, REPO_ROOT } from './cli.js';
import { ptyEnv, type KsaPty, type PtyExit, type PtyOptions } from './pty.js';

/**
 * Like spawnKsaPty (test/helpers/pty.ts), plus resize(): the pseudo-terminal
 * and the headless xterm that reads it change size together, as when a user
 * resizes the window (the child gets SIGWINCH).
 */

const require = createRequire(import.meta.url);
const pty = require('node-pty') as typeof import('node-pty');
const { Terminal } = require('@xterm/headless') as typeof import('@xterm/headless');

export type ResizableKsaPty = KsaPty & {
  resize(cols: number, rows: number): void;
  /** Only the rows currently in the viewport (not the scrollback). */
  viewport(): Promise<string[]>;
};

export function spawnResizableKsaPty(args: readonly string[], options: PtyOptions = {}): ResizableKsaPty {
  const cols = options.cols ?? 120;
  const rows = options.rows ?? 40;
  const term = new Terminal({ cols, rows, scrollback: 5000, allowProposedApi: true });
  const child = pty.spawn(process.execPath, [KSA_BIN, ...args], { name: 'xterm-256color', cols, rows, cwd: options.cwd ?? REPO_ROOT, env: ptyEnv(options) });
  let raw = '';
  let hasExited = false;
  let timedOut = false;
  const dataSub = child.onData((data) => {
    raw += data;
    term.write(data);
  });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 30_000);
  const exited = new Promise<PtyExit>((resolve) => {
    child.onExit(({ exitCode, signal }) => {
      clearTimeout(timer);
      hasExited = true;
      setTimeout(() => resolve({ exitCode, signal: signal ?? 0, timedOut }), 50);
    });
  });
  const lines = (from: number) =>
    new Promise<string[]>((resolve) =>
      term.write('', () => {
        const buffer = term.buffer.active;
        const out: string[] = [];
        for (let i = from === -1 ? buffer.viewportY : 0; i < (from === -1 ? buffer.viewportY + term.rows : buffer.length); i++) out.push(buffer.getLine(i)?.translateToString(true) ?? '');
        resolve(out);
      }),
    );
  return {
    pid: child.pid,
    raw: () => raw,
    async screen() {
      const all = await lines(0);
      while (all.length > 0 && all.at(-1) === '') all.pop();
      return all.join('\n');
    },
    viewport: () => lines(-1),
    write: (data) => child.write(data),
    waitForOutput: () => Promise.reject(new Error('use waitForScreen (test/helpers/chat-pty.ts)')),
    exited,
    kill: (signal = 'SIGKILL') => {
      if (!hasExited) child.kill(signal);
    },
    resize(nextCols, nextRows) {
      term.resize(nextCols, nextRows);
      child.resize(nextCols, nextRows);
    },
    dispose: () => {
      if (!hasExited) child.kill('SIGKILL');
      clearTimeout(timer);
      dataSub.dispose();
      term.dispose();
    },
  };
}
