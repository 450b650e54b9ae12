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

/** What a command asks approval for, in its own words. */
export type ApprovalWording = {
  readonly yes?: boolean;
  /** Asked at the terminal, answered y/N. */
  readonly question: string;
  /** The one line when there is no terminal and no --yes: what would be done, and to pass --yes. */
  readonly refusal: string;
  /** Said when the user answers no. */
  readonly rejected: string;
};

/**
 * Nothing runs without approval: `--yes`, or y at the prompt. Without a
 * terminal and without --yes it refuses (exit 2). Returns ExitCode.ok when
 * approved, else the exit code to end with.
 */
export async function obtainApproval(io: CliIO, { yes, question, refusal, rejected }: ApprovalWording): Promise<ExitCodeValue> {
  if (yes) return ExitCode.ok;
  if (!canPrompt(io)) throw new CliError({ message: refusal });
  const answer = await askApproval(io, question);
  if (answer === 'interrupted') return ExitCode.interrupted;
  if (answer === 'rejected') {
    io.stderr.write(`${rejected}\n`);
    return ExitCode.usage;
  }
  return ExitCode.ok;
}
