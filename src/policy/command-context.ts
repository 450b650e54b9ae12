import type { StepRisk } from './risk-level.js';
import type { ShellWord } from './shell-syntax.js';
import type { VariableSetting } from './steering-variables.js';

/** What feeds a command's standard input, as far as the command line tells. */
export type Stdin =
  | { readonly kind: 'none' }
  /** From earlier commands of a pipeline; `programs` are their names, `literal` the text they print when it is known (echo/printf). */
  | { readonly kind: 'pipe'; readonly programs: readonly string[]; readonly literal?: string }
  /**
   * A here-document or here-string; `literal` unless it expands something, `programs` those of the
   * substitutions it expands (`bash <<< "$(curl …)"` runs what curl prints), and `$NAME` for each variable it reads.
   */
  | { readonly kind: 'text'; readonly literal?: string; readonly programs?: readonly string[] }
  /** `< file` or a process substitution. */
  | { readonly kind: 'file'; readonly programs: readonly string[] };

export interface CommandContext {
  readonly stdin: Stdin;
  /** Every value the command line assigns to each variable (`CMD=rm`), for words that read them. */
  readonly variables?: ReadonlyMap<string, readonly string[]>;
  /**
   * The values a variable may hold where the command runs, when the line fixes them all before running (`A=ls; $A`);
   * with `fromOutside`, also when one is a default the environment may override (`K=${K:-kubectl}`).
   */
  knownValues?(name: string, fromOutside?: boolean): readonly string[] | undefined;
  /** Whether the line sets the variable to a default the environment may override (`K=${K:-kubectl}`). */
  fromOutside?(name: string): boolean;
  /**
   * Whether something other than the environment ksa cannot see may set the variable: the line itself, in any way
   * (`printf -v X rm`, `eval X=rm`, `: ${X:=rm}`), or the step's `env` (then `environment` holds its value).
   */
  mayBeSet?(name: string): boolean;
  /** The step's `env`: each variable it sets, with its value when that is known before running (not a `{{ … }}`). */
  readonly environment?: StepEnvironment;
  /**
   * Every variable the line, the step's `env` or a wrapper (`env X=1 …`) sets, which the program may start with
   * (TF_CLI_ARGS adds words to terraform's); its value when it is one literal text, its name undefined when named at run time.
   */
  readonly settings?: readonly VariableSetting[];
  /**
   * Files the line writes with what it downloads or decodes (`curl -o i.sh …`), each as samePath spells it, and
   * folders it unpacks a downloaded archive into, ending in `/` (isDownloaded).
   */
  readonly downloaded?: ReadonlySet<string>;
  /**
   * Classifies a shell script given as text (`bash -c "…"`, `eval`, `ssh host "…"`); `stdin`: what the shell running
   * it reads, which its commands read too (`echo … | bash -c 'bash'` runs what echo prints); `elsewhere`: it runs
   * where the step's `env` may not reach (behind `sudo`, over ssh, in a container), so none of its values is known there.
   */
  script(code: string, stdin?: Stdin, elsewhere?: boolean): Promise<StepRisk>;
}

/**
 * Variables a shell line starts with that ksa knows of: the step's `env`, and for code a line hands to another
 * shell (`bash -c '…'`), what the line around it sets (its values unknown there). `anything` when some of it may
 * set variables ksa cannot name (`eval …`, `export $(cat vars.env)`).
 */
export interface StepEnvironment {
  readonly values: ReadonlyMap<string, string | undefined>;
  readonly anything: boolean;
}

export const NO_ENVIRONMENT: StepEnvironment = { values: new Map(), anything: false };

/** The command to classify: its words (program first) and where it runs. */
export interface SimpleCommand {
  readonly words: readonly ShellWord[];
  readonly context: CommandContext;
}

/** Programs whose output, run as code, is code nobody reviewed: downloads and decoders. */
export const UNREVIEWED_SOURCES = new Set(['curl', 'wget', 'nc', 'ncat', 'netcat', 'base64', 'base32', 'xxd', 'openssl', 'gpg', 'gunzip', 'zcat', 'bzcat', 'xzcat', 'uudecode', 'rev', 'tr', 'fetch', 'http', 'aria2c']);
