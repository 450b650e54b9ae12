import { GIT_COMMAND_OPTIONS, GIT_OPTIONS, PROGRAM_OPTIONS, type OptionTable } from './option-tables.js';

/**
 * Which options take the next word as their value, so deny and ask rules read a command's operands exactly
 * (`ssh -i prod.pem staging-1` names the host staging-1, not prod.pem; `touch -r ref /x` touches /x only). Where a
 * program's options are not known (option-tables.ts), or one is not in its table, it may or may not take one.
 */
export type OptionValue = 'value' | 'flag' | 'unsure';

/** How a command's words are read from one point on; an operand may change it (git's command has its own options). */
export type OptionReader = {
  /** `value`: the next word is its value; `flag`: it has none (or has it in the word); `unsure`: not known. */
  readonly option: (word: string) => OptionValue;
  /** Whether the word ends the options (`--`; git's commands also take `--end-of-options`). */
  readonly ends: (word: string) => boolean;
  /** The reader of the words after this operand. */
  readonly after: (operand: string) => OptionReader;
  /** Whether the option's value is the command's first operand written another way (`git push --repo origin`, `--rep=origin`). */
  readonly namesFirstOperand: (word: string) => boolean;
};

export function optionReader(program: string): OptionReader {
  if (program === 'git') return gitReader;
  const table = PROGRAM_OPTIONS[program];
  return table === undefined ? UNKNOWN : tableReader(table);
}

const UNKNOWN: OptionReader = { option: (word) => optionValue(undefined, word), ends: (word) => word === '--', after: () => UNKNOWN, namesFirstOperand: () => false };

const readers = new Map<OptionTable, OptionReader>();

function tableReader(table: OptionTable): OptionReader {
  const known = readers.get(table);
  if (known) return known;
  const ends = table.abbreviations === 'git' ? (word: string) => word === '--' || word === '--end-of-options' : (word: string) => word === '--';
  const reader: OptionReader = { option: (word) => optionValue(table, word), ends, after: () => reader, namesFirstOperand: (word) => namesFirstOperand(table, word) };
  readers.set(table, reader);
  return reader;
}

/** git's own options, then its command's (an alias or a command not listed: not known). */
const gitReader: OptionReader = {
  option: (word) => optionValue(GIT_OPTIONS, word),
  ends: (word) => word === '--',
  after: (command) => {
    const table = GIT_COMMAND_OPTIONS[command];
    return table === undefined ? UNKNOWN : tableReader(table);
  },
  namesFirstOperand: () => false,
};

/**
 * `--repo origin`, `--repo=origin`, `--rep origin`: a long option, written in full or shortened as far as its program
 * allows, that may stand for one whose value is the first operand. A shortening that may also name another is taken as
 * it: the rule meets one more reading, never one less.
 */
function namesFirstOperand(table: OptionTable, word: string): boolean {
  if (table.firstOperand === undefined || !word.startsWith('--')) return false;
  const name = word.split('=')[0]!;
  if (table.firstOperand.includes(name)) return true;
  return table.abbreviations !== 'exact' && name.length > 2 && !longNames(table).has(name) && table.firstOperand.some((option) => option.startsWith(name));
}

function optionValue(table: OptionTable | undefined, word: string): OptionValue {
  if (word.startsWith('--')) {
    if (word.includes('=')) return 'flag';
    return table === undefined ? 'unsure' : longOptionValue(table, word);
  }
  // A cluster of letters and digits (`-mt`, `-4i`); anything else (`-1.5`, `-@`) is read as no option taking a value.
  if (!/^-[A-Za-z0-9]+$/.test(word)) return 'flag';
  if (!table) return 'unsure';
  for (const [index, letter] of [...word.slice(1)].entries()) {
    // A value-taking letter takes the rest of the word, or the next word when it is the last letter.
    if (table.values.includes(letter)) return index === word.length - 2 ? 'value' : 'flag';
    if (!table.flags.includes(letter)) return 'unsure';
  }
  return 'flag';
}

/**
 * A long option written in full, or shortened as its program allows (`touch --ref x` is `--reference x`): the
 * options it may stand for must agree, else (or with none) it is unsure; the program refuses an ambiguous one.
 */
function longOptionValue(table: OptionTable, word: string): OptionValue {
  const names = longNames(table);
  const exact = names.get(word);
  if (exact !== undefined) return exact;
  if (table.abbreviations === 'exact') return 'unsure';
  const meant = new Set([...names].filter(([name]) => name.startsWith(word)).map(([, value]) => value));
  return meant.size === 1 ? [...meant][0]! : 'unsure';
}

const namesOf = new Map<OptionTable, ReadonlyMap<string, OptionValue>>();

/** Every long name a table's program accepts in full, with whether it takes a value. */
function longNames(table: OptionTable): ReadonlyMap<string, OptionValue> {
  const known = namesOf.get(table);
  if (known) return known;
  const names = new Map<string, OptionValue>();
  // git reads `--no-x` as the negation of `--x` (and `--x` as that of `--no-x`): a negation takes no value.
  if (table.abbreviations === 'git') {
    for (const name of [...table.longValues, ...table.longFlags]) names.set(name.startsWith('--no-') ? `--${name.slice(5)}` : `--no-${name.slice(2)}`, 'flag');
  }
  for (const name of table.longFlags) names.set(name, 'flag');
  for (const name of table.longValues) names.set(name, 'value');
  namesOf.set(table, names);
  return names;
}
