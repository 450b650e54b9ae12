import { has, positional } from './option-words.js';
import type { Args } from './program-rules.js';
import { destroyRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';

/** terraform's (and tofu's) commands that only look; `fmt` rewrites files unless told `-check`. */
const READING = /^(plan|show|validate|output|version|providers|graph|fmt|console|state)$/;
/** `terraform state` subcommands that only look at the state; `rm` and `replace-provider` drop or rewrite what it
 * tracks, `push` overwrites the remote state with a local file: none of them can be undone by terraform. */
const STATE_READS = /^(list|show|pull|identities)$/;
const STATE_DESTROYS = /^(rm|push|replace-provider)$/;
/** `terraform plan -out=p`, `-out p`, `--out=p` (Go flags: one dash or two, the value after `=` or as the next word). */
const PLAN_OUTPUT = /^--?(out|generate-config-out)(=|$)/;

/** terraform and tofu: `destroy` and `apply -destroy` destroy, the reading commands read unless an option makes them write. */
export function terraformRisk(args: Args): StepRisk {
  const [verb] = positional(args);
  if (verb === 'destroy' || (verb === 'apply' && has(args, '-destroy', '--destroy'))) return destroyRisk('terraform destroy');
  if (verb === 'state') return stateRisk(args);
  // `terraform plan -out=p` saves the plan for a later `apply p`; `-generate-config-out=f` writes configuration.
  const output = verb === 'plan' ? args.map((arg) => (arg === undefined ? undefined : PLAN_OUTPUT.exec(arg)?.[1])).find((option) => option !== undefined) : undefined;
  if (output !== undefined) return writeRisk(`terraform plan -${output} writes a file`);
  if (verb !== undefined && READING.test(verb) && !(verb === 'fmt' && !has(args, '-check'))) return readRisk(`terraform ${verb}`);
  return writeRisk(`terraform ${verb ?? ''}`.trim());
}

/**
 * `terraform state <sub>`: the word right after `state` (terraform takes the subcommand first). `terraform state`
 * alone prints its help; a subcommand known only at run time (`terraform state "$OP" x`) may be `push` or `rm`.
 */
function stateRisk(args: Args): StepRisk {
  const at = args.indexOf('state') + 1;
  if (at >= args.length) return readRisk('terraform state');
  // After an option (`state -help`) terraform shows the help; the next operand is still taken as the subcommand.
  const sub = args[at]?.startsWith('-') ? (positional(args.slice(at))[0] ?? '') : args[at];
  if (sub === undefined) return destroyRisk('terraform state with a subcommand chosen at run time (may be push or rm)');
  if (STATE_DESTROYS.test(sub)) return destroyRisk(`terraform state ${sub}`);
  return sub === '' || STATE_READS.test(sub) ? readRisk(`terraform state ${sub}`.trim()) : writeRisk(`terraform state ${sub}`);
}
