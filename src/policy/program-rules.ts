import { curlAttachedOption } from './attached-values.js';
import { mayBeOptions } from './run-time-options.js';
import { awkRisk } from './awk-program.js';
import { gitRisk } from './git-commands.js';
import { has, hasShort, positional } from './option-words.js';
import { destroyProgramReason, programName } from './program-name.js';
import { splitLongOption } from './long-option.js';
import { destroyRisk, maxRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';
import { sedEffects } from './sed-script.js';
import { fdRisk, rgRisk } from './search-tools.js';
import { fileRisk, lessRisk } from './file-viewers.js';
import { wgetOption, wgetRisk } from './wget-options.js';
import { tarRisk } from './tar-commands.js';
import { terraformRisk } from './terraform-commands.js';
import { treeRisk } from './tree-command.js';
import { unzipRisk } from './unzip-command.js';
import { npmVersionRisk } from './npm-version.js';
import { literalWord, type ShellWord } from './shell-syntax.js';
import { findCommands } from './placeholders.js';

/** Arguments as text; words only known at run time are `undefined`. */
export type Args = readonly (string | undefined)[];

/** Runs the classifier on a command found inside another's arguments (`find -exec rm {} ;`). */
export type Inner = (words: readonly ShellWord[], where: string) => Promise<StepRisk>;

export type ProgramRule = (args: Args, words: readonly ShellWord[], inner: Inner) => StepRisk | Promise<StepRisk>;

const QUIET_TARGETS = /^\/dev\/(null|stdout|stderr|tty|fd\/[0-2])$/;
export const DEVICE_TARGET = /^\/dev\/(sd|hd|vd|xvd|nvme|mmcblk|disk|md|dm-|mapper\/|loop|mem|kmem|port)/;

export const PROGRAM_RULES: Readonly<Record<string, ProgramRule>> = {
  rm(args) {
    const recursive = hasShort(args, 'r', '--recursive') || hasShort(args, 'R');
    const force = hasShort(args, 'f', '--force');
    return destroyRisk(recursive && force ? 'rm -rf' : recursive ? 'rm -r' : 'rm deletes files');
  },
  dd(args) {
    const target = args.find((arg) => arg?.startsWith('of='));
    if (target === undefined && args.every((arg) => arg !== undefined)) return readRisk('dd to standard output');
    return destroyRisk(target && DEVICE_TARGET.test(target.slice(3)) ? `dd overwrites the device ${target.slice(3)}` : 'dd overwrites its output');
  },
  async find(args, words, inner) {
    if (has(args, '-delete')) return destroyRisk('find -delete');
    let risk: StepRisk | undefined;
    for (const { command, option } of findCommands(args, words)) {
      const found = await inner(command, `in find ${option}`);
      risk = risk === undefined ? found : maxRisk(risk, found);
    }
    if (risk !== undefined) return risk;
    if (has(args, '-fprint', '-fprint0', '-fprintf', '-fls')) return writeRisk('find writes a file list');
    return args.includes(undefined) ? writeRisk('find with arguments built at run time') : readRisk('find lists files');
  },
  git: gitRisk,
  curl(args, words) {
    // `-sX DELETE`, `-sXDELETE`: a method after flags without a value; one chosen at run time may be DELETE.
    const short = curlShortValue(args, 'X');
    const computed = args.some((arg, i) => arg === undefined && i > 0 && args[i - 1] === '--request');
    // `-X{DELETE,}`, `--request={DELETE,}`, `{-XDELETE,-s}`, `"-X$M"`: an option word the shell makes at run time
    // (a brace expansion, a glob, a variable) may be -X with any method. `-H"$H"`, `-o"$F"` are -H and -o (rated later),
    // unless another word may bring options (`-H"$H" $ARGS`).
    const optionWords = words.filter((word) => word.literal === undefined && /^['"]*[-{]/.test(word.text));
    const madeOption = optionWords.some((word) => curlAttachedOption(word) === undefined) || (optionWords.length > 0 && words.some((word) => !optionWords.includes(word) && mayBeOptions(word)));
    const method = madeOption ? null : short === undefined ? (computed ? null : flagValue(args, '--request')) : short;
    if (method === null) return destroyRisk('curl -X with a method chosen at run time (may be DELETE)');
    if (method?.toUpperCase() === 'DELETE') return destroyRisk('curl -X DELETE');
    if (method !== undefined && !/^(GET|HEAD|OPTIONS)$/i.test(method)) return writeRisk(`curl -X ${method}`);
    if (['d', 'F', 'T'].some((letter) => curlShortValue(args, letter) !== undefined) || has(args, '--data', '--data-raw', '--data-binary', '--data-urlencode', '--data-ascii', '--json', '--form', '--form-string', '--upload-file')) return writeRisk('curl sends data');
    if (curlShortValue(args, 'K') !== undefined || has(args, '--config')) return writeRisk('curl reads its options from a file');
    const output = savedFile('curl', args);
    if ((output !== undefined && !QUIET_TARGETS.test(output)) || hasShort(args, 'O', '--remote-name') || has(args, '--remote-name-all')) {
      return writeRisk('curl saves a file');
    }
    // Headers, cookies, traces, errors and -w's %output{} go to files too.
    const files = ['-D', '--dump-header', '-c', '--cookie-jar', '--trace', '--trace-ascii', '--stderr', '--libcurl', '--etag-save', '--hsts', '--alt-svc'].map((flag) => flagValue(args, flag, CURL_BARE_SHORT));
    if (files.some((file) => file !== undefined && file !== '-' && !QUIET_TARGETS.test(file)) || args.some((arg) => arg?.includes('%output{'))) return writeRisk('curl writes a file');
    // `curl $ARGS https://x`: an unquoted word known only at run time splits into any words, options included
    // (-X POST, -d @secrets); a quoted one (`curl "$URL"`) stays one word.
    if (words.some((word) => word.literal === undefined && /^(\$|`)/.test(word.text))) return writeRisk('curl with options built at run time (may send data)');
    return readRisk('curl GET');
  },
  wget: wgetRisk,
  sed: sedRisk,
  awk: awkRisk,
  gawk: awkRisk,
  mawk: awkRisk,
  rg: rgRisk,
  less: lessRisk,
  file: fileRisk,
  fd: fdRisk,
  tee(args) {
    const files = positional(args).filter((arg) => arg === undefined || !QUIET_TARGETS.test(arg));
    if (files.some((file) => file !== undefined && DEVICE_TARGET.test(file))) return destroyRisk('tee overwrites a device');
    return files.length === 0 ? readRisk('tee to standard output') : writeRisk(`tee writes ${files[0] ?? 'a file'}`);
  },
  async sort(args, _words, inner) {
    // `sort --compress-program=sh`: sort runs that program on its temporary files.
    // GNU sort takes any unambiguous prefix (`--compress=`, `--out=`) and -o after flags without a value (`-uo f`).
    const program = longOption(args, '--compress-program', 4);
    if (program !== undefined) return maxRisk(await inner([literalWord(program)], 'as sort --compress-program'), writeRisk(`sort --compress-program runs ${program || 'a program'}`));
    const output = longOption(args, '--output', 3) !== undefined || args.some((arg) => arg !== undefined && /^-[bdfgiMhnRrVcCmsuz]*o/.test(arg));
    return output ? writeRisk('sort -o writes a file') : readRisk('sort');
  },
  // `hash -p /bin/rm ls`: from then on `ls` runs /bin/rm.
  hash(args) {
    const path = flagValue(args, '-p');
    if (path === undefined) return readRisk('hash');
    const destroys = destroyProgramReason(programName(path));
    return destroys ? destroyRisk(`hash -p makes a name run ${path}`) : writeRisk(`hash -p changes what a name runs`);
  },
  // `uniq IN OUT`, `xxd IN OUT`: a second file operand is written (for uniq counted loosely: an option's value counts too).
  uniq: (args) => (positional(args).length >= 2 ? writeRisk('uniq writes its output file') : readRisk('uniq')),
  xxd: (args) => (xxdOperands(args).length >= 2 ? writeRisk('xxd writes its output file') : readRisk('xxd')),
  tree: treeRisk,
  journalctl(args) {
    if (args.some((arg) => arg?.startsWith('--vacuum'))) return destroyRisk('journalctl --vacuum deletes journal files');
    return has(args, '--rotate', '--flush', '--sync', '--relinquish-var', '--smart-relinquish-var', '--setup-keys', '--update-catalog') ? writeRisk('journalctl changes the journal') : readRisk('journalctl');
  },
  date: (args) => (has(args, '-s', '--set') ? writeRisk('date --set') : readRisk('date')),
  hostname: (args) => (positional(args).length > 0 ? writeRisk('hostname sets the host name') : readRisk('hostname')),
  tar: tarRisk,
  unzip: unzipRisk,
  rsync: (args) => (args.some((arg) => arg?.startsWith('--delete') || arg === '--remove-source-files') ? destroyRisk('rsync --delete') : writeRisk('rsync copies files')),
  systemctl(args) {
    const [verb] = positional(args);
    if (verb !== undefined && /^(status|show|cat|is-active|is-enabled|is-failed|list-.*|get-default|help)$/.test(verb)) return readRisk(`systemctl ${verb}`);
    return writeRisk(`systemctl ${verb ?? ''}`.trim());
  },
  service: (args) => (positional(args)[1] === 'status' ? readRisk('service status') : writeRisk('service')),
  crontab(args) {
    if (has(args, '-r')) return destroyRisk('crontab -r deletes the crontab');
    return has(args, '-l') ? readRisk('crontab -l') : writeRisk('crontab');
  },
  terraform: (args, words) => terraformRisk(args, words, 'terraform'),
  tofu: (args, words) => terraformRisk(args, words, 'tofu'),
  npm: packageManager('npm', /^(ls|list|ll|la|view|info|show|outdated|whoami|search|help|explain|why|query|fund|doctor|-v|--version|version|config|get|prefix|root|bin)$/),
  yarn: packageManager('yarn', /^(list|info|why|outdated|--version|-v|help|config|licenses)$/),
  pnpm: packageManager('pnpm', /^(ls|list|ll|why|outdated|view|info|--version|-v|help)$/),
  pip: packageManager('pip', /^(list|show|freeze|check|search|--version|-V|help|inspect)$/),
  pip3: packageManager('pip3', /^(list|show|freeze|check|search|--version|-V|help|inspect)$/),
  'apt-get': packageManager('apt-get', /^(check|source|changelog|help)$/),
  apt: packageManager('apt', /^(list|show|search|policy|depends|rdepends|help)$/),
  'apt-cache': packageManager('apt-cache', /^.*/),
  dnf: packageManager('dnf', /^(list|info|search|provides|repolist|check-update|help)$/),
  yum: packageManager('yum', /^(list|info|search|provides|repolist|check-update|help)$/),
  apk: packageManager('apk', /^(info|search|list|policy|stats|version)$/),
  brew: packageManager('brew', /^(list|ls|info|search|outdated|config|doctor|deps|uses|--version)$/),
  ip(args) {
    const words = positional(args);
    const verb = words.length <= 1 ? 'show' : words[1];
    return verb !== undefined && /^(show|list|ls|lst|get)$/.test(verb) ? readRisk('ip show') : writeRisk(`ip ${words[0] ?? ''} ${verb ?? ''}`.trim());
  },
  iptables: (args) => (has(args, '-L', '--list', '-S', '--list-rules') ? readRisk('iptables -L') : writeRisk('iptables changes firewall rules')),
  mv: (args) => copyRisk('mv', args),
  cp: (args) => copyRisk('cp', args),
  install: (args) => copyRisk('install', args),
  kill: (args) => (args[0] === '-0' || args[0] === '-s0' || args[0] === '-l' || args[0] === '-L' ? readRisk(`kill ${args[0]} only checks`) : writeRisk('kill stops processes')),
  pkill: () => writeRisk('pkill stops processes'),
  killall: () => writeRisk('killall stops processes'),
  make: (args) => (has(args, '-n', '--dry-run', '--just-print') ? readRisk('make -n') : writeRisk(`make ${positional(args)[0] ?? ''}`.trim())),
};

/** xxd's options with a value, also spelled long with one dash (`-len 32`, `-seek 8`) or attached (`-l32`). */
const XXD_VALUE_OPTION = /^-(l|len|s|seek|c|cols|g|groupsize|o|offset|n|name)$/;

/** The files xxd reads and writes: its words that are not options nor their values (`xxd -l 32 dist/app` reads one). */
function xxdOperands(args: Args): Args {
  const operands: Args[number][] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined || !arg.startsWith('-') || arg === '-') operands.push(arg);
    else if (XXD_VALUE_OPTION.test(arg)) i++;
  }
  return operands;
}

/** `mv x /dev/null` deletes x; `cp image /dev/sdb` overwrites a disk; otherwise files are copied or moved. */
function copyRisk(name: string, args: Args): StepRisk {
  const target = positional(args).at(-1);
  if (target !== undefined && DEVICE_TARGET.test(target)) return destroyRisk(`${name} overwrites the device ${target}`);
  if (name === 'mv' && target === '/dev/null') return destroyRisk('mv to /dev/null deletes files');
  return writeRisk(name === 'mv' ? 'mv moves files' : `${name} copies files`);
}

/** The file curl (`-o FILE`) or wget (`-O FILE`) is told to save to, if any. */
export function savedFile(program: 'curl' | 'wget', args: Args): string | undefined {
  if (program === 'curl') return flagValue(args, '-o', CURL_BARE_SHORT) ?? flagValue(args, '--output');
  return wgetOption(args, '--output-document', 'O');
}

/**
 * The value of curl's short option `-<letter>`, alone or after flags without a value (`-X DELETE`, `-sXDELETE`,
 * `-sd @file`): undefined when absent, null when the value is known only at run time.
 */
function curlShortValue(args: Args, letter: string): string | null | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined || !/^-[^-]/.test(arg)) continue;
    const at = arg.indexOf(letter, 1);
    if (at < 1 || ![...arg.slice(1, at)].every((flag) => CURL_BARE_SHORT.includes(flag))) continue;
    if (at < arg.length - 1) return arg.slice(at + 1);
    return i + 1 < args.length ? (args[i + 1] ?? null) : '';
  }
  return undefined;
}

/**
 * The value of a GNU long option written as any prefix of its name at least `shortest` long (`--compress=` for
 * `--compress-program`): after `=`, or the next word. Undefined when absent.
 */
function longOption(args: Args, name: string, shortest: number): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined || !arg.startsWith('--')) continue;
    if (arg === '--') return undefined;
    const { name: written, value } = splitLongOption(arg);
    if (written.length >= shortest && name.startsWith(written)) return value ?? args[i + 1] ?? '';
  }
  return undefined;
}

/** curl's short flags that take no value: they may come before one that does in a cluster (`-sLo file`, `-sD-`). */
const CURL_BARE_SHORT = 'sSfLiIvkqGgnNjJlpRVZ0123456#';

function flagValue(args: Args, name: string, bareShort = ''): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === name) return args[i + 1] ?? '';
    if (arg?.startsWith(`${name}=`)) return arg.slice(name.length + 1);
    if (name.length === 2 && arg?.startsWith(name) && !arg.startsWith('--')) return arg.slice(2);
    // A cluster: flags without a value, then this one, its value attached or the next word.
    if (name.length === 2 && bareShort && arg !== undefined && /^-[^-]/.test(arg)) {
      const at = arg.indexOf(name[1]!, 1);
      if (at > 1 && [...arg.slice(1, at)].every((letter) => bareShort.includes(letter))) return at === arg.length - 1 ? (args[i + 1] ?? '') : arg.slice(at + 1);
    }
  }
  return undefined;
}

/** sed's options that take a value (the next word, or attached: `-e1d`, `--expression=1d`). */
const SED_VALUE_OPTIONS = new Set(['-e', '--expression', '-f', '--file', '-l', '--line-length']);

/**
 * `sed -n '1e rm -rf x' f` runs `rm -rf x`; `w out` writes a file. The script (each `-e`, or
 * the first operand) is read as sed reads it, and a command its `e` runs is rated as one.
 */
async function sedRisk(args: Args, _words: readonly ShellWord[], inner: Inner): Promise<StepRisk> {
  // `--in-pl` is --in-place to GNU sed; `-ni.bak` is -n -i.bak.
  if (args.some((arg) => arg !== undefined && (/^-[nrEsuzb]*i/.test(arg) || (arg.length >= 3 && arg.startsWith('--') && '--in-place'.startsWith(arg.split('=')[0]!))))) return writeRisk('sed -i edits files');
  const scripts: (string | undefined)[] = [];
  let fromFile = false;
  let operands = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) {
      if (!operands && scripts.length === 0 && !fromFile) scripts.push(undefined);
      operands = true;
      continue;
    }
    if (arg === '--') {
      if (scripts.length === 0 && !fromFile) scripts.push(args[i + 1]);
      break;
    }
    const option = sedOption(arg);
    if (option !== undefined) {
      const value = option.value ?? args[++i];
      if (option.name === '-e' || option.name === '--expression') scripts.push(value);
      if (option.name === '-f' || option.name === '--file') fromFile = true;
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') continue;
    if (!operands && scripts.length === 0 && !fromFile) scripts.push(arg);
    operands = true;
  }
  // --sandbox: sed refuses e, w and r.
  if (has(args, '--sandbox')) return readRisk('sed --sandbox prints');
  if (fromFile) return writeRisk('sed runs a script file that may write files or run commands');
  if (scripts.includes(undefined)) return writeRisk('sed script built at run time');
  const effects = sedEffects(scripts.join('\n'));
  if (effects === undefined) return writeRisk('sed script that ksa cannot read may write files or run commands');
  let risk: StepRisk = effects.writes ? writeRisk('sed script writes files') : readRisk('sed prints');
  for (const command of effects.runs) {
    const runs = command === undefined ? writeRisk('sed runs its input as commands') : maxRisk(await inner(['sh', '-c', command].map(literalWord), 'in sed e'), writeRisk(`sed e runs ${command}`));
    risk = maxRisk(risk, runs);
  }
  return risk;
}

/** A word that is one of sed's options with a value, after any options without one (`-ne`, `-nf`). */
function sedOption(arg: string): { readonly name: string; readonly value?: string } | undefined {
  if (arg.startsWith('--')) {
    const option = splitLongOption(arg);
    return SED_VALUE_OPTIONS.has(option.name) ? option : undefined;
  }
  const cluster = /^-[nrEsuzb]*([efl])([\s\S]*)$/.exec(arg);
  if (cluster === null) return undefined;
  return cluster[2] === '' ? { name: `-${cluster[1]}` } : { name: `-${cluster[1]}`, value: cluster[2] };
}

function packageManager(name: string, read: RegExp): ProgramRule {
  return (args) => {
    const verb = positional(args)[0];
    if (verb === undefined) return args.length === 0 ? readRisk(name) : read.test(args[0] ?? '') ? readRisk(`${name} ${args[0]}`) : writeRisk(name);
    // `npm config set k v` writes ~/.npmrc; `npm config get k` and `npm config list` read it.
    if (verb === 'config' && positional(args).length > 1 && !/^(get|list|ls)$/.test(positional(args)[1] ?? '')) return writeRisk(`${name} config ${positional(args)[1] ?? ''}`.trim());
    // `verison` is npm's alias of version; alone it stays as any other unknown verb.
    if (name === 'npm' && (verb === 'version' || (verb === 'verison' && positional(args).length > 1))) return npmVersionRisk(args);
    if (verb === 'audit') return has(args, 'fix') || positional(args).includes('fix') ? writeRisk(`${name} audit fix`) : readRisk(`${name} audit`);
    return read.test(verb) ? readRisk(`${name} ${verb}`) : writeRisk(`${name} ${verb}`);
  };
}
