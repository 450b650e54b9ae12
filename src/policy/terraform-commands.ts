import { has, positional } from './option-words.js';
import type { Args } from './program-rules.js';
import { destroyRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';

/** terraform's (and tofu's) commands that only look; `fmt` rewrites files unless told `-check`. */
const READING = /^(plan|show|validate|output|version|providers|graph|fmt|console|state)$/;
/** `terraform plan -out=p`, `-out p`, `--out=p` (Go flags: one dash or two, the value after `=` or as the next word). */
const PLAN_OUTPUT = /^--?(out|generate-config-out)(=|$)/;

/** terraform and tofu: `destroy` and `apply -destroy` destroy, the reading commands read unless an option makes them write. */
export function terraformRisk(args: Args): StepRisk {
  const [verb, sub] = positional(args);
  if (verb === 'destroy' || (verb === 'apply' && has(args, '-destroy', '--destroy'))) return destroyRisk('terraform destroy');
  if (verb === 'state' && (sub === 'rm' || sub === 'replace-provider')) return destroyRisk(`terraform state ${sub}`);
  // `terraform plan -out=p` saves the plan for a later `apply p`; `-generate-config-out=f` writes configuration.
  const output = verb === 'plan' ? args.map((arg) => (arg === undefined ? undefined : PLAN_OUTPUT.exec(arg)?.[1])).find((option) => option !== undefined) : undefined;
  if (output !== undefined) return writeRisk(`terraform plan -${output} writes a file`);
  if (verb !== undefined && READING.test(verb) && !(verb === 'state' && sub === 'mv') && !(verb === 'fmt' && !has(args, '-check'))) return readRisk(`terraform ${verb}`);
  return writeRisk(`terraform ${verb ?? ''}`.trim());
}
