import type { Plan } from '../planning/schema.js';
import { isRecord } from '../planning/values.js';
import { createRedactor, REDACTED, secretInputValues, storedWithoutSecret } from '../store/redact.js';

// A plan's inputs can hold a secret the model never wrote: one the user typed into an edited plan.
// The session and the model get the plan with those values as ***; the plan that runs keeps them.

/** The plan as the session keeps it and the model may see it: the values of its secret inputs as ***, wherever they appear. */
export function withoutSecretInputs(plan: Plan): Plan {
  const redactor = createRedactor(secretInputValues(plan.inputs ?? {}));
  return redactor.active ? (JSON.parse(JSON.stringify(plan, redactor.replacer)) as Plan) : plan;
}

/**
 * A revision made from `original` as the model saw it: what it left as it was shown (a value with *** in
 * it, in the same place: the same input, field or argument of the step with the same id) gets its value
 * back. A secret that also appears in plain text (a password "postgres", an image "postgres:16") comes
 * back there too.
 */
export function withSecretInputsOf(revised: Plan, original: Plan): Plan {
  const redactor = createRedactor(secretInputValues(original.inputs ?? {}));
  if (!redactor.active) return revised;
  const restore = (value: unknown, before: unknown): unknown => {
    if (typeof value === 'string') return typeof before === 'string' && before !== value && redactor.text(before) === value ? before : value;
    if (Array.isArray(value)) return value.map((item, i) => restore(item, Array.isArray(before) ? before[i] : undefined));
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, restore(item, isRecord(before) ? before[key] : undefined)]));
    return value;
  };
  const { steps, ...fields } = revised;
  const { steps: stepsBefore, ...fieldsBefore } = original;
  const before = new Map(stepsBefore.map((step) => [step.id, step]));
  return { ...(restore(fields, fieldsBefore) as Omit<Plan, 'steps'>), steps: steps.map((step) => restore(step, before.get(step.id)) as Plan['steps'][number]) };
}

/** Why such a plan does not run, and what to do. */
export function lostSecretsNotice(plan: Plan, names: readonly string[]): string {
  const many = names.length > 1;
  // The secret's text may stand for it elsewhere too (an image "postgres:16" kept as "***:16").
  const steps = plan.steps.filter((step) => JSON.stringify(step).includes(REDACTED)).map((step) => step.id);
  const also = steps.length > 0 ? `; *** stands for it in step${steps.length > 1 ? 's' : ''} ${steps.join(', ')} too` : '';
  return `The plan's input${many ? 's' : ''} ${names.join(', ')} ${many ? 'were' : 'was'} kept in the session without ${many ? 'their values (they held' : 'its value (it held'} a secret)${also}: press e and write ${many ? 'them' : 'it'} into the plan again, then run it.`;
}

/** The inputs of a plan whose secret values were not kept (a plan reopened from a session): it cannot run as it is. */
export function secretInputsLost(plan: Plan): string[] {
  return Object.entries(plan.inputs ?? {})
    .filter(([name, value]) => storedWithoutSecret(name, value))
    .map(([name]) => name);
}
