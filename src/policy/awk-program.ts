import { DELETING_CODE } from './deleting-code.js';
import { splitLongOption } from './long-option.js';
import type { Args, Inner } from './program-rules.js';
import { destroyRisk, maxRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';
import { literalWord, type ShellWord } from './shell-syntax.js';

/** awk's options that take a value (the next word, or attached: `-F,`, `--field-separator=,`); -f, -E, -i and -l load code. */
const AWK_VALUE_OPTIONS = /^(-[FvfEilW]|--(field-separator|assign|file|exec|include|load|source)(?==|$)|--(fi|fie|fiel|field|field-|field-s\w*|as|ass|assi|assig|fil|ex|exe|inc|incl|inclu|includ|lo|loa|so|sou|sour|sourc)(?==|$))/;
/** A command awk runs: `"cmd" | getline`, `print | "cmd"`, gawk's `|&`, `system("cmd")`. */
const AWK_COMMAND = /"((?:[^"\\]|\\.)*)"\s*\|&?\s*getline|\|&?\s*"((?:[^"\\]|\\.)*)"|\bsystem\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)/g;
/** The same, with the command held in a variable or built (`cmd | getline`, `print | cmd`, `system(cmd)`). */
const AWK_RUNS = /\|&?\s*getline|\|&?\s*[A-Za-z_(]|\bsystem\s*\(/;
/** `print … > "file"`, `printf … >> f`: a `>` in a print statement writes; elsewhere it compares (`NR>1`, `$3 > 100`). */
const AWK_PRINT_TO_FILE = /\bprintf?\b[^;{}\n]*?(?<![<>=!])>(?!=)/;

/**
 * `awk 'BEGIN{"rm -rf x" | getline}'` runs `rm -rf x`; `awk -f prog.awk` runs a program ksa cannot read.
 * Each command awk runs is rated as a shell line; output to a file is a write.
 */
export async function awkRisk(args: Args, _words: readonly ShellWord[], inner: Inner): Promise<StepRisk> {
  let program: string | undefined;
  let loaded: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) {
      if (program === undefined && loaded === undefined) return writeRisk('awk program built at run time');
      continue;
    }
    if (arg === '--') {
      program ??= loaded === undefined ? args[i + 1] : program;
      break;
    }
    const option = AWK_VALUE_OPTIONS.exec(arg);
    if (option !== null) {
      const long = arg.startsWith('--') ? splitLongOption(arg) : undefined;
      const attached = long ? long.value : arg.length > 2 ? arg.slice(2) : undefined;
      const value = attached ?? args[++i];
      const name = long ? long.name : option[1]!;
      if (/^(-[fEil]|--(fi|ex|inc|lo))/.test(name)) loaded ??= value ?? 'a file named at run time';
      if (name === '-i' && value === 'inplace') return writeRisk('awk edits files in place');
      continue;
    }
    if (arg === '--in-place') return writeRisk('awk edits files in place');
    if (arg.startsWith('-') && arg !== '-') continue;
    if (loaded === undefined) program ??= arg;
    break;
  }
  if (loaded !== undefined) return writeRisk(`awk runs the program file ${loaded}, which may write files or run commands`);
  if (program === undefined) return readRisk('awk prints');
  let risk = readRisk('awk prints');
  const commands = [...program.matchAll(AWK_COMMAND)].map((match) => match[1] ?? match[2] ?? match[3]!);
  // A command held in a variable may be any string the program holds.
  const built = program.replace(AWK_COMMAND, '').match(AWK_RUNS) !== null;
  const strings = built ? [...program.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1]!) : [];
  for (const command of [...commands, ...strings]) {
    const code = command.replace(/\\(.)/g, '$1');
    // `print | "sh"`: what awk prints becomes the shell's code.
    if (/^\s*(sh|bash|zsh|dash|ksh)\s*(-s\s*)?$/.test(code)) return destroyRisk(`awk pipes what it prints into ${code.trim()}: code nobody reviewed`);
    risk = maxRisk(risk, await inner(['sh', '-c', code].map(literalWord), 'in awk'));
  }
  if (built) risk = maxRisk(risk, DELETING_CODE.test(program) ? destroyRisk('awk program runs commands that delete') : writeRisk('awk program runs commands'));
  if (AWK_PRINT_TO_FILE.test(program)) risk = maxRisk(risk, writeRisk('awk program writes files'));
  return risk;
}
