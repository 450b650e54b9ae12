import { splitLongOption } from './long-option.js';
import type { Args } from './program-rules.js';
import { destroyRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';
import type { ShellWord } from './shell-syntax.js';

/** wget's short flags that take no value: they may come before one that does in a cluster (`-qO i.sh`, `-qO-`). */
export const WGET_BARE_SHORT = 'qvdcSNrpkKmEHLxF46';

/**
 * wget's long options, each with the shortest prefix (dashes included) GNU getopt may take for it: wget accepts any
 * unambiguous prefix (`--meth=DELETE`). Where builds differ (`--me` is --method unless wget has metalink), the shorter.
 */
const LONG: Readonly<Record<string, number>> = {
  '--method': 4,
  '--output-document': 10,
  '--output-file': 10,
  '--append-output': 4,
  '--post-data': 4,
  '--post-file': 4,
  '--body-data': 4,
  '--body-file': 4,
  '--spider': 5,
  '--execute': 5,
  '--config': 6,
  '--save-cookies': 8,
  '--warc-file': 8,
  '--rejected-log': 9,
};

/** The value of a wget option, short (`-O f`, `-qOf`) or long by any prefix wget takes (`--output-d=f`); undefined when absent. */
export function wgetOption(args: Args, long: string, short?: string): string | undefined {
  const shortest = LONG[long]!;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) continue;
    if (arg === '--') return undefined;
    if (arg.startsWith('--')) {
      const { name, value } = splitLongOption(arg);
      if (name.length >= shortest && long.startsWith(name)) return value ?? args[i + 1] ?? '';
      continue;
    }
    if (short === undefined || !arg.startsWith('-')) continue;
    const at = arg.indexOf(short, 1);
    if (at >= 1 && [...arg.slice(1, at)].every((letter) => WGET_BARE_SHORT.includes(letter))) return at === arg.length - 1 ? (args[i + 1] ?? '') : arg.slice(at + 1);
  }
  return undefined;
}

const present = (args: Args, long: string, short?: string) => wgetOption(args, long, short) !== undefined;

/** `-e robots=off`: wgetrc commands that only change how wget fetches (names compared without case, `-` or `_`). */
const HARMLESS_COMMAND = /^(robots|useragent|timeout|readtimeout|connecttimeout|dnstimeout|tries|waitretry|wait|checkcertificate|header|quiet|verbose|retryconnrefused|httpsonly|maxredirect|inet4only|inet6only|progress|showprogress|noproxy|useproxy|secureprotocol)$/;

/**
 * wget: a DELETE (by `--method`, any prefix of it, or `-e method=delete`) destroys; data sent, a log, cookies or a
 * file saved write; only a download to standard output (`-qO-`) or a `--spider` check reads.
 */
export function wgetRisk(args: Args, words: readonly ShellWord[]): StepRisk {
  // `--method "$M"`, `"--method=$M"`: a method chosen at run time may be DELETE, as for curl -X "$M".
  if (words.some((word, i) => word.literal === undefined && ((args[i - 1] !== undefined && /^--me/.test(args[i - 1]!) && '--method'.startsWith(args[i - 1]!)) || /^['"]*--me(t|th|tho|thod)?=/.test(word.text)))) return destroyRisk('wget --method chosen at run time (may be DELETE)');
  const method = wgetOption(args, '--method');
  const commands = wgetCommands(args);
  if (commands.includes(RUN_TIME_COMMAND)) return destroyRisk('wget -e with a command chosen at run time (may be method=DELETE)');
  if (method?.toUpperCase() === 'DELETE' || commands.includes('method=delete')) return destroyRisk('wget --method=DELETE');
  if ((method !== undefined && !/^(GET|HEAD|OPTIONS)$/i.test(method)) || ['--post-data', '--post-file', '--body-data', '--body-file'].some((option) => present(args, option))) return writeRisk('wget sends data');
  if (commands.some((command) => !HARMLESS_COMMAND.test(command.split('=')[0]!)) || present(args, '--config')) return writeRisk('wget runs wgetrc commands that may save files or send data');
  if (present(args, '--output-file', 'o') || present(args, '--append-output', 'a') || ['--save-cookies', '--warc-file', '--rejected-log'].some((option) => present(args, option))) return writeRisk('wget writes a log or a file');
  const output = wgetOption(args, '--output-document', 'O');
  if (output === '-' || output === '/dev/null' || present(args, '--spider')) return readRisk('wget to standard output');
  return writeRisk('wget saves a file');
}

const RUN_TIME_COMMAND = '(chosen at run time)';

/** The wgetrc commands given with `-e`/`--execute`, lower case, without `-`, `_` or spaces (`method=delete`). */
function wgetCommands(args: Args): string[] {
  const found: string[] = [];
  for (let i = 0; i < args.length; i++) {
    // Each word on its own, with the next as its value: `-e a=1 -e b=2` gives both.
    const value = args[i] === undefined || wgetOption([args[i]], '--execute', 'e') === undefined ? undefined : wgetOption([args[i], args[i + 1] ?? ''], '--execute', 'e');
    if (value === undefined) continue;
    // `-e "$X"`: a command chosen at run time may be method=DELETE.
    const chosen = value === '' && i + 1 < args.length && args[i + 1] === undefined;
    found.push(chosen ? RUN_TIME_COMMAND : value.toLowerCase().replace(/[-_\s]/g, ''));
  }
  return found;
}
