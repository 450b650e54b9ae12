import { SHELLS } from './command-risk.js';
import { commandsGitRuns } from './git-run-commands.js';
import type { Stdin } from './command-context.js';
import { programName } from './program-name.js';
import { readsStdinCode, shellCode, shellCodeWord } from './script-arguments.js';
import { shellCodeAt } from './shell-options.js';
import { expandKnown } from './known-expansions.js';
import { exportedBefore } from './exported-names.js';
import { resetsEnvironment } from './environment-reach.js';
import { keywordCommand } from './keyword-command.js';
import { simpleCommands, type SimpleCommands } from './shell-risk.js';
import { literalWord, type ShellParser, type ShellWord } from './shell-syntax.js';
import { xargsArguments } from './xargs-input.js';
import { trapAction } from './trap-action.js';
import { ENVIRONMENT_ASSIGNMENT, isWrapper, unwrap } from './wrappers.js';
import { packageExec } from './package-exec.js';
import { argumentBindings, boundArgument, MAX_BOUND_WORDS, type Fill } from './function-arguments.js';
import { withArguments as withCallArguments } from './function-calls.js';
import type { ArgumentLoop } from './positional-words.js';
import { innermost, type PossibleValues } from './possible-values.js';
import { MAX_CALLABLE_TEXT, withCallable, type Callable } from './evaluated-functions.js';
import { valueReadings } from './value-readings.js';
import { prefixValue, readByShellCode } from './handed-values.js';

/** How deep `sudo bash -c "env rm …"` is followed; deeper code is still rated by the risk levels. */
const MAX_DEPTH = 8;

/** One command a shell line runs, found through wrappers and `-c` strings. */
export type ShellCommand = {
  /** The program by its name (`/bin/rm` is `rm`), as written when it is computed at run time. */
  readonly name: string;
  readonly args: readonly ShellWord[];
  /**
   * The variables the line sets that the command may run with: anywhere in its line or an
   * enclosing one (`export X=…; cmd`, `X=… cmd`), or before it behind a wrapper (`env X=… cmd`,
   * `sudo X=… cmd`). Deliberately broad: a variable set for another command of the line counts too.
   */
  readonly assigned: ReadonlySet<string>;
  /** The value a variable has where the command's words are expanded, when its line sets it for sure, to one literal value. */
  valueAt(name: string): string | undefined;
  /**
   * The variables the line gives the command's process: its `NAME=value` prefixes and those of the
   * wrappers before it (`env X=1 cmd`); undefined: a value known at run time.
   */
  readonly environment: ReadonlyMap<string, string | undefined>;
  /**
   * Whether its line, or one enclosing it, may change the variable in a way not followed to one value
   * (`. ./env.sh`, `eval`, `read`, `unset`…): a value the line was started with (the step's `env`) is then unknown.
   */
  mayChange(name: string): boolean;
  /** Run by `env -i` (or in a line it runs): its process starts with no variables but those `environment` holds. */
  readonly cleanEnvironment?: true;
  /** Run by `xargs` or `parallel`: more arguments, known only when it runs, follow those written. */
  readonly moreArgs?: true;
};

/** Wrappers that add arguments of their own input to the command behind them. */
const APPENDING = new Set(['xargs', 'parallel']);

/**
 * Every command a shell line runs, the way deny rules and the kube context pin see it: each
 * simple command of the line (pipelines, lists, subshells, `$(…)`), the command behind `sudo`,
 * `env`, `timeout`… (the wrappers the risk levels look through), the commands of a literal
 * `bash -c`/`su -c` string and those `find -exec` runs, each on its own, the wrapper itself
 * included. A line that does not parse yields nothing: the risk levels rate it `write` at least.
 */
export async function shellCommands(command: string, parse: ShellParser, reading: Reading = {}): Promise<ShellCommand[]> {
  const found: ShellCommand[] = [];
  const started = reading.started;
  // The characters of function definitions the whole line may still put before code eval or a trap runs.
  await collect(command, parse, found, 0, new Set(), new Map(), () => false, undefined, { ...reading, budget: { callableText: MAX_CALLABLE_TEXT, readingWords: MAX_READING_WORDS } }, NO_STDIN, started === undefined ? NOTHING_STARTED : (name) => (POSITIONAL.test(name) ? undefined : started.get(name)));
  return found;
}

/**
 * `stdinCode`: also the commands of code a shell reads from a here-document or a pipe (`bash <<'E'`, `echo … | sh`),
 * when its text is known. `started`: the values the line's process starts with (the step's `env`, a value undefined when
 * known only at run time), carried into the code it hands on (`eval`, `bash -c`) and the commands' valueAt.
 */
export type Reading = {
  readonly stdinCode?: true;
  readonly started?: ReadonlyMap<string, string | undefined>;
  /** What the whole line may still spend: characters of functions put before eval's code, words of value readings. */
  readonly budget?: { callableText: number; readingWords: number };
  /** In code eval or a trap runs, where the line's functions put before it end (withCallable). */
  readonly callableEnd?: number;
};

/** Words of the commands read again with the values their variables may hold (valueReadings), per line. */
const MAX_READING_WORDS = 8192;

/** `$0`, `$1`…: a shell's own arguments, never handed to a shell it starts. */
const POSITIONAL = /^[0-9]+$/;

/** The values a line's process starts with, by name; undefined when not known before running. */
type Started = (name: string) => string | undefined;
const NOTHING_STARTED: Started = () => undefined;

/**
 * `inherited`: the variables the process running the line was given (`X=1 bash -c '…'`); `stdin`: what it reads
 * (`echo … | bash -c 'bash'`), which each command of the line that reads its own may read.
 */
async function collect(
  code: string,
  parse: ShellParser,
  found: ShellCommand[],
  depth: number,
  outer: ReadonlySet<string>,
  inherited: ReadonlyMap<string, string | undefined>,
  outerMayChange: (name: string) => boolean,
  cleanEnvironment?: true,
  reading: Reading = {},
  stdin: Stdin = NO_STDIN,
  started: Started = NOTHING_STARTED,
): Promise<void> {
  if (depth > MAX_DEPTH) return;
  const { callableEnd = 0, ...handed } = reading;
  reading = handed;
  let line: Awaited<ReturnType<typeof simpleCommands>>;
  try {
    line = await simpleCommands(code, parse, stdin);
  } catch {
    return;
  }
  const assigned = line.assigned.length === 0 ? outer : new Set([...outer, ...line.assigned]);
  const mayChange = (name: string) => outerMayChange(name) || line.mayChange(name);
  // Inside a function, `$1` is the argument of the call, not the line's: `f() { kubectl delete ns "$1"; }; f "$NS"`,
  // and so is a copy of it made in that function (`local n=$1`).
  const definitions = line.functions.map((definition) => ({ ...definition, text: code.slice(definition.start, definition.end) }));
  // `present`: a command of a body read as written whose every call is read with its own arguments (argumentBindings'
  // bound), or of the line after its `set -- …`: its `$1`, `$2`… hold what those readings give, so a default written
  // for them (`${1:-prod}`) is met there, where a call gives no value, not here.
  const seenAt = (i: number, binding?: Binding, reading?: ReadonlyMap<string, string>, present = false): Seen => {
    const variables = line.variables[i];
    // A variable the line leaves alone has the value its process was given; one it leaves alone up to here, the value
    // it started with (`eval 'kubectl delete ns $NS'` with the step's NS, though eval may change it for what follows).
    const startedAt = (name: string) => (!inherited.has(name) && variables?.startValueHolds(name) === true ? started(name) : undefined);
    // `X=$NS; kubectl delete ns $X`: a copy of a value the process was given, or started with, is that value.
    const given = (name: string, at: number) => (binding !== undefined && POSITIONAL.test(name) && name !== '0' && binding.holds(at) ? boundArgument(name, binding.words) : inherited.has(name) ? inherited.get(name) : started(name));
    const lineValue = (name: string) => variables?.valueAt(name, given) ?? (line.assigned.includes(name) || line.mayChange(name) ? undefined : inherited.get(name)) ?? startedAt(name);
    const boundValue = binding === undefined ? lineValue : (name: string) => (POSITIONAL.test(name) && name !== '0' ? boundArgument(name, binding.words) : binding.loopValues.has(name) ? binding.loopValues.get(name) : lineValue(name));
    // One of the readings of the values the variables may hold (valueReadings), for deny rules to meet each.
    const valueAt = reading === undefined ? boundValue : (name: string) => reading.get(name) ?? boundValue(name);
    const argument = (name: string) => present && binding === undefined && POSITIONAL.test(name) && name !== '0';
    const possibleAt = (name: string): PossibleValues =>
      argument(name) ? GIVEN_ARGUMENT : POSITIONAL.test(name) || binding?.loopValues.has(name) === true || variables === undefined ? NOTHING_KNOWN : variables.possibleValues(name, given, argument);
    // A shell the command starts gets the variables exported there, with the values they hold there: the step's `env`
    // (already exported), the line's `export NS=prod`, `declare -x`, `set -a`, and the command's own prefixes, one
    // known at run time as a reading fills it in (`NS=${NS:-prod} bash -c …`).
    const handedOn = (name: string) => (!POSITIONAL.test(name) && exportedAt(i, name) ? valueAt(name) : undefined);
    const prefix = [...(variables?.prefix ?? [])].map(([name, value]): [string, string | undefined] => [name, value ?? prefixValue(variables?.prefixWords.get(name), valueAt)]);
    return { valueAt, possibleAt, callable: { definitions, at: line.starts[i] ?? 0 }, startedAt: handedOn, environment: new Map([...inherited, ...prefix]), mayChange, ...(cleanEnvironment ? { cleanEnvironment } : {}) };
  };
  const exportedAt = (i: number, name: string) => inherited.has(name) || started(name) !== undefined || exportedBefore(line.exports, name, line.starts[i] ?? 0);
  // The words a reading of command i fills in: its own, and those of its prefixes; and the variables a shell it starts
  // reads that it is handed (`export NS=${NS:-prod}; bash -c 'kubectl delete ns $NS'`).
  const readWords = (i: number, words: readonly ShellWord[]) => [...words, ...(line.variables[i]?.prefixWords.values() ?? [])];
  const handedNames = (i: number, words: readonly ShellWord[]) => readByShellCode(words).filter((name) => exportedAt(i, name));
  const seen = line.commands.map((_, i) => seenAt(i));
  // A command read once as its words' sure values give it, and once per reading of the values they may hold.
  const readingsOf = (i: number, words: readonly ShellWord[], base: Seen, binding?: Binding, present = false): Seen[] => {
    const budget = reading.budget;
    if (budget === undefined || budget.readingWords <= 0) return [base];
    const readings = valueReadings(readWords(i, words), base.valueAt, base.possibleAt, handedNames(i, words)).slice(0, Math.ceil(budget.readingWords / Math.max(1, words.length)));
    budget.readingWords -= readings.length * words.length;
    return [base, ...readings.map((values) => seenAt(i, binding, values, present))];
  };
  // `f() { for n in "$@"; do g "$n"; done; }`: a call in a loop over the arguments hands on each of them in turn.
  const fill: Fill = (i, words, bound, within) => {
    const bindings = bound === undefined ? [undefined] : loopReadings(argumentLoopsAround(line, i), bound).map((loopValues): Binding => ({ words: bound, holds: within ?? (() => false), loopValues }));
    const lists = new Map<string, ShellWord[]>();
    for (const binding of bindings) {
      for (const at of readingsOf(i, words, binding === undefined ? seen[i]! : seenAt(i, binding), binding)) {
        const list = words.flatMap((word) => expandKnown(word, at.valueAt, true) ?? [word]);
        lists.set(list.map((word) => word.literal ?? word.text).join('\0'), list);
      }
    }
    return [...lists.values()];
  };
  const calls = argumentBindings({ commands: line.commands, starts: line.starts, functions: line.functions, code, setArguments: line.setArguments }, fill);
  // Each reading of a body with a call's words is found again by every rule that reads the line, and each loop over
  // the arguments multiplies them: the words read so are bounded per line, past which bodies are met as written only.
  let boundWords = MAX_BOUND_WORDS;
  for (const [i, words] of line.commands.entries()) {
    const own = (line.starts[i] ?? 0) >= callableEnd;
    const present = calls.bound(i) && boundWords >= 0;
    if (own) for (const at of readingsOf(i, words, present ? seenAt(i, undefined, undefined, true) : seen[i]!, undefined, present)) await visit(words, parse, found, depth, assigned, at, false, reading, line.inputs[i] ?? NO_STDIN);
    const definition = calls.enclosing(i);
    // `for n in "$@"` in the same function: n holds each of the call's words in turn.
    const loops = argumentLoopsAround(line, i);
    for (const bound of calls.bindings(i)) {
      if (boundWords < 0) break;
      const filled = withCallArguments(words, bound);
      for (const loopValues of loopReadings(loops, bound)) {
        const binding: Binding = { words: bound, loopValues, holds: (place) => definition !== undefined && calls.enclosingAt(place) === definition };
        for (const at of readingsOf(i, filled, seenAt(i, binding), binding)) {
          boundWords -= filled.length;
          if (boundWords < 0) break;
          await visit(filled, parse, found, depth, assigned, at, false, reading, line.inputs[i] ?? NO_STDIN);
        }
      }
    }
    // Past the bound, not every call's reading was made: the body as written stands for the others, defaults and all.
    if (own && present && boundWords < 0) for (const at of readingsOf(i, words, seen[i]!)) await visit(words, parse, found, depth, assigned, at, false, reading, line.inputs[i] ?? NO_STDIN);
  }
}

/** The loops over positional parameters (`for n in "$@"`) around a command, in the innermost function around it. */
function argumentLoopsAround(line: Pick<SimpleCommands, 'starts' | 'functions' | 'argumentLoops'>, i: number): ArgumentLoop[] {
  const at = line.starts[i] ?? 0;
  const definition = innermost(line.functions, at);
  return definition === undefined ? [] : line.argumentLoops.filter((loop) => loop.from <= at && at < loop.to && definition.start < loop.from && loop.to <= definition.end);
}

/** The arguments a function's command is read with, and the values its loops over them give their variables. */
type Binding = { readonly words: readonly ShellWord[]; readonly loopValues: ReadonlyMap<string, string | undefined>; holds(at: number): boolean };

/** Readings of a command's loops over the call's words kept, at most: one per combination of their values. */
const MAX_LOOP_READINGS = 32;

/** Each way the loops over positional parameters around a command may set their variables for a call's words. */
function loopReadings(loops: readonly ArgumentLoop[], bound: readonly ShellWord[]): ReadonlyMap<string, string | undefined>[] {
  let readings: Map<string, string | undefined>[] = [new Map()];
  for (const loop of loops) {
    const values = withCallArguments(loop.words, bound).map((word) => word.literal);
    if (values.length === 0) continue;
    readings = readings.flatMap((reading) => values.map((value) => new Map([...reading, [loop.name, value]]))).slice(0, MAX_LOOP_READINGS);
  }
  return readings;
}

/**
 * What a command found sees of its line's variables; `startedAt`: the values a shell it starts is given, those of the
 * variables exported there (the step's `env`, the line's `export`s), as they hold there.
 */
type Seen = Pick<ShellCommand, 'valueAt' | 'environment' | 'mayChange' | 'cleanEnvironment'> & { readonly startedAt: Started; possibleAt(name: string): PossibleValues; readonly callable: Callable };

/** No value known: the variable may hold any, or none. */
const NOTHING_KNOWN: PossibleValues = { values: [], complete: false };
/** A positional parameter every reading of the call gives (seenAt's `present`): some value, not empty, not known here. */
const GIVEN_ARGUMENT: PossibleValues = { values: [], complete: false, nonEmpty: true };

/** The text of a word with the variables it reads filled in with the values they surely hold, when that is one word. */
function filledText(word: ShellWord | undefined, seen: Seen): string | undefined {
  if (word === undefined || word.literal !== undefined) return word?.literal;
  const fields = expandKnown(word, seen.valueAt, true);
  return fields?.length === 1 ? fields[0]!.literal : undefined;
}

const NO_STDIN: Stdin = { kind: 'none' };

async function visit(words: readonly ShellWord[], parse: ShellParser, found: ShellCommand[], depth: number, assigned: ReadonlySet<string>, seen: Seen, moreArgs: boolean, reading: Reading, stdin: Stdin): Promise<void> {
  const [program, ...args] = words;
  if (program === undefined || depth > MAX_DEPTH) return;
  const name = programName(program.literal ?? program.text);
  const { startedAt, possibleAt, callable, ...shown } = seen;
  // Code eval or a trap runs in this shell, where the line's functions are defined (withCallable).
  const sameShell = (code: string, later: boolean) => (reading.budget === undefined ? { code, callableEnd: 0 } : withCallable(code, callable, later, reading.budget));
  found.push({ name, args, assigned, ...shown, ...(moreArgs ? { moreArgs: true as const } : {}) });
  // `K=kubectl; $K delete ns prod`: a name the line surely gives is also met as the program it names.
  const named = program.literal === undefined ? expandKnown(program, seen.valueAt, true) : undefined;
  if (named !== undefined && named.length > 0 && named.every((word) => word.literal !== undefined)) {
    await visit([...named, ...args], parse, found, depth + 1, assigned, seen, moreArgs, reading, stdin);
    return;
  }
  // A shell it starts gets the exported values: those the line started with, unless a wrapper clears them.
  const handed = (elsewhere: boolean) => (elsewhere ? NOTHING_STARTED : startedAt);
  if (isWrapper(name)) {
    const inner = unwrap(name, args);
    if (inner.kind === 'command') {
      // `env X=1 cmd` and `sudo X=1 cmd`: the assignments go to the command behind the wrapper.
      const before = inner.words[0] === undefined ? args : args.slice(0, Math.max(0, args.indexOf(inner.words[0])));
      const [rest, names] = withoutAssignments(inner.words);
      // `env -i helm …` starts helm with none of the line's variables, `env -u HELM_NAMESPACE helm …` without that one.
      const clean = name === 'env' && before.some((word) => word.literal === '--ignore-environment' || /^-[0v]*i/.test(word.literal ?? ''));
      const environment = new Map(clean ? [] : seen.environment);
      if (name === 'env') for (const unset of unsetNames(before)) environment.set(unset, '');
      for (const word of [...before, ...inner.words.slice(0, inner.words.length - rest.length)]) {
        const variable = ENVIRONMENT_ASSIGNMENT.exec(word.literal ?? word.text)?.[1];
        // `env NS=${NS:-prod} sh -c …`: a value known at run time as a reading fills it in.
        if (variable !== undefined) environment.set(variable, (word.literal ?? filledText(word, seen))?.slice(variable.length + 1));
      }
      const innerSeen = { ...seen, environment, ...(clean ? { cleanEnvironment: true as const } : {}), ...(resetsEnvironment(name, args) ? { startedAt: NOTHING_STARTED } : {}) };
      for (const command of appendedInput(name, before, rest, stdin)) await visit(command, parse, found, depth + 1, withNames(assigned, [...assignedNames(before), ...names]), innerSeen, APPENDING.has(name), reading, stdin);
    }
    // `su $OPTS root -c CODE`: what runs is chosen at run time, and may well be CODE.
    const codes = inner.kind === 'script' ? [inner.code] : inner.kind === 'command' ? (inner.codes ?? []) : [];
    for (const code of codes) {
      const wrapped = filledText(code, seen);
      if (wrapped !== undefined) await collect(wrapped, parse, found, depth + 1, assigned, seen.environment, seen.mayChange, seen.cleanEnvironment, reading, stdin, handed(resetsEnvironment(name, args)));
    }
    return;
  }
  // `npx rm -rf x`, `pnpm -r exec rm -rf x`, `npm exec -c 'rm -rf x'`: a package manager runs the command behind it.
  const executed = packageExec(name, args);
  if (executed?.kind === 'command') await visit(executed.words, parse, found, depth + 1, assigned, seen, false, reading, stdin);
  const executedCode = executed?.kind === 'script' ? filledText(executed.code, seen) : undefined;
  if (executedCode !== undefined) await collect(executedCode, parse, found, depth + 1, assigned, seen.environment, seen.mayChange, seen.cleanEnvironment, reading, stdin, handed(false));
  // `coproc X { touch f; }`, `trap 'rm -rf x' EXIT`: the command a keyword starts, the line a trap runs later.
  const keyworded = keywordCommand(name, args);
  if (keyworded !== undefined) await visit(keyworded, parse, found, depth + 1, assigned, seen, false, reading, NO_STDIN);
  const trap = name === 'trap' ? trapAction(args) : undefined;
  const trapCode = trap?.kind === 'code' && trap.code.literal !== undefined ? sameShell(trap.code.literal, true) : undefined;
  if (trapCode !== undefined) await collect(trapCode.code, parse, found, depth + 1, assigned, seen.environment, seen.mayChange, seen.cleanEnvironment, { ...reading, callableEnd: trapCode.callableEnd });
  // `git rebase -x 'sh t.sh'`, `git bisect run ./t.sh`: git runs them.
  if (name === 'git') for (const inner of commandsGitRuns(args)) await visit(inner, parse, found, depth + 1, assigned, seen, false, reading, NO_STDIN);
  if (name === 'find') {
    for (const inner of findExecs(args)) await visit(inner, parse, found, depth + 1, assigned, seen, false, reading, NO_STDIN);
    return;
  }
  // `eval 'sh deploy.sh'`, `eval kubectl delete ns $NS`: its words, expanded and joined, are a line the shell runs,
  // with every value known where eval stands.
  const expanded = name === 'eval' ? args.map((word) => expandKnown(word, seen.valueAt, true)) : [];
  const evaluated = name === 'eval' && expanded.every((words) => words !== undefined) ? expanded.flat().map((word) => word.literal).join(' ') : undefined;
  const evaluatedCode = evaluated === undefined ? undefined : sameShell(evaluated, false);
  if (evaluatedCode !== undefined) await collect(evaluatedCode.code, parse, found, depth + 1, assigned, seen.environment, seen.mayChange, seen.cleanEnvironment, { ...reading, callableEnd: evaluatedCode.callableEnd }, stdin, seen.valueAt);
  // `bash <<'E'`, `echo 'make clean' | sh -s`: the text the shell reads is a line it runs, as a `-c` string is.
  const code = reading.stdinCode && (stdin.kind === 'text' || stdin.kind === 'pipe') && readsStdinCode(name, args) ? stdin.literal : undefined;
  if (code !== undefined) await collect(code, parse, found, depth + 1, assigned, seen.environment, seen.mayChange, seen.cleanEnvironment, reading, NO_STDIN, handed(false));
  if (SHELLS.has(name)) {
    // `bash -c "kubectl delete ns $NS"`: the outer shell fills the code in before bash reads it.
    const script = shellCode(args, name) ?? filledText(shellCodeWord(args, name), seen);
    // `echo … | bash -c 'bash -s'`: the shell the string starts reads the outer one's stdin.
    if (script !== undefined) await collect(script, parse, found, depth + 1, assigned, seen.environment, seen.mayChange, seen.cleanEnvironment, reading, stdin, withArguments(handed(false), script, name, args, seen));
  }
}

/**
 * `bash -c 'kubectl delete ns $1' _ prod`: the words after the code are `$0`, `$1`… of the shell it starts, as the
 * outer shell expands them. Not when the code may move or reset them (`shift`, `set --`) or defines functions, whose
 * own `$1` is another.
 */
function withArguments(handed: Started, script: string, shell: string, args: readonly ShellWord[], seen: Seen): Started {
  const at = shell === 'fish' ? undefined : shellCodeAt(args);
  if (at === undefined || at >= args.length || /\b(?:shift|set|function)\b|\(\s*\)/.test(script)) return handed;
  const after = args.slice(at + 1);
  return (name) => (POSITIONAL.test(name) ? filledText(after[Number(name)], seen) : handed(name));
}

/**
 * The commands a wrapper runs: `echo 'kubectl delete ns prod' | xargs -0 sh -c` runs `sh -c` with its input as the
 * code, so the rules meet that code.
 */
function appendedInput(name: string, flags: readonly ShellWord[], command: readonly ShellWord[], stdin: Stdin): readonly (readonly ShellWord[])[] {
  if (name !== 'xargs') return [command];
  const texts = flags.map((word) => word.literal);
  if (texts.some((text) => text !== undefined && /^(-I|-i|--replace)/.test(text))) return [command];
  const groups = xargsArguments(texts, stdin.kind === 'text' || stdin.kind === 'pipe' ? stdin.literal : undefined);
  // The command as written too: a rule that meets it with unknown arguments still does.
  return groups === undefined ? [command] : [command, ...groups.map((group) => [...command, ...group.map(literalWord)])];
}

const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/** The commands `find` runs: each `-exec` (`-execdir`, `-ok`, `-okdir`) up to its `;`, or its `{} +`. */
function findExecs(args: readonly ShellWord[]): ShellWord[][] {
  const commands: ShellWord[][] = [];
  for (let i = 0; i < args.length; i++) {
    if (!FIND_EXEC.has(args[i]!.literal ?? '')) continue;
    let end = i + 1;
    while (end < args.length && !(args[end]!.literal === ';' || (args[end]!.literal === '+' && args[end - 1]!.literal === '{}'))) end++;
    commands.push(args.slice(i + 1, end));
    i = end;
  }
  return commands;
}

/** The variables `env` removes from its command's environment: `-u NAME`, `-uNAME`, `--unset=NAME`, `--unset NAME`. */
function unsetNames(flags: readonly ShellWord[]): string[] {
  const names: string[] = [];
  for (const [i, word] of flags.entries()) {
    const text = word.literal ?? '';
    const named = text === '-u' || text === '--unset' ? flags[i + 1]?.literal : /^(?:-u|--unset=)(.+)$/.exec(text)?.[1];
    if (named !== undefined) names.push(named);
  }
  return names;
}

function assignedNames(words: readonly ShellWord[]): string[] {
  return words.flatMap((word) => ENVIRONMENT_ASSIGNMENT.exec(word.literal ?? word.text)?.[1] ?? []);
}

/** Leading `NAME=value` words (what `sudo` takes before the command) and their names. */
function withoutAssignments(words: readonly ShellWord[]): [readonly ShellWord[], string[]] {
  let i = 0;
  // `env NS=$X cmd`: an assignment whose value is known only at run time is one still.
  while (i < words.length && ENVIRONMENT_ASSIGNMENT.test(words[i]!.literal ?? words[i]!.text)) i++;
  return [words.slice(i), assignedNames(words.slice(0, i))];
}

function withNames(assigned: ReadonlySet<string>, names: readonly string[]): ReadonlySet<string> {
  return names.length === 0 ? assigned : new Set([...assigned, ...names]);
}
