import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Helpers for end-to-end tests that run the real `ksa` binary (bin/ksa.js → dist/) as a subprocess. */

// Where ksa is and how it starts: shared with the benchmarks, which start it the same way.
import { KSA_ARGV, KSA_COMMAND, REPO_ROOT } from '../../bench/ksa-argv.js';

export { KSA_ARGV, KSA_COMMAND, REPO_ROOT };

export type CliResult = {
  /** Exit code, or null when the process died of a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time from spawn to exit. */
  readonly durationMs: number;
  /** True when the helper killed the process because it ran past `timeoutMs`. */
  readonly timedOut: boolean;
};

export type KsaOptions = {
  /** Working directory of the process (default: the repository root). */
  readonly cwd?: string;
  /** KSA_HOME; every test should pass its own temp dir. */
  readonly home?: string;
  /** Added to (or, with `undefined`, removed from) the child's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Written to stdin, which is then closed; stdin is an (empty) pipe either way, never a TTY. */
  readonly stdin?: string;
  /** Kill the process (SIGKILL) after this long; default 30 s. */
  readonly timeoutMs?: number;
};

/** Node's on-disk compile cache, shared by every ksa the tests start: startup is most of a short command's time. */
export const COMPILE_CACHE = path.join(tmpdir(), 'ksa-cli-tests-compile-cache');

/**
 * The test process's environment without what the test runner adds (NODE_ENV=test,
 * VITEST*, TEST) or forces colour, so ksa runs as it would from a user's shell.
 */
export function userEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key === 'NODE_ENV' || key === 'TEST' || key === 'FORCE_COLOR' || key.startsWith('VITEST')) continue;
    env[key] = value;
  }
  env.NODE_COMPILE_CACHE = COMPILE_CACHE;
  return env;
}

/** The environment of a ksa child: a user's, with plain output (NO_COLOR=1) and its own KSA_HOME. */
export function ksaEnv(options: Pick<KsaOptions, 'home' | 'env'> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...userEnv(), NO_COLOR: '1' };
  if (options.home !== undefined) env.KSA_HOME = options.home;
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** A running ksa process: its output so far, and its result once it exits. */
export type KsaProcess = {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly result: Promise<CliResult>;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout+stderr so far satisfy `check`; rejects on exit or timeout first. */
  waitForOutput(check: (stdout: string, stderr: string) => boolean, timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): void;
};

/**
 * Starts ksa as `npx ksa` does: `ksa validate` through bin/ksa (from the startup snapshot, so every
 * validate test checks it behaves as the bundle does), every other command as `node bin/ksa.js ...args`
 * with the Node that runs the tests (what bin/ksa runs for them, minus a shell).
 */
export function startKsa(args: readonly string[], options: KsaOptions = {}): KsaProcess {
  const started = Date.now();
  const [file, argv] = args[0] === 'validate' ? [KSA_COMMAND, args] : [process.execPath, [...KSA_ARGV, ...args]];
  const child = spawn(file, argv, {
    cwd: options.cwd ?? REPO_ROOT,
    env: ksaEnv(options),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    notify();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    notify();
  });
  child.stdin!.on('error', () => {}); // the CLI may exit before reading stdin
  child.stdin!.end(options.stdin ?? '');

  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 30_000);

  const result = new Promise<CliResult>((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close' (not 'exit'): all output has been read.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      notify();
      resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started, timedOut });
    });
  });
  let exited = false;
  void result.then(
    () => (exited = true),
    () => (exited = true),
  );

  return {
    child,
    pid: child.pid!,
    result,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForOutput(check, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const finish = (error?: Error) => {
          listeners.delete(test);
          clearTimeout(deadline);
          if (error) reject(error);
          else resolve();
        };
        const test = () => {
          if (check(stdout, stderr)) finish();
          else if (exited) finish(new Error(`ksa exited before the expected output appeared\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        };
        const deadline = setTimeout(
          () => finish(new Error(`expected output did not appear within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`)),
          timeoutMs,
        );
        listeners.add(test);
        void result.then(test, test);
        test();
      });
    },
    kill: (signal) => {
      child.kill(signal);
    },
  };
}

/** Runs ksa to its end. */
export function runKsa(args: readonly string[], options: KsaOptions = {}): Promise<CliResult> {
  return startKsa(args, options).result;
}

/** One NDJSON event as written by `ksa run --json`. */
export type KsaEvent = {
  readonly type: string;
  readonly runId: string;
  readonly ts: string;
  readonly stepId?: string;
  readonly attempt?: number;
  readonly status?: string;
  readonly error?: string;
  readonly stepIds?: readonly string[];
  readonly output?: { readonly stdout?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
};

/** Parses NDJSON strictly: every non-empty line must be one JSON object, or this throws naming the line. */
export function parseNdjson(text: string): KsaEvent[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, index) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`stdout line ${index + 1} is not JSON: ${JSON.stringify(line)}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`stdout line ${index + 1} is not a JSON object: ${line}`);
    }
    return value as KsaEvent;
  });
}

/** The events of one type, optionally for one step. */
export function eventsOf(events: readonly KsaEvent[], type: string, stepId?: string): KsaEvent[] {
  return events.filter((event) => event.type === type && (stepId === undefined || event.stepId === stepId));
}

/** Lines that look like a JavaScript stack trace frame. */
export function stackTraceLines(text: string): string[] {
  return text.split('\n').filter((line) => /^\s+at .+/.test(line));
}

/** Non-empty lines, without trailing whitespace. */
export function nonEmptyLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '');
}

/** A temp KSA_HOME and a temp working dir for one test; `cleanup` removes both. */
export type CliSandbox = {
  readonly home: string;
  readonly dir: string;
  /** Writes `text` to `dir/name` (creating folders in `name`) and returns its absolute path. */
  writePlan(name: string, text: string): Promise<string>;
  cleanup(): Promise<void>;
};

export async function createCliSandbox(prefix = 'ksa-cli-'): Promise<CliSandbox> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), prefix)));
  const home = path.join(root, 'home');
  const dir = path.join(root, 'work');
  await mkdir(home);
  await mkdir(dir);
  return {
    home,
    dir,
    async writePlan(name, text) {
      const file = path.join(dir, name);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      return file;
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** A TCP port that was free a moment ago (listen on port 0, then close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('no port'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** True when nothing accepts TCP connections on host:port (127.0.0.1 by default). */
export async function portRefuses(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A human-readable dump of a result, for assertion messages. */
export function describeResult(result: CliResult): string {
  return `exit ${result.code} signal ${result.signal} after ${result.durationMs} ms${result.timedOut ? ' (TIMED OUT)' : ''}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
