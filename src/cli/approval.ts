import { createInterface } from 'node:readline';
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
