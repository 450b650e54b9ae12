import type { CliIO } from './io.js';
import { outputWritten } from './io.js';
import { problemWords } from './file-system-error.js';

/** How a command's output could not be written: which stream, and why. */
export type OutputFailure = { readonly stream: 'stdout' | 'stderr'; readonly error: NodeJS.ErrnoException };

/**
 * Write errors on stdout and stderr never end ksa: `ksa run --json | head -1` (EPIPE) or `> file` on a full
 * disk (ENOSPC) must not crash a run half-way, with no rollback and no record; the output is dropped and the
 * run goes on. A reader that went away (EPIPE, a closed terminal's EIO) is the user's choice; any other
 * failure is remembered, so the command can say its output was lost and not exit 0 (`ksa runs > full-disk`).
 */
export function watchOutputErrors(io: CliIO): () => OutputFailure | undefined {
  let failure: OutputFailure | undefined;
  for (const [name, stream] of [['stdout', io.stdout], ['stderr', io.stderr]] as const) {
    if (stream.listenerCount('error') > 0) continue;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'EIO' || error.code === 'ERR_STREAM_DESTROYED') return;
      failure ??= { stream: name, error };
    });
  }
  return () => failure;
}

/** The command's exit code once its output is out: a lost output is said (on stderr, if it still works) and fails a command that succeeded. */
export async function afterOutput(io: CliIO, code: number, failed: () => OutputFailure | undefined): Promise<number> {
  await outputWritten([io.stdout, io.stderr]);
  // A failed write's error is emitted on a later tick than the write that queued it.
  await new Promise((resolve) => setImmediate(resolve));
  const failure = failed();
  if (!failure) return code;
  if (failure.stream === 'stdout' && !io.stderr.destroyed) io.stderr.write(`ksa: could not write the output to stdout: ${reason(failure.error)}\n`);
  return code === 0 ? 1 : code;
}

function reason(error: NodeJS.ErrnoException): string {
  return `${problemWords(error.code) ?? error.message}${error.code ? ` (${error.code})` : ''}`;
}
