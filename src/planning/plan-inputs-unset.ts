import { notNullWhen, unguardedInputReads } from './guarded-reads.js';
import type { Plan } from './schema.js';
import { findTemplates } from './templates.js';

/** An input a valid plan declares without a value and reads plainly, with the first step reading it. */
export type UnsetInput = { readonly name: string; readonly step: string };

/**
 * The inputs a plan cannot run without, as validation finds them for ksa run (`image:` read by
 * `docker push {{ inputs.image }}`), for a plan that runs with no --input: one the model or the
 * chat's editor wrote. A read the plan tests against null first (`inputs.tag == null ? … : inputs.tag`,
 * a `when` requiring `inputs.tag != null`) needs none.
 */
export function unsetInputs(plan: Plan): UnsetInput[] {
  const declared = plan.inputs ?? {};
  const found = new Map<string, string>();
  const note = (names: readonly string[], step: string) => {
    for (const name of names) if (Object.hasOwn(declared, name) && declared[name] === null && !found.has(name)) found.set(name, step);
  };
  for (const step of plan.steps) {
    const sources: string[] = [];
    if ('args' in step && step.args) sources.push(...findTemplates(step.args).map((site) => site.source));
    if ('prompt' in step && typeof step.prompt === 'string') sources.push(...findTemplates(step.prompt).map((site) => site.source));
    if ('rollback' in step && step.rollback) sources.push(...findTemplates(step.rollback.args).map((site) => site.source));
    if (step.when !== undefined) note(unguardedInputReads(step.when), step.id);
    const safe = notNullWhen(step.when);
    for (const source of sources) note(unguardedInputReads(source, safe), step.id);
  }
  return [...found].map(([name, step]) => ({ name, step }));
}
