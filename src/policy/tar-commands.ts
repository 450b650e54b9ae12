import type { Args, Inner } from './program-rules.js';
import { destroyRisk, maxRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';
import { splitLongOption } from './long-option.js';
import { literalWord, type ShellWord } from './shell-syntax.js';

/** tar's long options whose value is a command it runs; GNU tar takes any unambiguous prefix (`--use=`, `--checkpoint-act=`). */
const TAR_COMMAND_OPTIONS = ['--to-command', '--checkpoint-action', '--use-compress-program', '--info-script', '--new-volume-script', '--rsh-command', '--rmt-command'];
/** tar's short options that take a value; `-I` (--use-compress-program) and `-F` (--info-script) name a command. */
const TAR_VALUE_SHORT = 'bCfFgHIKLNTVX';
const TAR_COMPRESSOR = /^\s*(gzip|pigz|bzip2|pbzip2|lbzip2|xz|pixz|zstd|pzstd|lz4|lzip|plzip|lzop|lzma|brotli|compress)(\s+-[A-Za-z0-9]+)*\s*$/;

/** The commands a tar command line tells tar to run: undefined for one known only at run time. */
function tarCommands(args: Args): { option: string; command: string | undefined }[] {
  const found: { option: string; command: string | undefined }[] = [];
  const pending: string[] = [];
  const take = (option: string, value: string | undefined) => {
    if (option === '-I' || option === '-F') found.push({ option, command: value });
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) {
      // A word built at run time is the value of the option before it, or may be any option (`--to-command=…`).
      const option = pending.shift();
      if (option === undefined) found.push({ option: 'with arguments built at run time', command: undefined });
      else take(option, undefined);
      continue;
    }
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      const { name, value: attached } = splitLongOption(arg);
      // --checkpoint is an option of its own, not short for --checkpoint-action.
      const full = name.length >= 5 && name !== '--checkpoint' ? TAR_COMMAND_OPTIONS.find((option) => option.startsWith(name)) : undefined;
      if (full === undefined) continue;
      const value = attached ?? args[++i];
      if (full !== '--checkpoint-action') found.push({ option: full, command: value });
      else if (value === undefined || value.startsWith('exec=')) found.push({ option: full, command: value?.slice(5) });
      continue;
    }
    // `-tvI prog`, `-Iprog`, and the old style `tIf prog x.tar`, whose values follow in order.
    const cluster = arg.startsWith('-') ? arg.slice(1) : i === 0 && /^[A-Za-z]+$/.test(arg) ? arg : undefined;
    if (cluster === undefined) {
      const option = pending.shift();
      if (option !== undefined) take(option, arg);
      continue;
    }
    for (let at = 0; at < cluster.length; at++) {
      const letter = cluster[at]!;
      if (!TAR_VALUE_SHORT.includes(letter)) continue;
      if (!arg.startsWith('-')) pending.push(`-${letter}`);
      else {
        take(`-${letter}`, at + 1 < cluster.length ? cluster.slice(at + 1) : args[++i]);
        break;
      }
    }
  }
  return found;
}

/** `tar tf x.tar -I './evil.sh'` runs a program even when it only lists: each command it is told to run counts. */
export async function tarRisk(args: Args, _words: readonly ShellWord[], inner: Inner): Promise<StepRisk> {
  if (args.some((arg) => arg === '--delete')) return destroyRisk('tar --delete');
  const mode = args.find((arg) => arg !== undefined && (/^-?[A-Za-z]+$/.test(arg) || arg.startsWith('--')));
  let risk = mode !== undefined && (/^-?[^-]*t/.test(mode) || mode === '--list') ? readRisk('tar lists an archive') : writeRisk('tar writes files');
  for (const { option, command } of tarCommands(args)) {
    if (command === undefined) {
      risk = maxRisk(risk, writeRisk(option.startsWith('-') ? `tar ${option} runs a command chosen at run time` : `tar ${option} may run a command`));
      continue;
    }
    // `-I zstd`, `--use-compress-program='xz -T0'`: a compressor filters the archive and nothing else.
    if ((option === '-I' || option === '--use-compress-program') && TAR_COMPRESSOR.test(command)) continue;
    const found = await inner(['sh', '-c', command].map(literalWord), `in tar ${option}`);
    risk = maxRisk(risk, maxRisk(found, writeRisk(`tar ${option} runs ${command}`.slice(0, 100))));
  }
  return risk;
}
