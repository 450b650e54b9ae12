import type { Plan } from '../planning/schema.js';
import { createRedactor, secretInputValues, storedWithoutSecret } from '../store/redact.js';

// A plan's inputs can hold a secret the model never wrote: one the user typed into an edited plan.
// The session and the model get the plan with those values as ***; the plan that runs keeps them.

/** The plan as the session keeps it and the model may see it: the values of its secret inputs as ***, wherever they appear. */
export function withoutSecretInputs(plan: Plan): Plan {
  const redactor = createRedactor(secretInputValues(plan.inputs ?? {}));
  return redactor.active ? (JSON.parse(JSON.stringify(plan, redactor.replacer)) as Plan) : plan;
}

/** A revision made from `original` as the model saw it: an input it left as shown (***) gets its value back. */
export function withSecretInputsOf(revised: Plan, original: Plan): Plan {
  const kept = original.inputs ?? {};
  const shown = withoutSecretInputs(original).inputs ?? {};
  const inputs = revised.inputs;
  if (!inputs) return revised;
  const restored = Object.entries(inputs).map(([name, value]): [string, unknown] => [name, shown[name] !== kept[name] && value === shown[name] ? kept[name] : value]);
  return restored.some(([name, value]) => value !== inputs[name]) ? { ...revised, inputs: Object.fromEntries(restored) } : revised;
}

/** Why such a plan does not run, and what to do. */
export function lostSecretsNotice(names: readonly string[]): string {
  const many = names.length > 1;
  return `The plan's input${many ? 's' : ''} ${names.join(', ')} ${many ? 'hold secrets, which were' : 'holds a secret, which was'} not kept in the session: press e and write ${many ? 'them' : 'it'} into the plan again, then run it.`;
}

/** The inputs of a plan whose secret values were not kept (a plan reopened from a session): it cannot run as it is. */
export function secretInputsLost(plan: Plan): string[] {
  return Object.entries(plan.inputs ?? {})
    .filter(([name, value]) => storedWithoutSecret(name, value))
    .map(([name]) => name);
}
