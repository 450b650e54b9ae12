import { readRisk, writeRisk, type StepRisk } from './risk-level.js';
import type { ShellWord } from './shell-syntax.js';

/**
 * A program's short options as getopt reads one word: `bare` flags take no value (more flags may follow them in the
 * word), `values` take one (the rest of the word is that value, whatever it holds).
 */
interface ShortOptions {
  readonly bare: string;
  readonly values: string;
}

/**
 * Short options whose value cannot make a program that reads write, with the flags (none of which writes) that may
 * come before them in a word. An option missing here (`sort -o`, `tree -o`, `date -s`, `make -f`) is not known to be
 * harmless, so its word still may bring options.
 */
const READING_VALUES: Readonly<Record<string, ShortOptions>> = {
  sort: { bare: 'bdfgiMhnRrVcCmsuz', values: 'ktST' },
  journalctl: { bare: 'afeqmkrxNl', values: 'unptTgSUobcDMF' },
  tree: { bare: 'adlfixpqNQugshDFvtcUrCAn', values: 'LIPHT' },
  date: { bare: 'uR', values: 'dfrI' },
  make: { bare: 'nskBqrRwdeSiL', values: 'CIjl' },
  crontab: { bare: 'l', values: 'u' },
  wget: { bare: 'qvdS46', values: 'TtUw' },
  rg: { bare: 'iIlLnNoqsSuUvwxcFHp0abz', values: 'eEfgtTmABCMjr' },
  less: { bare: 'RSFXNMmiIeEfgGJKLnqQrsuUVw', values: 'pxjbhyzP' },
};

/** git log, show, diff and whatchanged: -S/-G (pickaxe), -n, -L, -U, -O (order file) and -M/-C/-B/-l (similarity). */
const GIT_LOG_VALUES: ShortOptions = { bare: 'psuiwaRrtmzc', values: 'nSGLUOMCBl' };

/** curl's short options: its flags without a value, and every option that takes one. */
const CURL_SHORT: ShortOptions = { bare: 'sSfLiIvkqGgnNjJlpRVZ0123456#', values: 'AbcCdDeEFhHKmoPQrtTuUwxXyYz' };

/**
 * What a value known only at run time makes of curl's option: -o saves a file, -d/-F/-T send data, -c/-D/-w write
 * files (-w by `%output{f}`); a header, a time, a user, a range… only shape the request. -X (the method), -K (a file
 * of options, which may hold one) and -Q (commands sent to the server) are the curl rule's: they may delete.
 */
const CURL_VALUE_RISKS: Readonly<Record<string, StepRisk>> = {
  o: writeRisk('curl saves a file'),
  ...Object.fromEntries([...'dFT'].map((letter) => [letter, writeRisk('curl sends data')])),
  ...Object.fromEntries([...'cDw'].map((letter) => [letter, writeRisk('curl writes a file')])),
  ...Object.fromEntries([...'AbCeEhHmPrtuUxyYz'].map((letter) => [letter, readRisk('curl GET')])),
};

/** The curl option (other than -X, -K and -Q) whose quoted value a word attaches (`-H"Authorization: $T"` is -H). */
export function curlAttachedOption(word: ShellWord): string | undefined {
  const option = attachedOption(word, CURL_SHORT);
  return option !== undefined && Object.hasOwn(CURL_VALUE_RISKS, option) ? option : undefined;
}

/**
 * terraform's and tofu's options (Go flags: one dash or two, the value after `=`) whose value cannot make a reading
 * command (`plan`, `show`, `console`) write; `-out=` writes a file, so it is not here.
 */
const TERRAFORM_READING_VALUES = /^--?(var|var-file|target|replace|lock|lock-timeout|parallelism|chdir)=/;

/**
 * How a word with a value known only at run time rates for program `name` (git's `verb`) when it is a short option
 * with that value attached and quoted (`sort -k"$K"`, `git log -S"$TERM"`): as that option, whatever the value. The
 * word is one word (its run-time part is quoted), and getopt takes the rest of it after a value-taking option as the
 * value, so it cannot bring other options. Undefined when the word may: the run-time part is unquoted (`-s$F` splits),
 * the letters before it take no value (`-x"$A"`, `-"$X"`: more flags may follow), or the option is not known to be
 * harmless. terraform's `-var="region=$REGION"` is one word too, its option's name written. An empty value makes the option take the next word: a `--` after it then does not end the options, so the
 * words after that `--` must not look like options (`git log -S"$X" -- src/`, not `-- -o`).
 */
export function attachedValueRisk(name: string, verb: string | undefined, words: readonly ShellWord[], at: number): StepRisk | undefined {
  if (words[at + 1]?.literal === '--' && words.slice(at + 2).some((word) => word.literal === undefined || word.literal.startsWith('-'))) return undefined;
  if (name === 'terraform' || name === 'tofu') {
    const option = TERRAFORM_READING_VALUES.exec(writtenPrefix(words[at]!) ?? '')?.[1];
    return option === undefined ? undefined : readRisk(`${name} -${option}`);
  }
  if (name === 'curl') {
    const option = curlAttachedOption(words[at]!);
    return option === undefined ? undefined : CURL_VALUE_RISKS[option];
  }
  const options = name === 'git' ? (verb !== undefined && /^(log|show|diff|whatchanged)$/.test(verb) ? GIT_LOG_VALUES : undefined) : Object.hasOwn(READING_VALUES, name) ? READING_VALUES[name] : undefined;
  if (options === undefined) return undefined;
  const option = attachedOption(words[at]!, options);
  return option === undefined ? undefined : readRisk(`${name} -${option}`);
}

/** The short option of `options` whose value a word known only at run time holds (`-uk"$K"` is -k), if it is one. */
export function attachedOption(word: ShellWord, options: ShortOptions): string | undefined {
  const written = writtenPrefix(word);
  if (written === undefined || !written.startsWith('-')) return undefined;
  for (const letter of written.slice(1)) {
    if (options.values.includes(letter)) return letter;
    if (!options.bare.includes(letter)) return undefined;
  }
  return undefined;
}

/**
 * The part of a word written before its first expansion (`-k` of `-k"$K"`, `-S` of `"-S$TERM"`), when every expansion
 * of it is quoted and makes no list (`"$@"`, `"${A[@]}"`): the shell then gives one word. Undefined otherwise, and for
 * an unquoted glob or brace, which may make several words.
 */
export function writtenPrefix(word: ShellWord): string | undefined {
  const text = word.text;
  if (word.literal !== undefined || /\$[@*]|\$\{[^}]*[@*]/.test(text)) return undefined;
  // Quotes nested in a command substitution (`"$(echo "a b")"`) are beyond this reading.
  if (/\$\(|`/.test(text) && (text.match(/"/g)?.length ?? 0) > 2) return undefined;
  let prefix = '';
  let expanded = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else if (!expanded) prefix += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '$' || char === '`') expanded = true;
      else if (char === '\\' && /[$`"\\\n]/.test(text[i + 1] ?? '')) {
        i++;
        if (!expanded) prefix += text[i];
      } else if (!expanded) prefix += char;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '\\') {
      i++;
      if (!expanded) prefix += text[i] ?? '';
    } else if (/[$`*?[{]/.test(char)) return undefined;
    else if (!expanded) prefix += char;
  }
  return expanded && quote === undefined ? prefix : undefined;
}

/**
 * What a word known only at run time surely starts with: its text up to its first expansion, quotes and escapes
 * resolved, whether or not that expansion is quoted (`-chdir=` of `-chdir=$D`, `~/plans/` of `~/plans/$P`); '' when
 * it starts with one (`$X`, `"$X"`, `{a,b}`, a glob).
 */
export function writtenStart(word: ShellWord): string {
  if (word.literal !== undefined) return word.literal;
  const text = word.text;
  let start = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else start += char;
    } else if (char === '$' || char === '`') return start;
    else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && /[$`"\\\n]/.test(text[i + 1] ?? '')) start += text[++i];
      else start += char;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '\\') start += text[++i] ?? '';
    else if (/[*?[{]/.test(char)) return start;
    else start += char;
  }
  return start;
}

/**
 * What a word known only at run time surely ends with: its text after its last expansion (or unquoted glob), quotes
 * and escapes resolved (`/tfplan` of `"$DIR/tfplan"`); '' when it ends with one (`"$X"`, `x$(…)`).
 */
export function writtenEnd(word: ShellWord): string {
  if (word.literal !== undefined) return word.literal;
  const text = word.text;
  let end = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const expansion = quote === "'" ? undefined : expansionEnd(text, i);
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else end += char;
    } else if (expansion !== undefined) {
      i = expansion - 1;
      end = '';
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && /[$`"\\\n]/.test(text[i + 1] ?? '')) end += text[++i];
      else end += char;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '\\') end += text[++i] ?? '';
    else if (/[*?[{]/.test(char)) end = '';
    else end += char;
  }
  return end;
}

/** Where the expansion starting at `at` (`$X`, `${…}`, `$(…)`, a backquote, `$1`) ends; undefined when none starts there. */
function expansionEnd(text: string, at: number): number | undefined {
  if (text[at] === '`') {
    let i = at + 1;
    while (i < text.length && text[i] !== '`') i += text[i] === '\\' ? 2 : 1;
    return Math.min(i + 1, text.length);
  }
  if (text[at] !== '$') return undefined;
  const open = text[at + 1];
  if (open === '(' || open === '{') {
    const close = open === '(' ? ')' : '}';
    let depth = 0;
    for (let i = at + 1; i < text.length; i++) {
      if (text[i] === open) depth++;
      else if (text[i] === close && --depth === 0) return i + 1;
    }
    return text.length;
  }
  const name = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(text.slice(at + 1));
  return name === null ? undefined : at + 1 + name[0].length;
}
