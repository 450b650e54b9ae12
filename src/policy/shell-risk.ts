import { hasTemplate, TEMPLATE } from '../planning/templates.js';
import { classifyCommand, TEMPLATE_HINT } from './command-risk.js';
import { closerReading } from './closer-reading.js';
import { NO_ENVIRONMENT, type CommandContext, type Stdin } from './command-context.js';
import { calledDefinition, movesArguments, readsArgumentsIndirectly, withArguments, type FunctionDefinition } from './function-calls.js';
import { maxRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';
import { steeringRisk } from './steering-variables.js';
import { destroyPlansApplied, startingSettings } from './terraform-environment.js';
import { unparsedRisk } from './unparsed-line.js';
import { handedOn, valuesUnknown } from './handed-environment.js';
import { lineExports, type Export } from './exported-names.js';
import { knownValues, lineSettings, mayBeSet, startValueHolds, type CopiedValue } from './shell-variables.js';
import type { ShellParser, ShellWord } from './shell-syntax.js';
import { NO_STDIN, scanLine, type Unit } from './line-scan.js';
import { possibleValues, type PossibleValues, type Present } from './possible-values.js';
import type { CommandStreams } from './command-streams.js';
import { argumentLoops, setArguments, type ArgumentLoop } from './positional-words.js';

const NOTHING_COPIED: CopiedValue = () => undefined;

/** How deep `bash -c "bash -c '…'"` is followed. */
const MAX_SCRIPT_DEPTH = 8;
/** How deep calls of functions the line defines are followed (a function calling another). */
const MAX_CALL_DEPTH = 8;

/**
 * The risk of a shell command line: every command in it (pipelines, lists, subshells,
 * substitutions, functions, `bash -c` strings) classified, plus its redirections.
 * `{{ templates }}` are filled in at run time, so they count as unknown words.
 */
export async function classifyShell(command: string, parse: ShellParser, depth = 0, downloaded: ReadonlySet<string> = new Set(), environment = NO_ENVIRONMENT, stdin = NO_STDIN): Promise<StepRisk> {
  const templated = hasTemplate(command);
  const source = templated ? command.replace(TEMPLATE, `"${TEMPLATE_HINT}"`) : command;
  // `curl -o i.sh …; bash -c ./i.sh`, `curl -o a.zip …; sh -c 'unzip a.zip && ./a/install'`: what the enclosing line
  // downloads is as unreviewed in the code it hands on, and unpacked there from the start.
  const scan = await parse(source, (root) => scanLine(root, 'sure', downloaded, environment, stdin));
  const handed = handedOn(scan.variables, scan.units.map((unit) => unit.words), environment);
  const settings = startingSettings(lineSettings(scan.variables), environment);
  const planned = (name: string): boolean => environment.anything || environment.values.has(name);
  const context = (stdin: Stdin, start: number): CommandContext => ({
    stdin,
    variables: scan.variables.values,
    knownValues: (name, fromOutside) => {
      // `A=kubectl; K=$A`: a copy of the line's own value is followed; one of the step's `env` is not, as `$NS` is not.
      const values = knownValues(scan.variables, name, start, fromOutside, false, NOTHING_COPIED);
      // `TOOL=${TOOL:-ls}; $TOOL` with the step's `env: { TOOL: rm }`: TOOL is rm.
      if (values === undefined || !fromOutside || !scan.variables.fromOutside.has(name) || !planned(name)) return values;
      const value = environment.values.get(name);
      return value === undefined ? undefined : value === '' ? values : [...new Set([...values, value])];
    },
    fromOutside: (name) => scan.variables.fromOutside.has(name),
    mayBeSet: (name) => mayBeSet(scan.variables, name) || environment.anything || (environment.values.has(name) && environment.values.get(name) === undefined),
    environment,
    settings,
    downloaded: scan.downloads,
    script: (code, input, elsewhere) => (depth >= MAX_SCRIPT_DEPTH ? Promise.resolve(writeRisk('scripts nested too deeply to follow')) : classifyShell(code, parse, depth + 1, scan.downloads, elsewhere ? valuesUnknown(handed) : handed, input)),
  });
  // Each body is looked at once, however many calls reach it.
  const bodies = new Map<FunctionDefinition, { readonly body: readonly Unit[]; readonly moved: boolean; readonly indirect: boolean }>();
  const bodyOf = (definition: FunctionDefinition) => {
    const known = bodies.get(definition);
    if (known !== undefined) return known;
    const body = scan.units.filter((inner) => inner.start > definition.start && inner.start < definition.end);
    // `f() { shift; curl "$1" …; }; f x -XDELETE`: after shift or set --, $1 is another of the call's words (or
    // none of them); which one is not followed, so the body is rated with them unknown, as written.
    const code = source.slice(definition.start, definition.end);
    const moved = body.some((inner) => movesArguments(inner.words)) || /\bOPTIND\b/.test(code);
    // `local m=$2`, `"${@:2}"`, `for a; do`, `${!#}`, `a=("$@")`: arguments reached otherwise than as whole words are not followed either.
    const indirect = !moved && readsArgumentsIndirectly(code);
    bodies.set(definition, { body, moved, indirect });
    return bodies.get(definition)!;
  };
  // `f() { kubectl get pods -n "$1"; }; f shop`: a call of a function the line defines runs its body with the call's words.
  const rate = async (words: readonly ShellWord[], unit: Unit, stdin: Stdin, calls: number): Promise<StepRisk> => {
    const definition = calls < MAX_CALL_DEPTH ? calledDefinition(scan.functions, words[0]?.literal, unit.start) : undefined;
    if (definition === undefined) return classifyCommand(words, context(stdin, unit.start));
    const { body, moved, indirect } = bodyOf(definition);
    let risk = moved
      ? writeRisk(`${definition.name} moves its arguments (shift, set, getopts) before using them`)
      : indirect
        ? writeRisk(`${definition.name} reads its arguments other than as whole words ($1, "$@")`)
        : readRisk(`${definition.name} runs a function the line defines`);
    for (const inner of body) {
      risk = maxRisk(risk, await rate(moved || indirect ? inner.words : withArguments(inner.words, words.slice(1)), inner, inner.stdin.kind === 'none' ? stdin : inner.stdin, calls + 1));
    }
    return risk;
  };
  const units = await closerReading(scan.units, (unit, words) => rate(words ?? unit.words, unit, unit.stdin, 0), { functions: scan.functions, variables: scan.variables, source, environment });
  let risk = units.read ?? units.risk;
  for (const effect of [...scan.effects, ...destroyPlansApplied(scan.units.map((unit) => unit.words), settings, scan.units.map((unit) => unit.streams))]) risk = risk === undefined ? effect : maxRisk(risk, effect);
  risk ??= readRisk('no command');
  // `PATH=.:$PATH ls`, `export GIT_EXTERNAL_DIFF=…; git diff`, `for PATH in .; do ls; done`: rated as the same variables in the step's env are.
  const steering = await steeringRisk(lineSettings(scan.variables), context(NO_STDIN, 0).script);
  if (steering) risk = maxRisk(risk, steering);
  if (scan.error) risk = maxRisk(risk, unparsedRisk(source));
  if (scan.truncated) risk = maxRisk(risk, writeRisk('too many commands to look at'));
  if (templated) risk = maxRisk(risk, writeRisk('the command line is filled in at run time ({{ … }})'));
  // The closer reading counts only for a line that then reads; any other is rated by its commands as written.
  return units.read !== undefined && risk.level !== 'read' ? maxRisk(units.risk!, risk) : risk;
}

/** The simple commands of a line and the variables it sets (`NAME=…`, `export NAME=…`, `NAME=… cmd`). */
export type SimpleCommands = {
  readonly commands: (readonly ShellWord[])[];
  readonly assigned: readonly string[];
  /** What each command (by its index in `commands`) sees of the variables the line sets. */
  readonly variables: readonly CommandVariables[];
  /** What feeds each command's standard input (a here-document, a pipe from echo…), by its index in `commands`. */
  readonly inputs: readonly Stdin[];
  /** The files each command's standard input and output are redirected from and to, and the command piped into it. */
  readonly streams: readonly CommandStreams[];
  /** Where each command (by its index in `commands`) starts in the line. */
  readonly starts: readonly number[];
  /**
   * Whether the line may change the variable in a way not followed to one value (the risk rater's mayBeSet:
   * `. ./env.sh`, `eval`, `read`, `printf -v`, `:=`…), or unsets it: a value it was started with is then not what is read.
   */
  mayChange(name: string): boolean;
  /** Where the line marks variables for export: a shell a command starts after that gets their values. */
  readonly exports: readonly Export[];
  /** The functions the line defines, by their places in it. */
  readonly functions: readonly FunctionDefinition[];
  /** The line's `for` loops over positional parameters (`for n in "$@"`), which a call of their function fills in. */
  readonly argumentLoops: readonly ArgumentLoop[];
  /** The positional parameters each `set -- …` statement of the line sets, by where it starts. */
  readonly setArguments: ReadonlyMap<number, readonly ShellWord[]>;
};

/** What one command of a line sees of the variables the line sets. */
export type CommandVariables = {
  /**
   * The value a variable has where the command's words are expanded, when the line sets it for sure before, to one
   * literal value or a copy of one (`X=$NS`); `started`: the values the line started with, for a copy of one the line
   * leaves alone up to the copy.
   */
  valueAt(name: string, started?: (name: string, at: number) => string | undefined): string | undefined;
  /** The command's own `NAME=value` prefixes (its process's variables only); undefined: a value known at run time. */
  readonly prefix: ReadonlyMap<string, string | undefined>;
  /** The words of those prefixes whose value is known at run time (`NS=${NS:-prod} cmd`). */
  readonly prefixWords: ReadonlyMap<string, ShellWord>;
  /** Whether the variable still holds, where the command runs, the value the line was started with (startValueHolds). */
  startValueHolds(name: string): boolean;
  /** Every value the variable may hold where the command's words are expanded (possibleValues); `started`: as for valueAt. */
  possibleValues(name: string, started: (name: string, at: number) => string | undefined, present?: Present): PossibleValues;
};

/**
 * The words of every simple command in a line, found the way the classifier finds them
 * (pipelines, lists, subshells, substitutions, functions), for policy rules to match.
 */
export function simpleCommands(command: string, parse: ShellParser, stdin: Stdin = NO_STDIN): Promise<SimpleCommands> {
  return parse(command, (root) => {
    const found = scanLine(root, 'possible', undefined, undefined, stdin);
    const variables = found.units.map(
      (unit): CommandVariables => ({
        valueAt: (name, started) => {
          const copied: CopiedValue = (source, at) => (started !== undefined && startValueHolds(found.variables, source, at, true) ? started(source, at) : undefined);
          const values = knownValues(found.variables, name, unit.start, false, true, copied);
          return values?.length === 1 ? values[0] : undefined;
        },
        prefix: unit.prefix,
        prefixWords: unit.prefixWords,
        startValueHolds: (name) => startValueHolds(found.variables, name, unit.start),
        possibleValues: (name, started, present) => possibleValues(found.variables, name, unit.start, started, found.functions, present),
      }),
    );
    return { commands: found.units.map((unit) => unit.words), inputs: found.units.map((unit) => unit.stdin), streams: found.units.map((unit) => unit.streams), starts: found.units.map((unit) => unit.start), assigned: [...found.variables.values.keys(), ...found.variables.indirect], variables, mayChange: (name) => mayBeSet(found.variables, name), exports: lineExports(root), functions: found.functions, argumentLoops: argumentLoops(root), setArguments: setArguments(root) };
  });
}
