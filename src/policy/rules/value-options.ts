/**
 * Which options of a few programs take the next word as their value, so deny and ask rules read their operands
 * exactly (`ssh -i prod.pem staging-1` names the host staging-1, not prod.pem; `touch -r ref /x` touches /x only).
 * A program not listed, or an option not listed for it, may or may not take one: both readings are tried.
 */
type OptionTable = { readonly values: string; readonly flags: string; readonly longValues: readonly string[]; readonly longFlags: readonly string[] };

const GREP: OptionTable = {
  values: 'efmABCDd',
  flags: 'EFGPiyvwxcLloqshHbnrRTUzZa0123456789',
  longValues: ['--regexp', '--file', '--max-count', '--after-context', '--before-context', '--context', '--devices', '--directories', '--binary-files', '--label', '--include', '--exclude', '--exclude-dir', '--exclude-from'],
  longFlags: ['--ignore-case', '--no-ignore-case', '--invert-match', '--word-regexp', '--line-regexp', '--count', '--files-with-matches', '--files-without-match', '--only-matching', '--quiet', '--silent', '--no-messages', '--byte-offset', '--with-filename', '--no-filename', '--line-number', '--recursive', '--dereference-recursive', '--text', '--null', '--null-data', '--extended-regexp', '--fixed-strings', '--basic-regexp', '--perl-regexp', '--color', '--colour', '--initial-tab'],
};

const TABLES: Readonly<Record<string, OptionTable>> = {
  ssh: { values: 'BbcDEeFIiJLlmOoPpQRSWw', flags: '46AaCfGgKkMNnqsTtVvXxYy', longValues: [], longFlags: [] },
  touch: { values: 'drt', flags: 'acfhm', longValues: ['--date', '--reference', '--time'], longFlags: ['--no-create', '--no-dereference'] },
  tail: { values: 'cns', flags: 'fFqvz', longValues: ['--bytes', '--lines', '--sleep-interval', '--pid', '--max-unchanged-stats'], longFlags: ['--follow', '--retry', '--quiet', '--silent', '--verbose', '--zero-terminated'] },
  head: { values: 'cn', flags: 'qvz', longValues: ['--bytes', '--lines'], longFlags: ['--quiet', '--silent', '--verbose', '--zero-terminated'] },
  grep: GREP,
  egrep: GREP,
  fgrep: GREP,
};

/** `value`: the next word is its value; `flag`: it has none (or has it in the word); `unsure`: not known. */
export function optionValue(program: string, word: string): 'value' | 'flag' | 'unsure' {
  const table = TABLES[program];
  if (word.startsWith('--')) {
    if (word.includes('=')) return 'flag';
    if (table?.longValues.includes(word)) return 'value';
    return table?.longFlags.includes(word) ? 'flag' : 'unsure';
  }
  if (!/^-[A-Za-z]+$/.test(word)) return 'flag';
  if (!table) return 'unsure';
  for (const [index, letter] of [...word.slice(1)].entries()) {
    // A value-taking letter takes the rest of the word, or the next word when it is the last letter.
    if (table.values.includes(letter)) return index === word.length - 2 ? 'value' : 'flag';
    if (!table.flags.includes(letter)) return 'unsure';
  }
  return 'flag';
}
