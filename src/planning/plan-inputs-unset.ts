import { compileExpression } from './expressions.js';
import { mayGuardNull } from './guarded-reads.js';
import type { Plan } from './schema.js';
import { findTemplates } from './templates.js';

/** An input a valid plan declares without a value and reads plainly, with the first step reading it. */
export type UnsetInput = { readonly name: string; readonly step: string };

/**
 * The inputs a plan cannot run without, as validation finds them for ksa run (`image:` read by
 * `docker push {{ inputs.image }}`), for a plan that runs with no --input: one the model or the
 * chat's editor wrote. A read the plan may guard (`inputs.tag == null ? …`, a `when` testing it) needs none.
 */
export function unsetInputs(plan: Plan): UnsetInput[] {
  const declared = plan.inputs ?? {};
  const found = new Map<string, string>();
  for (const step of plan.steps) {
    const sources: string[] = [];
    if ('args' in step && step.args) sources.push(...findTemplates(step.args).map((site) => site.source));
    if ('prompt' in step && typeof step.prompt === 'string') sources.push(...findTemplates(step.prompt).map((site) => site.source));
    if ('rollback' in step && step.rollback) sources.push(...findTemplates(step.rollback.args).map((site) => site.source));
    const guard = step.when !== undefined && mayGuardNull(step.when) ? readInputs(step.when) : [];
    if (step.when !== undefined && guard.length === 0) sources.push(step.when);
    for (const source of sources) {
      if (mayGuardNull(source)) continue;
      for (const name of readInputs(source)) {
        if (Object.hasOwn(declared, name) && declared[name] === null && !guard.includes(name) && !found.has(name)) found.set(name, step.id);
      }
    }
  }
  return [...found].map(([name, step]) => ({ name, step }));
}

function readInputs(source: string): readonly string[] {
  const compiled = compileExpression(source);
  return compiled.ok ? compiled.expression.references.inputs : [];
}
