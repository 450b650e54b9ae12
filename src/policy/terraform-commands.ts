import { writtenPrefix, writtenStart } from './attached-values.js';
import { has, positional } from './option-words.js';
import type { Args } from './program-rules.js';
import { destroyRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';
import { mayBeOptions, maySetFlag } from './run-time-options.js';
import type { ShellWord } from './shell-syntax.js';

/** terraform's (and tofu's) commands that only look; `fmt` rewrites files unless told `-check`. */
const READING = /^(plan|show|validate|output|version|providers|graph|fmt|console|state)$/;
/** `terraform providers lock` writes .terraform.lock.hcl and `providers mirror DIR` fills DIR; the rest only print. */
const PROVIDERS_WRITES = /^(lock|mirror)$/;
/** `terraform workspace list` and `show` print; `new` and `select` change the workspace. */
const WORKSPACE_READS = /^(list|show)$/;
/**
 * `workspace delete` throws a workspace's state away (with `-force` even while it still tracks resources, which are
 * then no longer managed), as `state rm` and `state push` do: no terraform command brings it back.
 */
const WORKSPACE_DESTROYS = /^delete$/;
/** `terraform state` subcommands that only look at the state; `rm` and `replace-provider` drop or rewrite what it
 * tracks, `push` overwrites the remote state with a local file: none of them can be undone by terraform. */
const STATE_READS = /^(list|show|pull|identities)$/;
const STATE_DESTROYS = /^(rm|push|replace-provider)$/;
/** `terraform plan -out=p`, `-out p`, `--out=p` (Go flags: one dash or two, the value after `=` or as the next word). */
const PLAN_OUTPUT = /^--?(out|generate-config-out)(=|$)/;

/**
 * terraform and tofu: `destroy` and `apply -destroy` destroy, the reading commands read unless an option
 * makes them write. Not `help` when words it runs with are not written (TF_CLI_ARGS): those may bring a subcommand.
 */
export function terraformRisk(given: Args, words: readonly ShellWord[], program = 'terraform', help = true): StepRisk {
  const args = withOptionValues(given, words);
  const [verb] = positional(args);
  if (help && printsHelp(args)) {
    const named = helpedCommand(args);
    return readRisk(args.length === 0 ? `${program} without a subcommand prints help` : verb === 'help' ? `${program} help prints help` : `${program} ${named === undefined ? '' : `${named} `}${args.find((arg) => HELP.test(arg!))} only prints help`);
  }
  // `terraform -version`, `-v`, `--version` before any subcommand: terraform runs its version command.
  if (help && args.length > 0 && positional(args).length === 0 && args.some((arg) => VERSION.test(arg!)) && !args.some((arg) => AUTOCOMPLETE.test(arg!))) return readRisk(`${program} ${args.find((arg) => VERSION.test(arg!))} only prints the version`);
  if (verb === undefined && chosenAtRunTime(args, words)) return destroyRisk(`${program} with a subcommand chosen at run time (may be destroy or apply -destroy)`);
  if (verb === 'destroy' || (verb === 'apply' && destroyFlagSet(args))) return destroyRisk(`${program} destroy`);
  const unknown = verb === 'apply' ? mayBeDestroy(args, words) : undefined;
  if (unknown !== undefined) return destroyRisk(`${program} apply with ${unknown.text} known only at run time (may be -destroy)`);
  if (verb === 'state') return stateRisk(args, program);
  const sub = positional(args)[1];
  if (verb === 'providers' && positional(args).length > 1 && (sub === undefined || PROVIDERS_WRITES.test(sub))) return writeRisk(`${program} providers ${sub ?? 'with a subcommand chosen at run time'}`);
  // `terraform workspace` alone prints its help.
  if (help && verb === 'workspace' && positional(args).length === 1) return readRisk(`${program} workspace without a subcommand prints help`);
  // `terraform env` is workspace's old name.
  if ((verb === 'workspace' || verb === 'env') && positional(args).length > 1) {
    if (sub !== undefined && WORKSPACE_DESTROYS.test(sub)) return destroyRisk(`${program} ${verb} delete throws the workspace's state away`);
    if (sub === undefined && mayDelete(args, words)) return destroyRisk(`${program} ${verb} with a subcommand chosen at run time (may be delete)`);
  }
  if (verb === 'workspace') return sub !== undefined && WORKSPACE_READS.test(sub) ? readRisk(`${program} workspace ${sub}`) : writeRisk(`${program} workspace ${sub ?? ''}`.trim());
  // `terraform plan -out=p` saves the plan for a later `apply p`; `-generate-config-out=f` writes configuration.
  const output = verb === 'plan' ? args.map((arg) => (arg === undefined ? undefined : PLAN_OUTPUT.exec(arg)?.[1])).find((option) => option !== undefined) : undefined;
  if (output !== undefined) return writeRisk(`${program} plan -${output} writes a file`);
  if (verb !== undefined && READING.test(verb) && !(verb === 'fmt' && !has(args, '-check'))) return readRisk(`${program} ${verb}`);
  return writeRisk(`${program} ${verb ?? ''}`.trim());
}

/**
 * `terraform state <sub>`: the word right after `state` (terraform takes the subcommand first). `terraform state`
 * alone prints its help; a subcommand known only at run time (`terraform state "$OP" x`) may be `push` or `rm`.
 */
function stateRisk(args: Args, program: string): StepRisk {
  const at = args.indexOf('state') + 1;
  if (at >= args.length) return readRisk(`${program} state`);
  // After an option (`state -help`) terraform shows the help; the next operand is still taken as the subcommand.
  const sub = args[at]?.startsWith('-') ? (positional(args.slice(at))[0] ?? '') : args[at];
  if (sub === undefined) return destroyRisk(`${program} state with a subcommand chosen at run time (may be push or rm)`);
  if (STATE_DESTROYS.test(sub)) return destroyRisk(`${program} state ${sub}`);
  return sub === '' || STATE_READS.test(sub) ? readRisk(`${program} state ${sub}`.trim()) : writeRisk(`${program} state ${sub}`);
}

/**
 * `terraform workspace "$OP" staging`, `terraform workspace $OP`: a subcommand known only at run time may be `delete`
 * when a workspace's name follows it or the shell may split it into both. A quoted `"$W"` alone is one word,
 * which `delete` without a name is not.
 */
function mayDelete(args: Args, words: readonly ShellWord[]): boolean {
  const at = args.findIndex((arg, i) => arg === undefined && positional(args.slice(0, i)).length === 1);
  return positional(args.slice(at + 1)).length > 0 || mayBeOptions(words[at]!);
}

/**
 * Whether terraform's subcommand, the first word that is not an option, is known only at run time (`terraform "$X"`).
 * A word with its quoted run-time part after a written `-` (`-chdir="$D"`) is one option, as is an unquoted
 * `-chdir=$D` (withOptionValues).
 */
function chosenAtRunTime(args: Args, words: readonly ShellWord[]): boolean {
  const at = args.findIndex((arg, i) => (arg === undefined ? !(writtenPrefix(words[i]!) ?? '').startsWith('-') : !arg.startsWith('-')));
  return at !== -1 && args[at] === undefined;
}

/**
 * The word of `terraform apply $X` (or of TF_CLI_ARGS_apply known only at run time) that may be `-destroy`: one the
 * shell (or terraform) splits into any words, or one word written as an option that may still become `-destroy`
 * (`-"$X"`), or one quoted word that may be exactly `-destroy` (`"$OPT"`, not `"$DIR/tfplan"`: maySetFlag); a value
 * the step's `env` or the line gives decides. Words after `--` are not options. Nor is a
 * word written as another option with its value (`-var=$R`, `-parallelism=$(nproc)`: withOptionValues), the value
 * of an option that takes the next word (`-var k=$V`), or a path that starts with a written name (`~/plans/$P`):
 * the shell may split an unquoted value there too, but the values a step runs with are its author's.
 */
function mayBeDestroy(args: Args, words: readonly ShellWord[]): ShellWord | undefined {
  const end = args.indexOf('--');
  // `terraform apply -help "$X"`: one word cannot take back the help flag, whatever it is.
  const helped = (end === -1 ? args : args.slice(0, end)).some((arg) => arg !== undefined && HELP.test(arg));
  return words.find((word, i) => {
    if ((end !== -1 && i >= end) || args[i] !== undefined || isOptionValue(args, i) || (helped && !mayBeOptions(word))) return false;
    const start = writtenStart(word);
    return (start === '' || start.startsWith('-')) && maySetFlag(word, DESTROY_FLAGS);
  });
}

/**
 * Whether a word known only at run time is written as an option other than `-destroy` with its value after `=`
 * (`-var=$R`, `-lock-timeout=$T`): taken as that option whatever the value, as withOptionValues reads it.
 */
export function writtenAsOptionWithValue(word: ShellWord): boolean {
  return word.literal === undefined && OPTION_WITH_VALUE.test(writtenStart(word));
}

/** Whether `args[i]` is the value of the option before it (`-var k=$V`, `-target module.a`), not an option or operand of its own. */
export function isOptionValue(args: Args, i: number): boolean {
  return SEPARATE_VALUE.test(args[i - 1] ?? '');
}

export const DESTROY_FLAGS = ['-destroy', '--destroy'];
/**
 * `terraform plan`'s and `apply`'s options that take the next word as their value when not given one after `=`
 * (`-out` is plan's only).
 */
const SEPARATE_VALUE = /^--?(var|var-file|target|replace|lock-timeout|parallelism|state|state-out|backup)$/;
/** `-destroy`, `--destroy=true`, with its value when written. */
const DESTROY_OPTION = /^--?destroy(?:=([\s\S]*))?$/;
/** What Go's flag package reads as false for a boolean flag (strconv.ParseBool); any other value is not false. */
const FALSE = /^(0|f|F|false|FALSE|False)$/;
/** A word written as an option with its value after `=` (`-chdir=`, `-var=region=`), but not `-destroy=`. */
const OPTION_WITH_VALUE = /^--?(?!destroy=)[A-Za-z][A-Za-z0-9_-]*=/;

/**
 * Whether `apply`'s `-destroy` is set: Go's flags take the last of `-destroy`, `-destroy=true`, `-destroy=false`;
 * `-destroy=false` (or 0, f, F, FALSE, False) runs a normal apply.
 */
function destroyFlagSet(args: Args): boolean {
  const last = args.findLast((arg) => arg !== undefined && DESTROY_OPTION.test(arg));
  const value = last === undefined ? undefined : DESTROY_OPTION.exec(last)![1];
  return last !== undefined && (value === undefined || !FALSE.test(value));
}

/**
 * The words as terraform reads its options: a word known only at run time written as an option with its value
 * (`-chdir="$DIR"`, `"-chdir=$DIR"`, `-var=$R`) is that option, spelled as written up to its run-time part (`-chdir=`), so
 * it is never taken for the subcommand (`terraform -chdir="$DIR" destroy` destroys).
 */
function withOptionValues(args: Args, words: readonly ShellWord[]): Args {
  return args.map((arg, i) => {
    if (arg !== undefined || words[i] === undefined) return arg;
    const start = writtenStart(words[i]);
    return OPTION_WITH_VALUE.test(start) ? start : undefined;
  });
}

/** terraform's (and tofu's) flags that ask for help, anywhere before `--`: the command prints its help and runs nothing. */
const HELP = /^(-h|-help|--help)$/;
/** Flags that make terraform run `version` when no subcommand is given. */
const VERSION = /^(-v|-version|--version)$/;
/** `-install-autocomplete` edits the shell's start-up file, whatever else is asked. */
const AUTOCOMPLETE = /^--?(un)?install-autocomplete$/;

/** terraform's commands that have subcommands of their own, with those subcommands (`env` is workspace's old name). */
const NESTED_COMMANDS: Readonly<Record<string, RegExp>> = {
  workspace: /^(delete|list|new|select|show)$/,
  env: /^(delete|list|new|select|show)$/,
  state: /^(identities|list|mv|pull|push|replace-provider|rm|show)$/,
  providers: /^(lock|mirror|schema)$/,
  metadata: /^functions$/,
};

/**
 * The command whose help `-help` prints, as terraform's command-line library finds it: the first word that is not an
 * option, and its subcommand when the very next word names one (`workspace delete -help`, not `workspace -help delete`).
 */
function helpedCommand(args: Args): string | undefined {
  const at = args.findIndex((arg) => arg !== undefined && !arg.startsWith('-'));
  if (at === -1) return undefined;
  const command = args[at]!;
  const sub = args[at + 1];
  return sub !== undefined && Object.hasOwn(NESTED_COMMANDS, command) && NESTED_COMMANDS[command]!.test(sub) ? `${command} ${sub}` : command;
}

/**
 * `terraform -help`, `terraform apply -help -auto-approve`, `terraform` alone, `terraform help`: help only, as its
 * command-line library reads it. Not with `-install-autocomplete` (it edits the shell's start-up file, help or not),
 * nor with a word known only at run time, which may be `--` or that flag.
 */
function printsHelp(args: Args): boolean {
  if (args.includes(undefined) || args.some((arg) => AUTOCOMPLETE.test(arg!))) return false;
  const end = args.indexOf('--');
  const before = end === -1 ? args : args.slice(0, end);
  return args.length === 0 || before.some((arg) => HELP.test(arg!)) || positional(before)[0] === 'help';
}
