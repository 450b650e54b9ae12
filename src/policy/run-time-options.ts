import { attachedValueRisk, writtenEnd, writtenPrefix, writtenStart } from './attached-values.js';
import { gitVerbAt } from './git-commands.js';
import { holdsTemplate } from './placeholders.js';
import { maxRisk, writeRisk, type StepRisk } from './risk-level.js';
import { literalWord, type ShellWord } from './shell-syntax.js';

/**
 * Programs rated `read` only because none of their words is an option (or an extra operand) that writes, deletes
 * or runs a command, with such an option for example. A word known only at run time may be that option.
 */
const WRITING_OPTIONS: Readonly<Record<string, string>> = {
  curl: '-d @file, -o file',
  wget: '--post-file, -O file',
  sort: '-o file, --compress-program',
  journalctl: '--vacuum-size, --rotate',
  tar: '--to-command, --checkpoint-action',
  tree: '-o file',
  rg: '--pre CMD',
  less: '-o file',
  file: '-C',
  date: '-s',
  uniq: 'a second file, which it writes',
  xxd: 'a second file, which it writes',
  make: '--eval, --what-if',
  terraform: '-out=file',
  tofu: '-out=file',
  hash: '-p',
  crontab: '-r',
};

/** git's reading subcommands whose options write a file or run a command (`--output=f`, `grep -O`, `fsck --lost-found`, `reflog expire`). */
const GIT_WRITING_OPTIONS = /^(log|show|diff|whatchanged|shortlog|grep|fsck|reflog)$/;

/** `"$@"`, `"${A[@]}"`, `$*`, `"${A[*]}"`, `"${@:2}"`: a list of arguments, quoted or not. */
const ARGUMENT_LIST = /\$[@*]|\$\{!?(?:[@*]|[A-Za-z_][A-Za-z0-9_]*\[[@*]\])/;
/** `"${F:+--output=f}"`, `${X:--o}`: an expansion whose alternative or default is an option. */
const OPTION_ALTERNATIVE = /\$\{[^}]*?[-+=?]['"]?-/;

/** A long option written with its value known only at run time: `--output="$F"`, `"--format=$FMT"`. */
const LONG_OPTION_WITH_VALUE = /^['"]*(--[A-Za-z0-9][A-Za-z0-9-]*=)/;

/** Rates a command again with other words (the program's rule). */
export type Rerate = (words: readonly ShellWord[]) => StepRisk | Promise<StepRisk>;

/**
 * A read-rated program given a word known only at run time that may be one of its options is at least `write`:
 * `sort $OPTS f` may be `sort -o f`, `git log "${ARGS[@]}"` may be `git log --output=f`. Which words may be options:
 * - an unquoted expansion anywhere in the word (`$X`, `${X:+…}`, `$(…)`, `` `…` ``, `x$Y`): the shell splits its
 *   value into any number of words;
 * - a list of arguments (`"$@"`, `"${A[@]}"`, `$*`), quoted or not;
 * - a word written as an option with a part known at run time (`-o"$F"`, `-"$X"`: any short flags may follow), unless
 *   that part is the quoted value of a short option that takes one (`sort -k"$K"`, see attached-values.ts), or
 *   made by a brace expansion (`{-o,f}`), or an expansion whose alternative is an option (`"${F:+-o f}"`).
 * A long option whose name is written (`--format="$FMT"`, `--output="$F"`) is rated as that option with some value.
 * A quoted scalar (`"$X"`, `"$1"`, `"$(cat f)"`) stays one word, written where the command takes an operand (a file,
 * a ref, a URL): it is taken as one, so `sort "$F"`, `git log "$REF"` and `curl "$URL"` stay `read`. So are a number
 * (`$((N+1))`, `$#`), a glob, and any word after `--`, which ends the options.
 */
export async function withRunTimeOptions(name: string, args: readonly ShellWord[], risk: StepRisk, rerate: Rerate): Promise<StepRisk> {
  if (risk.level !== 'read') return risk;
  const texts = args.map((word) => word.literal);
  let example = Object.hasOwn(WRITING_OPTIONS, name) ? WRITING_OPTIONS[name] : undefined;
  const verb = name === 'git' ? texts[gitVerbAt(texts)] : undefined;
  if (verb !== undefined && GIT_WRITING_OPTIONS.test(verb)) example = '--output=file';
  if (example === undefined) return risk;
  // uniq and xxd write a second file operand, wherever it is; for the others `--` ends the options.
  const end = name === 'uniq' || name === 'xxd' || name === 'curl' ? -1 : texts.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  // `--format=$FMT` unquoted still splits: the words after it may be options.
  const named = options.map((word) => (word.literal === undefined && !ARGUMENT_LIST.test(word.text) && !unquotedExpansion(word.text) ? LONG_OPTION_WITH_VALUE.exec(word.text)?.[1] : undefined));
  // `sort -k"$K"`: a quoted value attached to an option that takes one is that option's.
  const attached = options.map((word, i) => (named[i] === undefined && mayBeOptions(word) ? attachedValueRisk(name, verb, args, i) : undefined));
  if (options.some((word, i) => named[i] === undefined && mayBeOptions(word) && attached[i] === undefined)) {
    // curl keeps the reason it gives `curl $ARGS`.
    return writeRisk(name === 'curl' ? 'curl with options built at run time (may send data)' : `${name} with words known only at run time, which may be options (${example})`);
  }
  // `curl -o"$F"` saves a file.
  const raised = attached.reduce<StepRisk>((highest, option) => (option === undefined ? highest : maxRisk(highest, option)), risk);
  if (named.every((option) => option === undefined)) return raised;
  // The value as written (`--output="$F"` is `--output=$F"` to the rule): a file or a program named at run time.
  return maxRisk(raised, await rerate(args.map((word, i) => (named[i] === undefined ? word : literalWord(named[i] + word.text.slice(word.text.indexOf(named[i]!) + named[i]!.length))))));
}

export function mayBeOptions(word: ShellWord): boolean {
  if (word.literal !== undefined) return false;
  const text = word.text;
  return ARGUMENT_LIST.test(text) || /^['"]*-/.test(text) || text.startsWith('{') || OPTION_ALTERNATIVE.test(text) || unquotedExpansion(text);
}

/**
 * Whether a word known only at run time may be, or bring, one of `flags` (`-destroy`, `--destroy`, with `=value` or
 * not): it may be options (mayBeOptions), unless the shell keeps it one word whose written start already makes it
 * another option (`-var="region=$R"`, `"-var-file=$F"`: no value after `-var=` makes it `-destroy`).
 */
export function mayBeFlag(word: ShellWord, flags: readonly string[]): boolean {
  if (!mayBeOptions(word)) return false;
  const written = writtenPrefix(word);
  return written === undefined || flags.some((flag) => flag.startsWith(written) || written.startsWith(`${flag}=`));
}

/** The values Go's (and pflag's) boolean flags take as true: `-destroy`, `-destroy=true`, `--prune=1`. */
const TRUE_VALUES = ['', '=1', '=t', '=T', '=true', '=TRUE', '=True'];

/**
 * Whether a word known only at run time, quoted or not, may set one of the boolean `flags`: one the shell may split
 * into options (mayBeFlag), or one word whose written start and end fit a spelling of one (`"$OPT"`, `"-$X"`,
 * `"${X}=true"`), not one its written text makes another word (`"$DIR/tfplan"`, `"plan-$ENV"`).
 */
export function maySetFlag(word: ShellWord, flags: readonly string[]): boolean {
  if (word.literal !== undefined) return false;
  if (mayBeOptions(word)) return mayBeFlag(word, flags);
  if (holdsTemplate(word)) return false;
  const start = writtenStart(word);
  const end = writtenEnd(word);
  return flags.some((flag) => TRUE_VALUES.some((value) => `${flag}${value}`.length >= start.length + end.length && `${flag}${value}`.startsWith(start) && `${flag}${value}`.endsWith(end)));
}

/** Whether a word holds an expansion outside quotes, whose value the shell splits into words. */
function unquotedExpansion(text: string): boolean {
  return unquotedExpansions(text, false);
}

/** Whether a word holds a command's output (`$(…)`, backquotes) outside quotes, which the shell splits into words. */
export function unquotedSubstitution(text: string): boolean {
  return unquotedExpansions(text, true);
}

function unquotedExpansions(text: string, substitutions: boolean): boolean {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
    } else if (char === '\\') i++;
    else if (quote === '"') {
      if (char === '"') quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '`') return true;
    else if (char === '$') {
      const next = text[i + 1] ?? '';
      if (text.startsWith('$((', i)) {
        // `$((N+1))` is a number.
        const end = text.indexOf('))', i);
        if (end === -1) return true;
        i = end + 1;
      } else if (next === "'") {
        // `$'…'` is a literal string.
        for (i += 2; i < text.length && text[i] !== "'"; i++) if (text[i] === '\\') i++;
      } else if (substitutions ? next === '(' : /[A-Za-z0-9_{(@*]/.test(next)) return true;
    }
  }
  return false;
}
