import { createInterface } from 'node:readline';
import { CliError } from './errors.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { CliIO } from './io.js';

export type ApprovalAnswer = 'approved' | 'rejected' | 'interrupted';

/** y/N on the terminal; anything but y/yes is a no. Ctrl-C at the prompt is an interrupt. */
export function askApproval(io: CliIO, question: string): Promise<ApprovalAnswer> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
    let settled = false;
    const finish = (answer: ApprovalAnswer) => {
      if (settled) return;
      settled = true;
      rl.close();
      io.stdin.pause();
      resolve(answer);
    };
    rl.on('SIGINT', () => {
      io.stderr.write('\n');
      finish('interrupted');
    });
    rl.on('close', () => finish('rejected'));
    rl.question(`${question} [y/N] `, (answer) => finish(/^\s*y(es)?\s*$/i.test(answer) ? 'approved' : 'rejected'));
  });
}

/** Whether we may ask: both ends must be a terminal. */
export function canPrompt(io: CliIO): boolean {
  return io.stdin.isTTY === true && io.stderr.isTTY === true;
}

/**
 * Nothing runs without approval: `--yes`, or y at the prompt. Without a
 * terminal and without --yes it refuses (exit 2). Returns ExitCode.ok when
 * approved, else the exit code to end with.
 */
export async function obtainApproval(io: CliIO, { yes, question }: { yes?: boolean; question: string }): Promise<ExitCodeValue> {
  if (yes) return ExitCode.ok;
  if (!canPrompt(io)) {
    throw new CliError({
      message: 'not approved: this plan runs commands, and there is no terminal to ask for approval. Review the plan above and pass --yes to run it.',
    });
  }
  const answer = await askApproval(io, question);
  if (answer === 'interrupted') return ExitCode.interrupted;
  if (answer === 'rejected') {
    io.stderr.write('Not run: the plan was not approved.\n');
    return ExitCode.usage;
  }
  return ExitCode.ok;
}
