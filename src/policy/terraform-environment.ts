import type { CommandStreams } from './command-streams.js';
import type { StepEnvironment } from './command-context.js';
import { behindWrappers } from './behind-wrappers.js';
import { destroyPlanApplied } from './destroy-plan-files.js';
import { programName } from './program-name.js';
import type { StepRisk } from './risk-level.js';
import { withRunTimeOptions } from './run-time-options.js';
import { literalWord, type ShellWord } from './shell-syntax.js';
import type { VariableSetting } from './steering-variables.js';
import { terraformRisk } from './terraform-commands.js';

const TERRAFORMS = new Set(['terraform', 'tofu']);
/** TF_CLI_ARGS adds its words to every command; TF_CLI_ARGS_<command> (`TF_CLI_ARGS_workspace_delete`) to that one. */
const ARGUMENT_VARIABLE = /^TF_CLI_ARGS(?:_(\w+))?$/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;

/**
 * Every variable a command of the line may start with that the line or the step's `env` sets: the line's own
 * settings (lineSettings), then the step's; a name undefined when some of them are named only at run time.
 */
export function startingSettings(line: readonly VariableSetting[], environment: StepEnvironment): VariableSetting[] {
  const step = [...environment.values].map(([name, value]): VariableSetting => ({ name, value }));
  return [...line, ...step, ...(environment.anything ? [{ name: undefined, value: undefined }] : [])];
}

/**
 * terraform's (and tofu's) arguments as it runs them: it reads TF_CLI_ARGS and TF_CLI_ARGS_<command> as words
 * written right after its subcommand (before everything when there is none), so `TF_CLI_ARGS="destroy
 * -auto-approve" terraform` destroys, as `TF_CLI_ARGS_apply=-destroy terraform apply` does. A value known only at
 * run time is a word known only then. Undefined when none of those variables is set.
 */
export function terraformArguments(args: readonly ShellWord[], settings: readonly VariableSetting[]): readonly ShellWord[] | undefined {
  const at = args.findIndex((word) => word.literal === undefined || !word.literal.startsWith('-'));
  const operands = args.filter((word) => word.literal === undefined || !word.literal.startsWith('-'));
  // `terraform workspace delete` reads TF_CLI_ARGS_workspace_delete; one known only at run time may read any.
  const commands = operands[0]?.literal === undefined ? undefined : [operands[0].literal, operands.slice(0, 2).map((word) => word.literal ?? '').join('_')].map((command) => command.replaceAll('-', '_'));
  const values = new Map<string, (string | undefined)[]>();
  for (const { name, value } of settings) {
    const suffix = name === undefined ? undefined : ARGUMENT_VARIABLE.exec(name);
    if (name !== undefined && (suffix === null || suffix === undefined)) continue;
    if (name !== undefined && suffix?.[1] !== undefined && commands !== undefined && !commands.includes(suffix[1])) continue;
    const key = name ?? 'TF_CLI_ARGS';
    values.set(key, [...(values.get(key) ?? []), name === undefined ? undefined : value]);
  }
  if (values.size === 0) return undefined;
  const added = [...values].flatMap(([name, found]) => {
    const distinct = new Set(found);
    const [value] = distinct;
    // Set twice, or to a value known only at run time: any words, as `$TF_CLI_ARGS` unquoted would be.
    return distinct.size === 1 && value !== undefined ? splitWords(value).map(literalWord) : [{ text: `$${name}`, hints: [`$${name}`] }];
  });
  const insert = at === -1 ? 0 : at + 1;
  return [...args.slice(0, insert), ...added, ...args.slice(insert)];
}

/**
 * A terraform (or tofu) command that runs with TF_CLI_ARGS or TF_CLI_ARGS_<command> set, rated with their words
 * and never as help (the words may bring a subcommand); undefined when none is set.
 */
export function steeredTerraform(name: string, args: readonly ShellWord[], settings: readonly VariableSetting[] | undefined): Promise<StepRisk> | undefined {
  const steered = !TERRAFORMS.has(name) || settings === undefined ? undefined : terraformArguments(args, settings);
  if (steered === undefined) return undefined;
  const rate = (words: readonly ShellWord[]) => named(terraformRisk(words.map((word) => word.literal), words, name, false));
  return withRunTimeOptions(name, steered, rate(steered), rate);
}

function named(risk: StepRisk): StepRisk {
  return { ...risk, reason: `${risk.reason} (with the words of TF_CLI_ARGS)` };
}

/**
 * destroyPlanApplied, with the words TF_CLI_ARGS adds to terraform's commands: `TF_CLI_ARGS_plan=-destroy terraform
 * plan -out=p && terraform apply p` applies a destroy plan, as `terraform plan -destroy -out=p && …` does.
 */
export function destroyPlansApplied(commands: readonly (readonly ShellWord[])[], settings: readonly VariableSetting[], streams: readonly CommandStreams[] = []): StepRisk[] {
  return destroyPlanApplied(
    commands.map((words) => withTerraformArguments(words, settings)),
    streams,
  );
}

/** A command of the line with the words TF_CLI_ARGS adds when it is terraform's or tofu's (`env TF_CLI_ARGS_plan=… terraform plan`). */
export function withTerraformArguments(words: readonly ShellWord[], settings: readonly VariableSetting[]): readonly ShellWord[] {
  const inner = behindWrappers(words);
  const program = inner[0]?.literal;
  if (program === undefined || !TERRAFORMS.has(programName(program))) return words;
  // `env TF_CLI_ARGS=… terraform`: a wrapper's assignments go to the command.
  const given = words.slice(0, words.length - inner.length).flatMap((word): VariableSetting[] => {
    const match = ASSIGNMENT.exec(word.literal ?? '');
    return match === null ? [] : [{ name: match[1]!, value: match[2]! }];
  });
  const args = terraformArguments(inner.slice(1), [...settings, ...given]);
  return args === undefined ? words : [inner[0]!, ...args];
}

/** A value's words as terraform splits it: at blanks, outside quotes, without the quotes. */
function splitWords(value: string): string[] {
  return [...value.matchAll(/(?:[^\s"'\\]+|"(?:[^"\\]|\\[\s\S])*"?|'[^']*'?|\\[\s\S]?)+/g)].map(([word]) => word.replace(/'([^']*)'?|"((?:[^"\\]|\\[\s\S])*)"?|\\([\s\S]?)/g, (_all, single: string | undefined, double: string | undefined, escaped: string | undefined) => single ?? double?.replace(/\\([\s\S])/g, '$1') ?? escaped ?? ''));
}
