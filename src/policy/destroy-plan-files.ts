import { behindWrappers } from './behind-wrappers.js';
import { programName } from './program-name.js';
import { destroyRisk, type StepRisk } from './risk-level.js';
import { mayBeOptions } from './run-time-options.js';
import type { ShellWord } from './shell-syntax.js';

const TERRAFORMS = new Set(['terraform', 'tofu']);
/** `-out=p`, `-out p`, `--out=p` (Go flags: one dash or two, the value after `=` or as the next word). */
const OUT = /^--?out(?:=([\s\S]*))?$/;
/** `-destroy`, `-destroy=true`; Go reads `-destroy=false` (and 0, f, F, FALSE, False) as not set. */
const DESTROY = /^--?destroy(?:=(?!(?:false|0|f|F|FALSE|False)$)[\s\S]*)?$/;

/**
 * `terraform plan -destroy -out=p && terraform apply p`: applying the plan file a destroy plan of the same line
 * saved destroys what it lists, as `terraform destroy` does. Commands in the order the line runs them; a plan file
 * is matched by its name (a `-chdir` or `cd` between them is not followed, so one named alike counts). Any apply
 * of a plan file named at run time counts once the line saves a destroy plan.
 */
export function destroyPlanApplied(commands: readonly (readonly ShellWord[])[]): StepRisk[] {
  const saved = new Set<string>();
  let unnamed = false;
  for (const written of commands) {
    const words = behindWrappers(written);
    const program = words[0]?.literal;
    if (program === undefined || !TERRAFORMS.has(programName(program))) continue;
    const tool = programName(program);
    const at = words.findIndex((word, i) => i > 0 && !/^['"]*-/.test(word.text));
    const verb = words[at]?.literal;
    const args = at === -1 ? [] : words.slice(at + 1);
    if (verb === 'plan') {
      const file = savedPlan(args);
      // `terraform plan $MODE -out=p`: an unquoted word known only at run time may be -destroy.
      if (file === null || !args.some((word) => (word.literal !== undefined ? DESTROY.test(word.literal) : mayBeOptions(word)))) continue;
      if (file === undefined) unnamed = true;
      else saved.add(baseName(file));
    }
    if (verb !== 'apply' || (saved.size === 0 && !unnamed)) continue;
    const operands = args.filter((word) => !/^['"]*-/.test(word.text));
    const applied = operands.find((word) => unnamed || word.literal === undefined || saved.has(baseName(word.literal)));
    if (applied !== undefined) return [destroyRisk(`${tool} apply ${applied.literal ?? applied.text} applies a plan the line saves with ${tool} plan -destroy`)];
  }
  return [];
}

/** The file `-out` names: null when the plan is not saved, undefined when its name is known only at run time. */
function savedPlan(args: readonly ShellWord[]): string | null | undefined {
  for (let i = 0; i < args.length; i++) {
    const match = OUT.exec(args[i]!.literal ?? '');
    if (match !== null) return match[1] ?? (i + 1 < args.length ? args[i + 1]!.literal : null);
    // `-out="$P"`: a plan saved under a name known only at run time.
    if (args[i]!.literal === undefined && /^['"]*--?out=/.test(args[i]!.text)) return undefined;
  }
  return null;
}

function baseName(file: string): string {
  return file.replace(/\/+$/, '').replace(/^.*\//, '');
}
