import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Options } from 'execa';
import { z } from 'zod';
import type { OutputStream } from '../planning/index.js';
import { CommandFailedError, CommandNotFoundError, ToolError } from './errors.js';
import type { StreamKeys } from './key-ranges.js';
import { BoundedCapture, DEFAULT_MAX_CAPTURE_BYTES, LineSplitter, stripFinalNewline } from './output-capture.js';
import { DEFAULT_KILL_GRACE_MS, stopProcessGroup, trackProcessGroup } from './process-groups.js';

// After SIGKILL, a descendant that left the group may still hold our pipes open.
const PIPE_RELEASE_MS = 500;

export const ProcessOutputSchema = z.strictObject({
  stdout: z.string().describe('Standard output (one trailing newline removed; head and tail kept when longer than 1 MiB).'),
  stderr: z.string().describe('Standard error (same rules as stdout).'),
  exitCode: z.int().describe('Always 0 in a result: a non-zero exit fails the step.'),
  truncated: z.literal(true).optional().describe('Present when the middle of stdout or stderr was dropped.'),
});

export type ProcessOutput = z.infer<typeof ProcessOutputSchema>;

export type RunProcessOptions = {
  /** The binary (looked up on PATH), or the whole command line when `shell` is true. */
  readonly command: string;
  /** Passed as argv, never through a shell. */
  readonly args?: readonly string[];
  readonly shell?: boolean;
  /** Relative to the workspace; an absolute path is used as is. */
  readonly cwd?: string;
  readonly workspace: string;
  /** Merged over the current environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly onOutput?: (line: string, stream: OutputStream) => void;
  /** How error messages name the process, e.g. `kubectl`; default `command`. */
  readonly label?: string;
  /** Per stream; default 1 MiB. */
  readonly maxCaptureBytes?: number;
  /** Between SIGTERM and SIGKILL on abort; default 2 s. */
  readonly killGraceMs?: number;
};

/**
 * Runs one process to its end. Its output reaches `onOutput` line by line as it
 * is produced, and is captured (bounded) for the result. Stdin is closed. The
 * process leads its own process group, so an abort takes down everything it
 * started: SIGTERM to the group, SIGKILL after the grace period; the promise
 * then rejects with the signal's reason. A non-zero exit rejects with a
 * `CommandFailedError` whose one-line message ends with the last stderr line.
 *
 * A shell command may leave a background process behind (`nohup srv > log 2>&1 &`):
 * once the shell has exited and nothing holds the output pipes, the step is done
 * and that process keeps running.
 */
export async function runProcess(options: RunProcessOptions): Promise<ProcessOutput> {
  const { signal } = options;
  const label = options.label ?? 'command';
  signal.throwIfAborted();
  const cwd = await resolveCwd(options.workspace, options.cwd);
  // Loaded on the first process: commands that run none (validate, status, the chat's first frame) do not pay for it.
  const { execa } = await import('execa');
  signal.throwIfAborted();

  const execaOptions = {
    cwd,
    env: options.env,
    stdin: 'ignore',
    buffer: false,
    detached: true,
    reject: false,
    cleanup: false,
    windowsHide: true,
  } as const satisfies Options;
  const shell = options.shell ? preferredShell() : undefined;
  const subprocess = shell
    ? execa(options.command, { ...execaOptions, shell })
    : execa(options.command, [...(options.args ?? [])], execaOptions);
  const { pid } = subprocess;
  const untrack = pid === undefined ? () => {} : trackProcessGroup(pid);

  const maxBytes = options.maxCaptureBytes ?? DEFAULT_MAX_CAPTURE_BYTES;
  // One key state for both streams: what is kept follows a key printed across them as the step's output lines do.
  const keys: StreamKeys = { stdout: undefined, stderr: undefined };
  const captures = { stdout: new BoundedCapture(maxBytes, { stream: 'stdout', keys }), stderr: new BoundedCapture(maxBytes, { stream: 'stderr', keys }) };
  let forwarding = true;
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = subprocess[name];
    if (!stream) continue;
    const splitter = new LineSplitter((line) => {
      if (forwarding) options.onOutput?.(line, name);
    });
    stream.on('data', (chunk: Uint8Array | string) => {
      captures[name].write(chunk);
      splitter.write(chunk);
    });
    stream.once('end', () => {
      captures[name].end();
      splitter.end();
    });
  }

  // The process exited but something it started still holds the pipes (`srv &` without a redirect): the step
  // waits for that, and nothing on screen said why. Said once, as a line of the step's output.
  let heldPipes: ReturnType<typeof setTimeout> | undefined;
  subprocess.nodeChildProcess.once('exit', (code: number | null) => {
    heldPipes = setTimeout(() => {
      if (forwarding) options.onOutput?.(heldPipesNotice(label, code), 'stderr');
    }, HELD_PIPES_NOTICE_MS);
    heldPipes.unref();
  });

  let aborted = false;
  const onAbort = () => {
    aborted = true;
    // The step is over for the executor; lines printed while dying would come after its end.
    forwarding = false;
    if (pid === undefined) return;
    void stopProcessGroup(pid, options.killGraceMs ?? DEFAULT_KILL_GRACE_MS, { unref: true }).then((killed) => {
      untrack();
      if (!killed) return;
      // A killed group's grandchildren may still hold the pipes open: let execa settle without them.
      setTimeout(() => {
        subprocess.stdout?.destroy();
        subprocess.stderr?.destroy();
      }, PIPE_RELEASE_MS).unref();
    });
  };
  signal.addEventListener('abort', onAbort, { once: true });

  let result: Awaited<typeof subprocess>;
  try {
    result = await subprocess;
  } finally {
    clearTimeout(heldPipes);
    signal.removeEventListener('abort', onAbort);
    forwarding = false;
    if (!aborted) untrack();
  }

  if (aborted) throw signal.reason;
  if (pid === undefined) throw spawnError(result, shell ?? options.command);

  // Idempotent: a stream whose end was not heard has its last line read all the same.
  captures.stdout.end();
  captures.stderr.end();
  const stdout = stripFinalNewline(captures.stdout.text());
  const stderr = stripFinalNewline(captures.stderr.text());
  const truncated = captures.stdout.truncated || captures.stderr.truncated;
  if (result.exitCode === 0) return { stdout, stderr, exitCode: 0, ...(truncated ? { truncated: true as const } : {}) };
  if (result.exitCode !== undefined || result.signal !== undefined) {
    throw new CommandFailedError({ label, exitCode: result.exitCode, signal: result.signal, stdout, stderr, truncated });
  }
  throw new ToolError({ message: `${label} failed: ${result.shortMessage ?? 'unknown error'}`, cause: result });
}

const HELD_PIPES_NOTICE_MS = 3000;

function heldPipesNotice(label: string, code: number | null): string {
  return `ksa: the ${label === 'command' ? 'shell' : label} exited${code === null ? '' : ` with code ${code}`}, but a process it started in the background still holds its output, and the step ends when that process does; to leave it running, start it with its output redirected (nohup … > file 2>&1 &)`;
}

/** The failure of a process that never started: usually a binary missing from PATH. */
function spawnError(result: { code?: string; originalMessage?: string; shortMessage?: string }, binary: string | boolean): Error {
  const name = typeof binary === 'string' ? binary : 'sh';
  if (result.code === 'ENOENT') return new CommandNotFoundError({ binary: name, cause: result });
  if (result.code === 'EACCES') return new ToolError({ message: `${name}: permission denied (is it executable?)`, cause: result });
  // Linux takes at most 128 KiB in one argument, and a shell line is one: a big output put in with {{ }} does not fit.
  if (result.code === 'E2BIG') {
    return new ToolError({
      message: `${name}: could not start: its command line is too long for the system (at most 128 KiB in one argument, usually from a large output put in with {{ }}); pass large data through a file instead (write_file, then read the file in the command)`,
      cause: result,
    });
  }
  return new ToolError({ message: `${name}: could not start: ${result.originalMessage ?? result.shortMessage ?? result.code ?? 'unknown error'}`, cause: result });
}

/** Checked up front: a missing cwd would otherwise look like a missing binary (both are ENOENT). */
export async function resolveCwd(workspace: string, cwd: string | undefined): Promise<string> {
  const dir = path.resolve(workspace, cwd ?? '.');
  const shown = cwd === undefined ? `workspace ${dir}` : `cwd "${cwd}"${cwd === dir ? '' : ` (${dir})`}`;
  let stats;
  try {
    stats = await stat(dir);
  } catch {
    throw new ToolError({ message: `${shown} does not exist` });
  }
  if (!stats.isDirectory()) throw new ToolError({ message: `${shown} is not a directory` });
  return dir;
}

let shellPath: string | true | undefined;

// Commands written by people and models use bash-isms (pipefail, [[ ]], arrays);
// plain sh (dash on Debian) would fail them in confusing ways.
function preferredShell(): string | true {
  shellPath ??= existsSync('/bin/bash') ? '/bin/bash' : true;
  return shellPath;
}
