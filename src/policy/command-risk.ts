import { classifyDocker, classifyHelm, classifyKubectl, classifyPodman, type ArgvClassifier } from './cluster-tools.js';
import { UNREVIEWED_SOURCES, type CommandContext, type Stdin } from './command-context.js';
import { DESTROY_VERBS, READ_PROGRAMS, destroyProgramReason, programName } from './program-name.js';
import { PROGRAM_RULES } from './program-rules.js';
import { DELETING_CODE } from './deleting-code.js';
import { isDownloaded } from './archives.js';
import { destroyRisk, maxRisk, readRisk, riskRank, writeRisk, type StepRisk } from './risk-level.js';
import { literalWord, type ShellWord } from './shell-syntax.js';
import { classifyDatabaseClient, isDatabaseClient } from './sql-risk.js';
import { withRunTimeOptions } from './run-time-options.js';
import { fillerOf, parallelCommand, TEMPLATE_HINT } from './placeholders.js';
import { XARGS_INPUT, xargsCommands } from './xargs-input.js';
import { isStandardInput } from './standard-input.js';
import { sshRisk } from './ssh-risk.js';
import { steeringRisk } from './steering-variables.js';
import { environmentOptionsRisk } from './environment-options.js';
import { programNames } from './variable-names.js';
import { expandKnown, plannedValue } from './known-expansions.js';
import { trapAction } from './trap-action.js';
import { ENVIRONMENT_ASSIGNMENT, isWrapper, unwrap } from './wrappers.js';
import { packageExec } from './package-exec.js';
import { elsewhere, resetsEnvironment } from './environment-reach.js';
import { isStdinOption, mayBeShellCodeAt, shellCodeAt, shellOptionValues } from './shell-options.js';
import { fishWords } from './fish-options.js';

const CLUSTER_TOOLS: Readonly<Record<string, ArgvClassifier>> = {
  kubectl: classifyKubectl,
  oc: classifyKubectl,
  helm: classifyHelm,
  docker: classifyDocker,
  podman: classifyPodman,
  'docker-compose': (args, inner) => classifyDocker(['compose', ...args], inner),
  'podman-compose': (args, inner) => classifyPodman(['compose', ...args], inner),
};
export const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'fish', 'busybox-sh']);

export const INTERPRETERS: ReadonlySet<string> = new Set(['python', 'python2', 'python3', 'node', 'nodejs', 'perl', 'ruby', 'php', 'deno', 'bun', 'lua', 'tclsh', 'Rscript', 'pwsh', 'powershell', 'osascript']);
/** Wrappers that, given no command, do nothing harmful (`env` prints, `xargs` echoes); the others start a shell. */
const WRAPPERS_WITHOUT_COMMAND_READ = new Set(['env', 'xargs', 'command', 'time', 'builtin', 'nohup', 'watch', 'exec', 'nice', 'stdbuf']);
const SHELL_WRAPPERS = new Set(['sudo', 'doas', 'su', 'runuser', 'chroot']);
const CODE_RUNNERS = new Set(['eval', 'trap', 'alias', 'source', '.', 'ssh', ...SHELLS]);
/** `source /dev/stdin <<< "…"` and `. /dev/stdin`: the current shell runs what it reads. */
const SOURCES = new Set(['source', '.']);

/**
 * Classifies one simple command: its words, program first, after quotes and escapes are resolved. `asProgram`: the
 * program alone, not what a package manager's exec runs for it.
 */
export async function classifyCommand(words: readonly ShellWord[], context: CommandContext, depth = 0, asProgram = false): Promise<StepRisk> {
  if (depth > 16) return writeRisk('commands nested too deeply to follow');
  const [program, ...written] = words;
  if (program === undefined) return readRisk('variable assignment');
  // Code handed to eval, a shell or trap keeps its own account of the variables it is made of (scriptRisk).
  const args = program.literal !== undefined && !CODE_RUNNERS.has(programName(program.literal)) ? knownArguments(written, context) : written;
  if (program.literal === undefined) {
    // `$HOME/bin/deploy.sh`: the folder is computed, the program's name is not; judged by its name, never as read.
    const base = literalBasename(program.text);
    if (base !== undefined) return maxRisk(await classifyCommand([literalWord(base), ...args], context, depth + 1), writeRisk(`${base}: its folder is computed at run time`));
    return computedName(program, args, context, depth);
  }
  const name = programName(program.literal);
  const texts = args.map((word) => word.literal);
  if (program.literal.includes('/') && downloadedBy(program.literal, context)) return destroyRisk(`${program.literal} runs what the line downloads: code nobody reviewed`);
  const inner = (innerWords: readonly ShellWord[], where: string, away = false) =>
    classifyCommand(innerWords, { ...(away ? elsewhere(context) : context), stdin: { kind: 'none' } }, depth + 1).then((risk) => (risk.level === 'read' ? risk : { ...risk, reason: `${risk.reason} ${where}` }));
  // `pnpm exec rm -rf x`, `npx kubectl delete …`: the command it runs, and never less than the package manager's own rating.
  const executed = asProgram ? undefined : packageExec(name, args);
  if (executed?.kind === 'command' || executed?.kind === 'script') {
    const ran = executed.kind === 'command' ? await classifyCommand(executed.words, context, depth + 1) : await scriptRisk(executed.code, context, name, context.stdin);
    return maxRisk(ran.level === 'read' ? ran : { ...ran, reason: `${name} runs ${ran.reason}` }, await classifyCommand(words, context, depth, true));
  }

  if (isWrapper(name)) {
    const reached = resetsEnvironment(name, args) ? elsewhere(context) : context;
    const unwrapped = unwrap(name, args);
    if (unwrapped.kind === 'query') return readRisk(`${name} ${texts.map((text) => text ?? '…').join(' ')}`.trim());
    if (unwrapped.kind === 'none') {
      if (SHELL_WRAPPERS.has(name)) return context.stdin.kind === 'none' ? writeRisk(`${name} starts a shell`) : stdinCode(name, reached);
      return WRAPPERS_WITHOUT_COMMAND_READ.has(name) ? readRisk(name) : writeRisk(name);
    }
    if (unwrapped.kind === 'script') {
      // `echo … | su -c bash`: the code runs with the wrapper's stdin.
      const risk = await scriptRisk(unwrapped.code, reached, name, context.stdin);
      // `script` also writes what ran to its log file ("typescript" unless named).
      return name === 'script' ? maxRisk(risk, writeRisk('script writes a log file')) : risk;
    }
    // `env -S 'BASH_FUNC_ls%%=… ls'`, `sudo X=1 ls`: the words split off or written first may be assignments too.
    const leading = name === 'env' || name === 'sudo' ? unwrapped.words.findIndex((word) => !ENVIRONMENT_ASSIGNMENT.test(word.literal ?? '')) : 0;
    const behind = leading <= 0 ? unwrapped.words : unwrapped.words.slice(leading);
    const commands = name === 'xargs' ? xargsCommands(args, behind, context) : [name === 'parallel' ? parallelCommand(behind) : behind];
    // `env BASH_ENV=./x bash -c ls`: the assignments before the command go to it.
    const assigned = [...args.slice(0, Math.max(0, args.indexOf(unwrapped.words[0]!))), ...unwrapped.words.slice(0, Math.max(0, leading))].flatMap((word) => {
      const match = ENVIRONMENT_ASSIGNMENT.exec(word.literal ?? word.text);
      return match === null ? [] : [{ name: match[1]!, value: word.literal?.slice(match[0].length) }];
    });
    let risk: StepRisk | undefined;
    for (const command of commands) {
      const ran = await classifyCommand(command, assigned.length === 0 ? reached : { ...reached, settings: [...(context.settings ?? []), ...assigned] }, depth + 1);
      risk = risk === undefined ? ran : maxRisk(risk, ran);
      // `cat urls.txt | xargs curl -s`, `xargs sed 's/a/b/'`: options read from the input may be -X DELETE, -d @file
      // or -i f, for any program a rule rates by its options.
      const taker = command[0]?.literal === undefined ? undefined : programName(command[0].literal);
      if (command.at(-1) === XARGS_INPUT && taker !== undefined && Object.hasOwn(PROGRAM_RULES, taker)) risk = maxRisk(risk, writeRisk(`xargs ${taker} takes options from its input`));
    }
    if (risk === undefined) return writeRisk(name);
    const steering = await steeringRisk(assigned, context.script);
    const wrapped = name === 'sudo' || name === 'doas' ? { ...risk, reason: `${name} ${risk.reason}` } : risk;
    return steering ? maxRisk(wrapped, steering) : wrapped;
  }
  const cluster = CLUSTER_TOOLS[name];
  // `kubectl exec web -- sh -c '…'`: the code runs in a container, without the step's `env`.
  if (cluster) return cluster(texts, (argv, where) => inner(argv.map((text) => (text === undefined ? { text: '', hints: [] } : literalWord(text))), where, true), args);
  if (SHELLS.has(name)) return shellRisk(name, args, context);
  if (INTERPRETERS.has(name)) return interpreterRisk(name, texts, context);
  if (name === 'eval') return scriptRisk(joinWords(args), context, 'eval', context.stdin);
  if (name === 'source' || name === '.') return sourceRisk(name, args, context);
  if (name === 'trap') return trapRisk(args, context);
  if (name === 'alias') return args.length === 0 || texts.includes('-p') || texts.includes('-l') ? readRisk(name) : scriptRisk(aliasValue(args), context, name);
  if (name === 'ssh') return sshRisk(args, context, (remote) => scriptRisk(joinWords(remote), elsewhere(context), 'ssh'));
  if (isDatabaseClient(name)) return classifyDatabaseClient(name, texts, context.stdin);
  const destroys = destroyProgramReason(name);
  if (destroys !== undefined) {
    const rule = PROGRAM_RULES[name];
    return rule ? rule(texts, args, inner) : destroyRisk(destroys);
  }
  const rule = Object.hasOwn(PROGRAM_RULES, name) ? PROGRAM_RULES[name] : undefined;
  const steered = environmentOptionsRisk(name, args, context.settings);
  if (steered) return steered;
  if (rule) return withRunTimeOptions(name, args, await rule(texts, args, inner), (words) => rule(words.map((word) => word.literal), words, inner));
  if (READ_PROGRAMS.has(name)) return readRisk(name);
  const verb = texts.slice(0, 3).find((text) => text !== undefined && DESTROY_VERBS.has(text.toLowerCase()));
  if (verb !== undefined) return destroyRisk(`${name} ${verb}`);
  return writeRisk(`${name} is not known to be read-only`);
}

/**
 * The arguments as they will run, wherever they read a variable that surely holds one value there (plannedValue):
 * the one the line sets first (`v=delete; kubectl $v ns prod`) or the step's `env` gives (`kubectl delete ns
 * prod-$SUFFIX`); unquoted, a value splits into words. A word reading anything else stays as written.
 */
function knownArguments(args: readonly ShellWord[], context: CommandContext): readonly ShellWord[] {
  if (context.knownValues === undefined || args.every((word) => word.literal !== undefined)) return args;
  return args.flatMap((word) => expandKnown(word, (variable) => plannedValue(variable, context)) ?? [word]);
}

export { TEMPLATE_HINT };

/** `$(echo rm) -rf x`, `$CMD x`: the program is only known at run time. */
async function computedName(program: ShellWord, args: readonly ShellWord[], context: CommandContext, depth: number): Promise<StepRisk> {
  // `a=r; b=m; $a$b`: the values the line gives its variables, put together, are a name too.
  const joined = program.hints.every((hint) => hint.startsWith('$')) ? program.hints.map((hint) => context.variables?.get(hint.slice(1))?.[0] ?? '').join('') : '';
  const danger = [...expandHints(program.hints, context), ...(joined ? [joined] : [])].map(programName).find((hint) => destroyProgramReason(hint) !== undefined || hint === 'sh' || hint === 'bash');
  if (danger !== undefined) return destroyRisk(`command name computed at run time (may be ${danger})`);
  // `{{ steps.pick.output.stdout }} --version`: the plan names the program at run time; the line is rated again
  // once built, before it runs (a destroying one then needs a run approved for destroy steps).
  if (program.hints.includes(TEMPLATE_HINT)) return writeRisk('command name computed at run time ({{ … }})');
  // `A=ls; $A -la`, `k=kubectl; $k delete ns prod`: made only of variables the line sets to literal values first,
  // the name is one of those values, and the command is rated as each would run.
  // `${KUBECTL:-kubectl} get pods`: the default names the program, unless the environment names another.
  const candidates = programNames(program.text, context);
  if (candidates !== undefined) {
    let risk: StepRisk | undefined;
    for (const name of candidates.names) {
      const words = [...name.split(/\s+/).filter(Boolean).map(literalWord), ...args];
      const found = words.length === 0 ? readRisk('an empty command runs nothing') : await classifyCommand(words, context, depth + 1);
      const named = { ...found, reason: `${found.reason} (named by ${program.text})` };
      risk = risk === undefined ? named : maxRisk(risk, named);
    }
    if (risk !== undefined && candidates.fromOutside) risk = maxRisk(risk, writeRisk(`${program.text} may name another program, set outside the line`));
    if (risk !== undefined) return risk;
  }
  // `$(printf r%s m) -rf /srv`, `x=$(printf r%s m); $x`, `x=$1; $x`, `$CMD`: which program runs is known only then,
  // so it may be one that destroys; rated so, a computed name is never approved by --yes alone.
  return destroyRisk('command name computed at run time');
}

/** Code made only of variables the line sets to literal values first (`C="ls"; eval $C`): what it may be is known. */
function assignedByLine(hints: readonly string[], context: CommandContext): boolean {
  return hints.length > 0 && hints.every((hint) => hint.startsWith('$') && (context.knownValues?.(hint.slice(1))?.length ?? 0) > 0);
}

/**
 * A script handed to a shell or `source` as a word built at run time that still says what it runs: a script by
 * its name in a computed folder (`"$HOME/deploy.sh"`), a `{{ … }}` rated again once built, a shell set-up printer.
 */
function knownScript(word: ShellWord): boolean {
  return literalBasename(word.text) !== undefined || word.hints.includes(TEMPLATE_HINT) || printsShellSetup(word.hints);
}

/** The program name at the end of a path whose folder is computed (`$HOME/bin/deploy.sh` → `deploy.sh`). */
function literalBasename(written: string): string | undefined {
  const text = written.replace(/["']/g, '');
  const slash = text.lastIndexOf('/');
  if (slash < 0) return undefined;
  const base = text.slice(slash + 1);
  return /^[A-Za-z0-9._+-]+$/.test(base) && base !== '.' && base !== '..' ? base : undefined;
}

function joinWords(words: readonly ShellWord[]): ShellWord {
  const literal = words.every((word) => word.literal !== undefined) ? words.map((word) => word.literal).join(' ') : undefined;
  return { literal, text: words.map((word) => word.text).join(' '), hints: words.flatMap((word) => word.hints) };
}

/** A trap's code is a shell line it runs later (trapAction). */
function trapRisk(args: readonly ShellWord[], context: CommandContext): Promise<StepRisk> | StepRisk {
  const action = trapAction(args);
  if (action.kind === 'list') return readRisk('trap');
  if (action.kind === 'reset') return readRisk('trap - resets signal handlers');
  return scriptRisk(action.code, context, 'trap');
}

function aliasValue(args: readonly ShellWord[]): ShellWord {
  const word = args.find((arg) => arg.literal === undefined || arg.literal.includes('=')) ?? args[0]!;
  if (word.literal === undefined) return word;
  return literalWord(word.literal.slice(word.literal.indexOf('=') + 1));
}

/**
 * Code given as text: parsed and classified when it is literal; otherwise judged by where it comes from. `stdin`: what
 * the shell running it reads (`echo … | bash -c 'bash -s'`), which a command in it that reads its own reads too.
 */
async function scriptRisk(code: ShellWord, context: CommandContext, via: string, stdin?: Stdin): Promise<StepRisk> {
  if (code.literal !== undefined) {
    const risk = await context.script(code.literal, stdin);
    return risk.level === 'read' ? risk : { ...risk, reason: `${risk.reason} in ${via}` };
  }
  const source = expandHints(code.hints, context).map(programName).find((hint) => UNREVIEWED_SOURCES.has(hint));
  if (source !== undefined) return destroyRisk(`${via} runs code from ${source}`);
  const filler = fillerOf(code);
  if (filler !== undefined) return destroyRisk(`${via} runs code ${filler} fills in at run time`);
  // `{{ … }}` code is rated again once built, before it runs.
  if (code.hints.includes(TEMPLATE_HINT)) return writeRisk(`${via} runs code filled in at run time ({{ … }})`);
  // `eval "$(printf 'r%s -f x' m)"`, `sh -c "$X"`: code built at run time may be any program, as a computed
  // command name may; only code made of what the line itself assigns (`C="ls"; eval $C`) is known.
  if (!assignedByLine(code.hints, context) && !printsShellSetup(code.hints)) return destroyRisk(`${via} runs code built at run time`);
  // `C="rm -rf x"; eval $C`: what the line assigns is what may run.
  let risk = writeRisk(`${via} runs code built at run time`);
  for (const hint of code.hints.filter((word) => word.startsWith('$'))) {
    for (const value of context.knownValues?.(hint.slice(1)) ?? []) {
      const found = await context.script(value, stdin);
      if (riskRank(found.level) > riskRank(risk.level)) risk = { ...found, reason: `${found.reason} in ${via} (through ${hint})` };
    }
  }
  // `X=ls; eval "$X; rm -rf d"`: the text written around the variables runs too.
  const around = textAroundVariables(code.text);
  if (around !== undefined) {
    const found = await context.script(around, stdin);
    if (riskRank(found.level) > riskRank(risk.level)) risk = { ...found, reason: `${found.reason} in ${via}` };
  }
  return risk;
}

/** A plain or double-quoted word's text with each variable read as a command that does nothing (`:`). */
function textAroundVariables(text: string): string | undefined {
  const body = /^"([^"\\`]*)"$/.exec(text)?.[1] ?? (/^[^"'\\`]*$/.test(text) ? text : undefined);
  if (body === undefined || body.includes('$(')) return undefined;
  return body.replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, ':');
}

/**
 * Programs whose output is shell code made to be loaded (`eval "$(minikube docker-env)"`, `source <(kubectl
 * completion bash)`, `eval "$(ssh-agent -s)"`): the everyday case of code built at run time, rated as the program
 * is, unless a word of it names a program that destroys.
 */
const SHELL_SETUP_PRINTERS: ReadonlySet<string> = new Set([
  'minikube', 'ssh-agent', 'docker-machine', 'direnv', 'pyenv', 'rbenv', 'nodenv', 'goenv', 'jenv', 'conda', 'brew', 'opam', 'fnm',
  'mise', 'asdf', 'starship', 'zoxide', 'keychain', 'dircolors', 'kubectl', 'helm', 'kind', 'gh', 'npm', 'pnpm', 'rustup', 'poetry', 'pipenv',
]);

function printsShellSetup(hints: readonly string[]): boolean {
  const programs = hints.filter((hint) => !hint.startsWith('$') && !hint.startsWith('-')).map(programName);
  return programs.length > 0 && SHELL_SETUP_PRINTERS.has(programs[0]!) && !programs.some((name) => destroyProgramReason(name) !== undefined);
}

/** Hints with each `$NAME` replaced by the words the line assigns to it. */
function expandHints(hints: readonly string[], context: CommandContext): string[] {
  return hints.flatMap((hint) => (hint.startsWith('$') ? (context.variables?.get(hint.slice(1)) ?? []).flatMap((value) => value.split(/\s+/).filter(Boolean)) : [hint]));
}

/** `bash -c "…"` runs its string; `bash script.sh` a file; a bare `bash` reads its code from stdin. */
async function shellRisk(name: string, args: readonly ShellWord[], context: CommandContext): Promise<StepRisk> {
  // `bash -c -- 'rm x'`, `bash -s -c 'rm x'`: -c makes the word after the options the code, wherever -c stands.
  if (name === 'fish') return fishRisk(args, context);
  const codeAt = shellCodeAt(args);
  if (codeAt !== undefined) return args[codeAt] === undefined ? writeRisk(`${name} -c`) : scriptRisk(args[codeAt], context, `${name} -c`, context.stdin);
  const unread = await scriptOrStdinRisk(name, args, 0, context);
  // `bash "$FLAGS" -c 'rm -rf x'`: a word ksa cannot read before -c may be options only; the code then runs.
  const mayBeAt = mayBeShellCodeAt(args);
  const code = mayBeAt === undefined ? undefined : args[mayBeAt];
  return code === undefined ? unread : maxRisk(await scriptRisk(code, context, `${name} -c`, context.stdin), unread);
}

/** `fish -C 'cd x' -c 'rm y'` runs each code given; with no `-c`, the script after the options too, or its input. */
async function fishRisk(args: readonly ShellWord[], context: CommandContext): Promise<StepRisk> {
  const { code, command, operands } = fishWords(args);
  let risk = command && code.length === 0 ? writeRisk('fish -c') : undefined;
  for (const word of code) {
    const ran = await scriptRisk(word, context, 'fish -c', context.stdin);
    risk = risk === undefined ? ran : maxRisk(risk, ran);
  }
  if (command) return risk!;
  const script = await scriptOrStdinRisk('fish', args, operands, context);
  return risk === undefined ? script : maxRisk(risk, script);
}

/** The script a shell runs from `from` on (its options bash's), or the code it reads on its input. */
async function scriptOrStdinRisk(name: string, args: readonly ShellWord[], from: number, context: CommandContext): Promise<StepRisk> {
  for (let i = from; i < args.length; i++) {
    const text = args[i]!.literal;
    if (text === undefined) {
      const source = args[i]!.hints.map(programName).find((hint) => UNREVIEWED_SOURCES.has(hint));
      if (source) return destroyRisk(`${name} runs code from ${source}`);
      const filler = fillerOf(args[i]!);
      if (filler !== undefined) return destroyRisk(`${name} runs a script ${filler} fills in at run time: code nobody reviewed`);
      // `bash "$HOME/deploy.sh"` runs a script by its name; `bash <(curl …)`, `bash "$X"` run code known only then.
      return knownScript(args[i]!) ? writeRisk(`${name} with arguments built at run time`) : destroyRisk(`${name} runs code built at run time`);
    }
    if (text === '--' || text === '-') {
      // `bash -- deploy.sh`, `bash - deploy.sh`: the word after `--` or `-` is the script (one built at run time is rated as above).
      const file = args[i + 1]?.literal;
      if (i + 1 >= args.length) break;
      if (file === undefined) continue;
      return isStandardInput(file) ? stdinCode(name, context) : scriptFileRisk(name, file, `${name} runs the script ${file}`, context);
    }
    if (shellOptionValues(text) > 0) {
      i += shellOptionValues(text);
      continue;
    }
    if (text.startsWith('-') || text.startsWith('+')) {
      if (isStdinOption(text)) return stdinCode(name, context);
      continue;
    }
    return isStandardInput(text) ? stdinCode(name, context) : scriptFileRisk(name, text, `${name} runs the script ${text}`, context);
  }
  return stdinCode(name, context);
}

function interpreterRisk(name: string, args: readonly (string | undefined)[], context: CommandContext): StepRisk | Promise<StepRisk> {
  // `deno eval CODE` is deno's -e.
  const inline = name === 'deno' && args[0] === 'eval' ? 0 : args.findIndex((arg) => arg !== undefined && /^(-e|-c|-E|--eval|-p|--print|-r|-x)$/.test(arg));
  if (inline !== -1) {
    const code = args[inline + 1];
    if (code === undefined) return writeRisk(`${name} runs inline code built at run time`);
    return DELETING_CODE.test(code) ? destroyRisk(`${name} runs inline code that deletes files or runs commands`) : writeRisk(`${name} runs inline code`);
  }
  if (args.some((arg) => arg === '--version' || arg === '-V' || arg === '--help' || arg === '-h') && args.length === 1) return readRisk(`${name} --version`);
  const script = args.find((arg) => arg === undefined || !arg.startsWith('-'));
  if ((script === undefined && context.stdin.kind === 'none') || script === '-' || (script !== undefined && isStandardInput(script))) {
    return context.stdin.kind === 'none' ? writeRisk(`${name} ${args.map((arg) => arg ?? '…').join(' ')}`.trim()) : stdinCode(name, context);
  }
  if (script === undefined) return stdinCode(name, context);
  return scriptFileRisk(name, script, `${name} runs ${script}`, context);
}

/** A shell or interpreter that reads its program from stdin. */
async function stdinCode(name: string, context: CommandContext): Promise<StepRisk> {
  const stdin: Stdin = context.stdin;
  if (stdin.kind === 'none') return writeRisk(`${name} without a script`);
  if ((stdin.kind === 'text' || stdin.kind === 'pipe') && stdin.literal !== undefined && (SHELLS.has(name) || SHELL_WRAPPERS.has(name) || SOURCES.has(name))) {
    const risk = await context.script(stdin.literal);
    return risk.level === 'read' ? risk : { ...risk, reason: `${risk.reason} piped into ${name}` };
  }
  // `x=$(curl …); bash <<< "$x"`: a variable the text reads holds what the line assigned it.
  const source = expandHints(stdin.programs ?? [], context).map(programName).find((program) => UNREVIEWED_SOURCES.has(program));
  if (source !== undefined) return destroyRisk(stdin.kind === 'text' ? `${name} runs a here-document of what ${source} prints: code nobody reviewed` : `${source} … | ${name} runs code nobody reviewed`);
  // `python3 <<< 'import shutil…'`: code written out in a language ksa does not parse, rated as the same text piped in.
  if (stdin.kind === 'text' && stdin.literal !== undefined) return destroyRisk(DELETING_CODE.test(stdin.literal) ? `${name} runs a here-document that deletes files or runs commands` : `${name} runs a here-document of code ksa cannot rate`);
  // `bash <<< "$(timeout 5 curl …)"`, `bash <<< "$(cat x.sh)"`: text made at run time runs as the same producer piped in.
  // A variable it reads (`$DIR`) is not a program that prints.
  const producers = (stdin.programs ?? []).filter((program) => !program.startsWith('$'));
  if (stdin.kind === 'text') return destroyRisk(`${name} runs a here-document ${producers.length ? `of what ${producers.join(', ')} prints` : 'built at run time'}: code nobody reviewed`);
  return destroyRisk(`${stdin.programs.join(' | ') || 'a file'} piped into ${name} runs code nobody reviewed`);
}

async function sourceRisk(name: string, args: readonly ShellWord[], context: CommandContext): Promise<StepRisk> {
  const file = args[0];
  if (file === undefined) return writeRisk(name);
  if (file.literal === '-' || (file.literal !== undefined && isStandardInput(file.literal))) return stdinCode(name, context);
  if (file.literal === undefined) {
    const source = file.hints.map(programName).find((hint) => UNREVIEWED_SOURCES.has(hint));
    if (source) return destroyRisk(`${name} runs code from ${source}`);
    // `source "$HOME/env.sh"` a script by its name; `source <(…)` code known only then.
    return knownScript(file) ? writeRisk(`${name} runs a script chosen at run time`) : destroyRisk(`${name} runs code built at run time`);
  }
  return scriptFileRisk(name, file.literal, `${name} runs ${file.literal}`, context);
}

/** `bash i.sh` after `curl -o i.sh …` (or `curl … > i.sh`) in the same line runs what was downloaded, as `curl … | bash` does. */
function scriptFileRisk(name: string, file: string, reason: string, context: CommandContext): StepRisk {
  return downloadedBy(file, context) ? destroyRisk(`${name} runs ${file}, which the line downloads: code nobody reviewed`) : writeRisk(reason);
}

function downloadedBy(file: string, context: CommandContext): boolean {
  return isDownloaded(file, context.downloaded);
}
