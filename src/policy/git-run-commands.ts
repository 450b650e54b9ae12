import { gitVerbAt } from './git-commands.js';
import type { Args } from './program-rules.js';
import { literalWord, type ShellWord } from './shell-syntax.js';

/** A command git runs for a subcommand, as words to rate (`sh -c LINE` for a shell line), and where it runs. */
export interface GitRunCommand {
  readonly words: readonly ShellWord[];
  readonly where: string;
}

/** git rebase's short options that take the rest of their word as a value: after one of them, an `x` is that value. */
const REBASE_VALUE_SHORT = /[sXCS]/;

/**
 * The commands git runs besides itself: `git rebase -x 'make test'` (`--exec`, `--exec=…`, a unique prefix such as
 * `--ex`, `-ixCMD`) runs each line with the shell after every commit it replays; `git bisect run ./t.sh args` runs its
 * words as a command (git quotes each one) at every step. A line or word known only at run time is handed on as it
 * is, so it is rated as code built at run time.
 */
export function gitRunCommands(args: Args, words: readonly ShellWord[], verbAt: number): GitRunCommand[] {
  const verb = args[verbAt];
  if (verb === 'grep') return grepPagers(args, words, verbAt + 1).map((line) => ({ words: [literalWord('sh'), literalWord('-c'), line], where: 'in git grep --open-files-in-pager' }));
  if (verb === 'rebase') return optionLines(REBASE_EXEC, args, words, verbAt + 1).map((line) => ({ words: [literalWord('sh'), literalWord('-c'), line], where: 'in git rebase --exec' }));
  // `git difftool -x 'cmd' HEAD~1`: each file pair goes to the line, run with the shell.
  if (verb === 'difftool') return optionLines(DIFFTOOL_EXTCMD, args, words, verbAt + 1).map((line) => ({ words: [literalWord('sh'), literalWord('-c'), line], where: 'in git difftool --extcmd' }));
  // `git bisect $SUB ./t.sh`: a subcommand chosen at run time may be run.
  const sub = args[verbAt + 1];
  if (verb === 'bisect' && (sub === 'run' || (sub === undefined && verbAt + 1 < args.length))) {
    const command = words.slice(verbAt + 2);
    return command.length === 0 ? [] : [{ words: command, where: 'in git bisect run' }];
  }
  return [];
}

/** git grep's short options that take a value (`-O`'s is optional, and only attached). */
const GREP_VALUE_SHORT = /[ABCefmO]/;

/**
 * `git grep -Ovim foo`, `--open-files-in-pager=CMD` (or a unique prefix, `--open=CMD`): git runs CMD with the shell on
 * the matching files. `-O` with no value opens them in the configured pager, which the existing rating covers.
 */
function grepPagers(args: Args, words: readonly ShellWord[], from: number): ShellWord[] {
  const lines: ShellWord[] = [];
  for (let i = from; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') break;
    if (arg === undefined) {
      if (/^['"]*(-[A-Za-z]*O|--op[a-z-]*=)/.test(words[i]!.text)) lines.push(words[i]!);
      continue;
    }
    const long = /^(--op[a-z-]*)=([\s\S]*)$/.exec(arg);
    if (long !== null && '--open-files-in-pager'.startsWith(long[1]!)) lines.push(literalWord(long[2]!));
    if (arg.startsWith('--') || !arg.startsWith('-')) continue;
    // In a cluster (`-lOvim`), the first option that takes a value takes the rest of the word, or the next word (`-e -Orm`).
    const at = [...arg].findIndex((letter, j) => j > 0 && GREP_VALUE_SHORT.test(letter));
    if (at === -1) continue;
    if (arg[at] === 'O') {
      if (at + 1 < arg.length) lines.push(literalWord(arg.slice(at + 1)));
    } else if (at === arg.length - 1) i++;
  }
  return lines;
}

/** The commands a git command line (its words after `git`) runs besides git itself, as words. */
export function commandsGitRuns(words: readonly ShellWord[]): (readonly ShellWord[])[] {
  const args = words.map((word) => word.literal);
  return gitRunCommands(args, words, gitVerbAt(args)).map((run) => run.words);
}

/**
 * An option of git's whose value is a shell line, as `-x` (short, after flags in its word) and a long name: `written`
 * tells the option in a word built at run time, `long` matches the long spelling (a unique prefix) with its `=value`,
 * and `valueShort` the short options whose value would take an `x` that follows them in the word.
 */
interface LineOption {
  readonly written: RegExp;
  readonly long: RegExp;
  readonly valueShort?: RegExp;
}

/** `git rebase -x CMD`, `-xCMD`, `-ix CMD`, `--exec[=]CMD` (or `--ex`, `--exe`). */
const REBASE_EXEC: LineOption = { written: /^['"]*(-[A-Za-z]*x|--ex)/, long: /^--(?:ex|exe|exec)(?:=(?<value>[\s\S]*))?$/, valueShort: REBASE_VALUE_SHORT };
/** `git difftool -x CMD`, `-xCMD`, `-yx CMD`, `--extcmd[=]CMD` (or a unique prefix, `--ext`). */
const DIFFTOOL_EXTCMD: LineOption = { written: /^['"]*(-[A-Za-z]*x|--ext)/, long: /^--ext(?:c|cm|cmd)?(?:=(?<value>[\s\S]*))?$/ };

/** The shell lines an option gives, after the verb; one built at run time is handed on as it is. */
function optionLines(option: LineOption, args: Args, words: readonly ShellWord[], from: number): ShellWord[] {
  const lines: ShellWord[] = [];
  for (let i = from; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') break;
    if (arg === undefined) {
      // `--exec="$CMD"`, `-x"$CMD"`: the option is written, its line is built at run time.
      if (option.written.test(words[i]!.text)) lines.push(words[i]!);
      continue;
    }
    const long = option.long.exec(arg);
    const short = arg.startsWith('--') ? null : /^-([A-Za-z]*?)x([\s\S]*)$/.exec(arg);
    const value = long !== null ? long.groups?.value : short !== null && !(option.valueShort?.test(short[1]!) ?? false) ? short[2] || undefined : null;
    if (value === null) continue;
    if (value !== undefined) lines.push(literalWord(value));
    else if (i + 1 < args.length) lines.push(words[++i]!);
  }
  return lines;
}
