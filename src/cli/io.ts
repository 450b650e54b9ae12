import type { Readable, Writable } from 'node:stream';
import { terminalSafe, visible } from '../tui/visible-text.js';
import { CliError } from './errors.js';

/** The process streams and environment, passed in so commands can be driven from tests. */
export type CliIO = {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  readonly stdin: Readable & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
};

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Made when first used: process.stdin of a pipe or a file loads Node's socket or file streams, and most commands never read it.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    // Read when a command needs it, inside its error handling: a folder whose path is longer than the system
    // allows (ERANGE), or one deleted under the shell (ENOENT), is a one-line error, not a crash.
    get cwd() {
      try {
        return process.cwd();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === 'ERANGE' ? 'its path is longer than the system allows' : code === 'ENOENT' ? 'it was deleted' : (error as Error).message;
        throw new CliError({ message: `the current folder cannot be used: ${why}; cd to another folder and try again` });
      }
    },
  };
}

/** A line of ksa's output; on a terminal, whatever in it would act on the terminal is shown instead (colours stay). */
export function writeLine(stream: Writable & { isTTY?: boolean }, line = ''): void {
  stream.write(`${stream.isTTY ? terminalSafe(line) : line}\n`);
}

/** `ksa: warning: …`: warnings quote files, plans and servers (a link's target, a tool's name), shown and never obeyed. */
export function writeWarning(stream: Writable, message: string): void {
  writeLine(stream, `ksa: warning: ${visible(message)}`);
}

/**
 * Resolves once what was written to stdout and stderr has been handed to them: a pipe to a slow reader
 * (`ksa run --json | jq`) queues writes in the process, and process.exit drops that queue, `run_finished`
 * and the summary with it. A reader that went away (EPIPE) or a stream closed ends the wait too.
 */
export async function outputWritten(streams: readonly Writable[] = [process.stdout, process.stderr]): Promise<void> {
  const pending = () => streams.some((stream) => !stream.destroyed && !stream.writableFinished && stream.writableLength > 0);
  while (pending()) await new Promise((resolve) => setTimeout(resolve, 5));
}
