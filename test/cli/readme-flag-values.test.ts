import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseSeconds, parseWholeNumber } from '../../src/cli/options.js';
import { REPO_ROOT } from '../helpers/cli.js';

// The README's paragraph on flag values is what users read before typing them: each
// example it gives must be read by ksa the way the paragraph says.

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const paragraph = readme.split(/\n\s*\n/).find((text) => text.includes('Counts (`--max-parallel`')) ?? '';
/** The part of the paragraph that starts at `flag` and ends before `end`. */
const clause = (flag: string, end: RegExp) => {
  const from = paragraph.indexOf(`\`${flag}\``);
  const rest = from < 0 ? '' : paragraph.slice(from);
  const stop = rest.search(end);
  return (stop < 0 ? rest : rest.slice(0, stop)).replace(/\s+/g, ' ');
};
/** The backticked values of a clause: what starts with a digit or a blank (not flags, units or command names). */
const examples = (text: string) => [...text.matchAll(/`([^`]*)`/g)].map((m) => m[1]!).filter((value) => /^[\d ]/.test(value));

describe('README: what each kind of flag value takes', () => {
  it('counts: the refused examples are refused', () => {
    const counts = clause('--max-parallel', /exit 2\./);
    expect(examples(counts)).toEqual(['0x10', '1e1', ' 4', '4.0']);
    for (const value of examples(counts)) expect(() => parseWholeNumber(value, '--limit')).toThrow(/whole number/);
  });

  it('--timeout: seconds, or a duration with its unit, and its examples are read so', () => {
    const timeout = clause('--timeout', /;/);
    expect(timeout).toMatch(/takes seconds/);
    expect(examples(timeout)).toEqual(['30', '2.5', '500ms', '5m']);
    expect(examples(timeout).map((value) => parseSeconds(value, '--timeout', 1))).toEqual([30_000, 2_500, 500, 300_000]);
  });

  it('--worker-wait: a duration with a unit, and its examples are read as durations', () => {
    const wait = clause('--worker-wait', /\)\./);
    expect(wait).toMatch(/takes a duration/);
    expect(examples(wait)).toEqual(['500ms', '30s', '5m', '1.5h', '120000']);
    expect(examples(wait).map((value) => parseDuration(value, '--worker-wait'))).toEqual([500, 30_000, 300_000, 5_400_000, 120_000]);
  });
});
