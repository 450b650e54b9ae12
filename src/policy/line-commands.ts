import { behindWrappers } from './behind-wrappers.js';
import { addStreams, type CommandStreams } from './command-streams.js';
import { SHELLS } from './command-risk.js';
import { expandKnown, heldValue } from './known-expansions.js';
import { programName } from './program-name.js';
import { shellCode } from './script-arguments.js';
import { simpleCommands } from './shell-risk.js';
import type { ShellParser, ShellWord } from './shell-syntax.js';
import type { VariableSetting } from './steering-variables.js';
import { succeededBefore } from './succeeded-before.js';
import { withTerraformArguments } from './terraform-environment.js';
import { isWrapper, unwrap } from './wrappers.js';

/** The variables that add words to `terraform plan` (and so may make it a destroy plan). */
const PLAN_VARIABLES = ['TF_CLI_ARGS', 'TF_CLI_ARGS_plan'];
/** How deep code a line hands to a shell (`bash -c "sh -c '…'"`) is read. */
const MAX_CODE_DEPTH = 8;

/** One command of a step's line, in the order the line runs them, with the commands of code it hands to a shell. */
export type LineCommand = {
  /** As terraform reads them: with the words TF_CLI_ARGS adds, and the values the line surely gives its variables. */
  readonly words: readonly ShellWord[];
  /** Its redirections, and the command piped into it, by its index among the line's commands. */
  readonly streams: CommandStreams;
  /** The commands before it (by index) that surely succeeded when it runs: `terraform plan -out=p && terraform apply p`. */
  readonly after: ReadonlySet<number>;
  /** Run by code the line hands to a shell (`bash -c 'terraform apply p'`). */
  readonly handed: boolean;
  /** Handing code to a shell, the commands of that code (by index) that surely succeeded when the shell does. */
  readonly implies: Set<number>;
  /** Whether its line (or one handing it code) may set the variable: a word reading it may then name another file. */
  changes(name: string): boolean;
};

type Outer = { readonly streams: CommandStreams; readonly after: ReadonlySet<number>; changes(name: string): boolean };

/**
 * The commands of a step's line in the order it runs them. The code it hands to a shell (`bash -c '…'`, `sudo sh -c`,
 * `su -c`, `eval`) is read where the shell runs, so what it saves or copies meets the line's later commands: that code
 * writes to the shell's redirections and reads its input (`bash -c 'cat p' > q` copies p to q).
 */
export async function lineCommands(command: string, env: readonly VariableSetting[], parse: ShellParser): Promise<LineCommand[]> {
  const found: LineCommand[] = [];
  await readLine(command, env, parse, found, 0, undefined);
  return found;
}

/** Reads the line's commands into `found`; returns those (by index) that surely succeeded when the line does. */
async function readLine(code: string, env: readonly VariableSetting[], parse: ShellParser, found: LineCommand[], depth: number, outer: Outer | undefined): Promise<number[]> {
  let line, guards;
  try {
    line = await simpleCommands(code, parse);
    guards = await parse(code, succeededBefore);
  } catch {
    return [];
  }
  const { commands, variables, starts, streams, assigned, mayChange } = line;
  // Code handed to a shell sees the step's `env` (exported), never what the handing line sets.
  const changes = (name: string) => mayChange(name) || (outer?.changes(name) ?? false);
  const lineChanges = (name: string) => assigned.includes(name) || changes(name);
  const step = new Map(env.flatMap((setting) => (setting.name === undefined ? [] : [[setting.name, setting.value] as const])));
  const at = new Map<number, number>();
  const byStart = new Map<number, number>();
  for (const [i, written] of commands.entries()) {
    const seen = variables[i]!;
    const valueOf = (name: string) => heldValue(name, { lineValues: (n) => (assigned.includes(n) ? listOf(seen.valueAt(n)) : undefined), mayChange: changes, step });
    // `V='1 d.tfplan'; terraform apply -var k=$V`: the shell passes d.tfplan as a word of its own.
    const expanded = written.flatMap((word) => expandKnown(word, valueOf) ?? [word]);
    const lineSet = PLAN_VARIABLES.flatMap((name): VariableSetting[] => (mayChange(name) ? [{ name, value: undefined }] : seen.valueAt(name) === undefined ? [] : [{ name, value: seen.valueAt(name) }]));
    const words = withTerraformArguments(expanded, [...env, ...[...seen.prefix].map(([name, value]) => ({ name, value })), ...lineSet]);
    const own = streams[i]!;
    const piped = own.pipedFrom === undefined ? undefined : at.get(own.pipedFrom);
    // `bash -c 'terraform plan -out=p' && terraform apply p`: the shell succeeded, and so did the code it ran.
    const surely = [...(guards.before.get(starts[i]!) ?? [])].flatMap((start) => (byStart.has(start) ? [byStart.get(start)!] : []));
    const after = new Set([...(outer?.after ?? []), ...surely.flatMap((index) => [index, ...found[index]!.implies])]);
    const unit: LineCommand = { words, streams: { input: [...own.input], output: [...own.output], ...(piped === undefined ? {} : { pipedFrom: piped }) }, after, handed: depth > 0, implies: new Set(), changes: lineChanges };
    at.set(i, found.length);
    byStart.set(starts[i]!, found.length);
    found.push(unit);
    const handed = depth < MAX_CODE_DEPTH ? handedCode(written) : undefined;
    if (handed === undefined) continue;
    const first = found.length;
    for (const index of await readLine(handed, env, parse, found, depth + 1, { streams: unit.streams, after, changes: lineChanges })) unit.implies.add(index);
    addStreams(found, first, unit.streams);
    // `cat p | bash -c 'cat > q'`: the shell's input is its code's.
    for (const inner of found.slice(first)) if (inner.streams.pipedFrom === undefined && unit.streams.pipedFrom !== undefined) inner.streams.pipedFrom = unit.streams.pipedFrom;
  }
  return guards.whole.flatMap((start) => (byStart.has(start) ? [byStart.get(start)!, ...found[byStart.get(start)!]!.implies] : []));
}

function listOf(value: string | undefined): string[] {
  return value === undefined ? [] : [value];
}

/** The code a command hands to a shell when it is written out: `bash -c '…'`, `sudo sh -c "…"`, `su -c '…'`, `eval '…'`. */
function handedCode(words: readonly ShellWord[]): string | undefined {
  const inner = behindWrappers(words);
  const program = inner[0]?.literal;
  if (program === undefined) return undefined;
  const name = programName(program);
  const args = inner.slice(1);
  if (SHELLS.has(name)) return shellCode(args, name);
  if (name === 'eval') return args.every((word) => word.literal !== undefined) ? args.map((word) => word.literal).join(' ') : undefined;
  const unwrapped = isWrapper(name) ? unwrap(name, args) : undefined;
  return unwrapped?.kind === 'script' ? unwrapped.code.literal : undefined;
}
