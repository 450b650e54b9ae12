import type { Stdin } from './command-context.js';
import { programName } from './program-name.js';
import type { ShellWord } from './shell-syntax.js';

/** printf's backslash escapes that stand for one character. */
const PRINTF_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\u0007', b: '\b', f: '\f', v: '\v', e: '\u001b', E: '\u001b', '\\': '\\', '"': '"', "'": "'" };
/** How many times printf's format is used again for the arguments left; more is not followed. */
const MAX_FORMAT_ROUNDS = 100;

/**
 * The text a pipeline stage prints when it is known before running: `echo …`, `printf …`, `cat` of a known input.
 * Undefined when the text depends on something only the run knows, or on a format ksa does not follow.
 */
export function printed(words: readonly ShellWord[] | undefined, input: Stdin): string | undefined {
  const [program, ...args] = words ?? [];
  const name = program?.literal === undefined ? undefined : programName(program.literal);
  if (name === 'cat' && args.length === 0 && (input.kind === 'text' || input.kind === 'pipe')) return input.literal;
  if ((name !== 'echo' && name !== 'printf') || args.some((arg) => arg.literal === undefined)) return undefined;
  const texts = args.map((arg) => arg.literal!);
  if (name === 'printf') return printfOutput(texts[0] === '--' ? texts.slice(1) : texts);
  const flags = texts.findIndex((text) => !/^-[neE]+$/.test(text));
  const options = texts.slice(0, flags === -1 ? texts.length : flags).join('');
  const text = texts.slice(flags === -1 ? texts.length : flags).join(' ');
  // `echo -e 'a\nb'` prints two lines; a `\c` or an octal escape is not followed.
  return /e[^E]*$/.test(options) && text.includes('\\') ? unescaped(text, false) : text;
}

/** What `printf FORMAT ARGS…` prints: escapes, `%s`, `%b`, `%%`; any other directive is not followed. */
function printfOutput(texts: readonly string[]): string | undefined {
  const [format, ...args] = texts;
  if (format === undefined || format.startsWith('-')) return undefined;
  let output = '';
  let next = 0;
  for (let round = 0; round === 0 || (next < args.length && round < MAX_FORMAT_ROUNDS); round++) {
    const used = next;
    let failed = false;
    const text = format.replace(/%(.)|\\(.)/gs, (whole, directive?: string, escape?: string) => {
      if (escape !== undefined) return PRINTF_ESCAPES[escape] ?? ((failed = true), whole);
      if (directive === '%') return '%';
      if (directive === 's') return args[next++] ?? '';
      if (directive === 'b') {
        const value = unescaped(args[next++] ?? '', true);
        if (value === undefined) failed = true;
        return value ?? '';
      }
      failed = true;
      return whole;
    });
    if (failed) return undefined;
    output += text;
    if (next === used) break;
  }
  return next < args.length ? undefined : output;
}

/**
 * `echo -e` and `%b` text with its escapes applied; undefined for one not followed (octal, `\c`, `\x`). echo keeps
 * the backslash of `\"` and `\'`, so they count as not followed there.
 */
function unescaped(text: string, quotes: boolean): string | undefined {
  let failed = false;
  const value = text.replace(/\\(.)/gs, (whole, escape: string) => (quotes || (escape !== '"' && escape !== "'") ? PRINTF_ESCAPES[escape] : undefined) ?? ((failed = true), whole));
  return failed ? undefined : value;
}

/**
 * The text a shell reads from a here-document with no expansions in it. With the delimiter quoted (`<<'E'`) it is the
 * body as written; without, the shell first removes the backslash of `\$`, `` \` `` and `\\` and joins lines ending in
 * `\`, so `` \`rm -rf x\` `` runs rm.
 */
export function hereDocumentText(body: string, delimiter: string): string {
  if (/['"\\]/.test(delimiter)) return body;
  return body.replace(/\\([$`\\\n])/g, (_, char: string) => (char === '\n' ? '' : char));
}
