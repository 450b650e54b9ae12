import { describeUnsetEnvRead, type UnsetEnvRead } from '../planning/index.js';
import { CliError } from './errors.js';

/**
 * Refuses, before anything runs, a plan that plainly reads an allow-listed variable not set now (`reads`, as
 * unsetEnvReads or unsetEnvReadsOnResume find them): the step reading it would fail mid-run, after the steps
 * before it ran.
 */
export function refuseUnsetEnv(file: string, reads: readonly UnsetEnvRead[]): void {
  if (reads.length === 0) return;
  const [first, ...rest] = reads.map(describeUnsetEnvRead);
  const example = reads[0]!.name;
  throw new CliError({ message: `${file}: ${first}${rest.length > 0 ? ` (and ${rest.length} more)` : `; set it, or read it as has(env.${example}) ? env.${example} : "\u2026"`}; nothing was run`, details: rest.map((problem) => `  ${problem}`) });
}
