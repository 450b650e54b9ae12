import type { Args, Inner } from './program-rules.js';
import { maxRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';
import { literalWord } from './shell-syntax.js';

/** less's short flags that take no value: they may come before -o/-O in a cluster (`-Ro f`). */
const LESS_BARE_SHORT = /^-[aAcCdeEfFgGiIJKLmMnNqQrRsSuUVwWX~]*[oO]/;

/**
 * less shows files, but `-o f`/`-O f`/`--log-file=f` (any unambiguous prefix: `--log=f`) copy its input to f, and a
 * `+!cmd` it runs at start is a shell command: `less '+!rm -rf x' f` is as risky as `rm -rf x`.
 */
export async function lessRisk(args: Args, _words: unknown, inner: Inner): Promise<StepRisk> {
  let risk: StepRisk = readRisk('less');
  for (const arg of args) {
    if (arg === undefined || arg === '--') break;
    const long = arg.startsWith('--') ? arg.split('=')[0]!.toLowerCase() : undefined;
    if ((long !== undefined && long.length >= 5 && '--log-file'.startsWith(long)) || (long === undefined && LESS_BARE_SHORT.test(arg))) risk = maxRisk(risk, writeRisk('less -o writes a log file'));
    const command = /^\+[^!]*!([\s\S]*)$/.exec(arg)?.[1];
    if (command !== undefined) risk = maxRisk(risk, maxRisk(writeRisk('less +! runs a shell command'), await inner(['sh', '-c', command].map(literalWord), 'in less +!')));
  }
  return risk;
}

/** file only reads, but `-C` (`--compile`, or a prefix such as `--comp`) writes a compiled magic file (`x.mgc` for `-m x`). */
export function fileRisk(args: Args): StepRisk {
  const compiles = args.some((arg) => arg !== undefined && (/^-[bcdEhiklLNnprsSvz0]*C/.test(arg) || (arg.length >= 4 && arg.startsWith('--') && '--compile'.startsWith(arg))));
  return compiles ? writeRisk('file -C writes a compiled magic file') : readRisk('file');
}
