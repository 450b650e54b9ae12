import { behindWrappers } from './behind-wrappers.js';
import { copyTargets, type CopyTargets } from './copy-targets.js';
import { programName } from './program-name.js';
import { destroyRisk, type StepRisk } from './risk-level.js';
import { mayBeFlag, unquotedSubstitution } from './run-time-options.js';
import type { CommandStreams } from './command-streams.js';
import type { ShellWord } from './shell-syntax.js';
import { streamCopies } from './stream-copies.js';
import { DESTROY_FLAGS, isOptionValue, writtenAsOptionWithValue } from './terraform-commands.js';

const TERRAFORMS = new Set(['terraform', 'tofu']);
/** Programs whose last operand is the file (or folder) they write a copy of the others to. */
const COPIERS = new Set(['cp', 'mv', 'install', 'ln', 'rsync']);
/** `-out=p`, `-out p`, `--out=p` (Go flags: one dash or two, the value after `=` or as the next word). */
const OUT = /^--?out(?:=([\s\S]*))?$/;
/** `-destroy`, `-destroy=true`; Go reads `-destroy=false` (and 0, f, F, FALSE, False) as not set. */
const DESTROY = /^--?destroy(?:=(?!(?:false|0|f|F|FALSE|False)$)[\s\S]*)?$/;
/** `-chdir=infra`: terraform reads and writes plan files from that folder. */
const CHDIR = /^--?chdir=([\s\S]*)$/;

/**
 * What one command does with terraform plan files, each file as written (undefined: named only at run time), with
 * the `-chdir` folder it is read from or written in ('' for none, undefined when named at run time):
 * `saved` a destroy plan, `planned` a plan that does not destroy (`text`: its file as written), `copied` files
 * (`cp p q`, `mv p q`, `cp -t DIR p`) to `to`, or `applied` a plan file.
 */
export type PlanFileUse =
  | { readonly kind: 'saved'; readonly file: string | undefined; readonly folder: string | undefined; readonly tool: string }
  | { readonly kind: 'planned'; readonly file: string | undefined; readonly text: string; readonly folder: string | undefined }
  | ({ readonly kind: 'copied' } & CopyTargets)
  | { readonly kind: 'applied'; readonly files: readonly ShellWord[]; readonly folder: string | undefined; readonly tool: string };

export function planFileUse(written: readonly ShellWord[]): PlanFileUse | undefined {
  const words = behindWrappers(written);
  const program = words[0]?.literal;
  if (program === undefined) return undefined;
  const name = programName(program);
  if (COPIERS.has(name)) {
    const copy = copyTargets(name, words.slice(1));
    return copy === undefined ? undefined : { kind: 'copied', ...copy };
  }
  if (!TERRAFORMS.has(name)) return undefined;
  const at = words.findIndex((word, i) => i > 0 && !/^['"]*-/.test(word.text));
  const verb = words[at]?.literal;
  const globals = words.slice(1, at === -1 ? words.length : at);
  const chdir = globals.findLast((word) => /^['"]*--?chdir=/.test(word.text));
  const folder = chdir === undefined ? '' : chdir.literal === undefined ? undefined : (CHDIR.exec(chdir.literal)?.[1] ?? '');
  const args = at === -1 ? [] : words.slice(at + 1);
  const values = optionValues(args, verb === 'plan');
  if (verb === 'plan') {
    const saved = savedPlan(args);
    if (saved === null) return undefined;
    if (!args.some((word, i) => !values.has(i) && mayBeDestroyFlag(word))) return { kind: 'planned', ...saved, folder };
    return { kind: 'saved', file: saved.file, folder, tool: name };
  }
  if (verb !== 'apply') return undefined;
  const files = args.filter((word, i) => !values.has(i) && !/^['"]*-/.test(word.text));
  return files.length === 0 ? undefined : { kind: 'applied', files, folder, tool: name };
}

/** `terraform plan -out p`: plan's own options that take the next word as their value. */
const PLAN_SEPARATE_VALUE = /^--?(out|generate-config-out)$/;

/**
 * Where the words hold the value of the option before them (`-var k=$V`, `-target module.a`, plan's `-out p`): such
 * a value is neither a plan file nor `-destroy`. But an unquoted `$(…)` there may become several words, the option
 * taking only the first (`-var k=$(cat v)`): the word may still be a plan file or `-destroy`.
 */
function optionValues(args: readonly ShellWord[], plan: boolean): ReadonlySet<number> {
  const texts = args.map((word) => word.literal);
  const value = (i: number) => isOptionValue(texts, i) || (plan && PLAN_SEPARATE_VALUE.test(texts[i - 1] ?? ''));
  return new Set(args.flatMap((word, i) => (value(i) && (word.literal !== undefined || !unquotedSubstitution(word.text)) ? [i] : [])));
}

/**
 * `-destroy` as written, or a word known only at run time that may be it (`terraform plan $MODE -out=p`); not one
 * written as another option with its value (`-var="region=$R"`, `-var=region=$R`).
 */
function mayBeDestroyFlag(word: ShellWord): boolean {
  if (word.literal !== undefined) return DESTROY.test(word.literal);
  return mayBeFlag(word, DESTROY_FLAGS) && !writtenAsOptionWithValue(word);
}

/**
 * `terraform plan -destroy -out=p && terraform apply p`: applying the plan file a destroy plan of the same line
 * saved (or that the line then copied or moved: `mv p q && terraform apply q`) destroys what it lists, as
 * `terraform destroy` does. Commands in the order the line runs them; a plan file is matched by its name (a
 * `-chdir` or `cd` between them is not followed, so one named alike counts). Any apply of a plan file named at run
 * time counts once the line saves a destroy plan, as does a copy of a file named at run time.
 */
export function destroyPlanApplied(commands: readonly (readonly ShellWord[])[], streams: readonly CommandStreams[] = []): StepRisk[] {
  const saved = new Set<string>();
  let unnamed = false;
  for (const use of planFileUses(commands, streams).flat()) {
    if (use?.kind === 'saved') {
      if (use.file === undefined) unnamed = true;
      else saved.add(baseName(use.file));
    }
    if (use?.kind === 'copied' && (unnamed || use.from.some((file) => file === undefined ? saved.size > 0 : saved.has(baseName(file))))) {
      // Into a folder (even one named at run time) the copies keep their names; one named at run time may be the plan's.
      if (use.into ? use.from.includes(undefined) : use.to === undefined) unnamed = true;
      else if (!use.into) saved.add(baseName(use.to!));
    }
    if (use?.kind !== 'applied' || (saved.size === 0 && !unnamed)) continue;
    const applied = use.files.find((word) => unnamed || word.literal === undefined || saved.has(baseName(word.literal)));
    if (applied === undefined) continue;
    const why = applied.literal === undefined ? `: ${unquoted(applied.text)} may be the destroy plan the line saves with` : ' applies a plan the line saves with';
    return [destroyRisk(`${use.tool} apply ${applied.literal ?? applied.text}${why} ${use.tool} plan -destroy`)];
  }
  return [];
}

/**
 * What each command of a line does with plan files: planFileUse, and the copies it makes through its standard input
 * and output (`cat p > q`, `tee q < p`, `dd if=p of=q`: streamCopies), by the command's index.
 */
export function planFileUses(commands: readonly (readonly ShellWord[])[], streams: readonly CommandStreams[]): PlanFileUse[][] {
  const copies = streamCopies(commands, streams);
  return commands.map((words, i) => {
    const use = planFileUse(words);
    return [...(use === undefined ? [] : [use]), ...(copies[i] ?? []).map((copy): PlanFileUse => ({ kind: 'copied', ...copy }))];
  });
}

/**
 * The file `-out` names (undefined when its name is known only at run time) and as written, without quotes (`$P` of
 * `-out="$P"`): null when the plan is not saved.
 */
function savedPlan(args: readonly ShellWord[]): { readonly file: string | undefined; readonly text: string } | null {
  for (let i = 0; i < args.length; i++) {
    const match = OUT.exec(args[i]!.literal ?? '');
    if (match?.[1] !== undefined) return { file: match[1], text: match[1] };
    if (match !== null) return i + 1 < args.length ? { file: args[i + 1]!.literal, text: unquoted(args[i + 1]!.text) } : null;
    // `-out="$P"`: a plan saved under a name known only at run time.
    if (args[i]!.literal === undefined && /^['"]*--?out=/.test(args[i]!.text)) return { file: undefined, text: unquoted(args[i]!.text.slice(args[i]!.text.indexOf('=') + 1)) };
  }
  return null;
}

export function baseName(file: string): string {
  return file.replace(/\/+$/, '').replace(/^.*\//, '');
}

/** A word named at run time as a user reads its value (`$PLAN` of `"$PLAN"`). */
export function unquoted(text: string): string {
  return text.replace(/["']/g, '');
}
