/**
 * Whether the shell line that runs make, or the step's `env`, may give make a variable the Makefile reads, so its
 * built-in value (`$(CC)`: cc) or the Makefile's own is not the one make uses.
 */

/** The step's `env` variables that change what make reads: its options, other makefiles, a file the shell sources first. */
const STEP_ENV = /^(?:(?:GNU)?MAKEFLAGS|MFLAGS|MAKEFILES|MAKEOVERRIDES|BASH_ENV|ENV)$/;
/**
 * Text of the line after which any variable may be set: make's options and makefiles from the environment, code the
 * shell reads from elsewhere (`eval`, `source`, `. ./vars`), a file a shell sources first, tools that load an
 * environment from files or add arguments from their input.
 */
const ANY = new RegExp(
  [
    '\\b(?:(?:GNU)?MAKEFLAGS|MFLAGS|MAKEFILES|MAKEOVERRIDES|BASH_ENV|ENV)\\b',
    '(?<![\\w./-])(?:eval|source|xargs|parallel|envdir|chpst|dotenv|dotenvx|direnv|env-cmd|foreman|honcho)(?![\\w./-])',
    '(?:^|[;&|(){}!\\n]|\\b(?:then|do|else|time))\\s*\\.\\s+\\S',
  ].join('|'),
);
/** Builtins and programs that set variables by names that may be computed (`printf -v "$N"`, `export "$N=…"`, `env "$V" make`). */
const SETTERS = /(?<![\w./-])(?:export|declare|typeset|local|readonly|read|printf|mapfile|readarray|getopts|let|env|select|set|command|builtin)(?![\w./-])/;
/** Text the shell expands into other text: a name may be made of it (`C${E}C`, `{C,}C`, `C?`). */
const COMPUTED = /[$`*?[]|\{[^}\s]*(?:,|\.\.)[^}\s]*\}/;
const MAKES = /^(?:.*\/)?(?:g|b)?make$/;

/**
 * Whether make may be given a variable other than by the Makefile: the line names it anywhere, in any quoting
 * (`make "C"C=…`, `export CC`, `printf -v CC`, `${CC:=…}`), or lets any variable be set (a name computed at run time,
 * `. ./vars`, `eval`, the step's `env` setting MAKEFLAGS), or make's options let the environment win (`-e`,
 * `--env…`), run code (`--eval`, `-E`) or read several makefiles (`-f a.mk -f Makefile`, `makefiles`: more than
 * one the plan writes, which one may include). `env`: the variables the step's `env` sets.
 */
export function setForMake(line: string, env: readonly string[], makefiles = 1): (name: string) => boolean {
  // `C\<newline>C` is CC; `$'\x43C'` is a name the text does not show.
  const joined = line.replace(/\\\n/g, '');
  const text = joined.replace(/\$"/g, '"').replace(/["'\\]/g, '');
  const any =
    makefiles > 1 ||
    joined.includes("$'") ||
    env.some((name) => STEP_ENV.test(name)) ||
    ANY.test(text) ||
    (SETTERS.test(text) && COMPUTED.test(text)) ||
    makeOptionsSetAny(text);
  return (name) => any || env.includes(name) || new RegExp(`(?<![A-Za-z0-9_])${name.replace(/[.\\+*?^$()[\]{}|-]/g, '\\$&')}(?![A-Za-z0-9_])`).test(text);
}

/** GNU make's long options, which it takes by any prefix that names one alone (`--env`, `--dir`, `--makef`). */
const LONG_OPTIONS = ['--always-make', '--assume-new', '--assume-old', '--check-symlink-times', '--debug', '--directory', '--dry-run', '--environment-overrides', '--eval', '--file', '--help', '--ignore-errors', '--include-dir', '--jobs', '--jobserver-auth', '--jobserver-style', '--just-print', '--keep-going', '--load-average', '--makefile', '--max-load', '--new-file', '--no-builtin-rules', '--no-builtin-variables', '--no-keep-going', '--no-print-directory', '--no-silent', '--old-file', '--output-sync', '--print-data-base', '--print-directory', '--question', '--quiet', '--recon', '--shuffle', '--silent', '--stop', '--touch', '--trace', '--version', '--warn-undefined-variables', '--what-if'];

/** The long option of make a word names (`--makef=x`: `--makefile`), when it names one alone. */
export function makeLongOption(word: string): string | undefined {
  const name = word.split('=')[0]!;
  if (LONG_OPTIONS.includes(name)) return name;
  const matching = LONG_OPTIONS.filter((option) => option.startsWith(name));
  return name.length > 2 && matching.length === 1 ? matching[0] : undefined;
}

/** Long options of make that take the next word when not given one with `=`. */
const LONG_VALUES = ['--file', '--makefile', '--directory', '--include-dir', '--old-file', '--assume-old', '--what-if', '--new-file', '--assume-new', '--jobserver-auth', '--jobserver-style'];

/**
 * Whether a make the line runs reads variables from the environment first (`make -e`, `-ke`, `--env`), runs make code
 * given on the line (`-E`, `--eval`), reads more than one makefile (`-f a.mk -f Makefile`) or has a word computed at
 * run time. Long options count by any prefix make accepts (`--env`, `--environment`).
 */
function makeOptionsSetAny(text: string): boolean {
  const words = text.replace(/([;&|()<>{}\n])/g, ' ; ').split(/\s+/).filter(Boolean);
  for (let start = 0; start < words.length; start++) {
    if (!MAKES.test(words[start]!)) continue;
    let makefiles = 0;
    for (let i = start + 1; i < words.length && words[i] !== ';'; i++) {
      const word = words[i]!;
      if (word.startsWith('--')) {
        const [option, value] = word.split(/=(.*)/s) as [string, string | undefined];
        if (COMPUTED.test(option)) return true;
        const prefixOf = (long: string) => option.length >= 3 && long.startsWith(option);
        if (prefixOf('--environment-overrides') || prefixOf('--eval')) return true;
        const long = makeLongOption(option);
        if (long === '--file' || long === '--makefile') makefiles++;
        if (value === undefined && long !== undefined && LONG_VALUES.includes(long)) i++;
        continue;
      }
      // A target or an assignment (`CC=…`, which the line's text names); one computed at run time may be either.
      if (!word.startsWith('-') || word === '-') {
        if (COMPUTED.test(word)) return true;
        continue;
      }
      for (let j = 1; j < word.length; j++) {
        const letter = word[j]!;
        if (!/[A-Za-z]/.test(letter)) return true;
        if (letter === 'e' || letter === 'E') return true;
        if (letter === 'f') makefiles++;
        // An option that takes a value: the rest of the word, or the next one (`-C dir`, `-fvars.mk`).
        if ('CfIoW'.includes(letter)) {
          if (j === word.length - 1) i++;
          break;
        }
        if ('jlO'.includes(letter)) break;
      }
    }
    if (makefiles > 1) return true;
  }
  return false;
}
