import type { Plan } from '../planning/schema.js';
import type { LostParts, ProposedPlan } from './agent-tools.js';
import { isRecord } from '../planning/values.js';
import { maskedUrlPasswords } from '../planning/credential-shapes.js';
import { createRedactor, leavesOf, looksSecret, looksSecretField, REDACTED, secretInputValues, storedWithoutSecret } from '../store/redact.js';

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

/**
 * What a plan read back from a session lost to ***, and still holds as *** (an edit may have written a value back):
 * it cannot run as it is. Only what the session says it hid (ProposedPlan.masked), not a `***` the plan writes itself.
 * A plan with no such note (one the model proposed afresh) is read by the *** in its secret inputs: the model sees
 * those values as *** and may copy them into a new plan.
 */
export function secretsLost(proposal: Pick<ProposedPlan, 'plan' | 'masked'>): LostParts {
  const masked = proposal.masked;
  if (!masked) return { steps: [], rollbacks: [], inputs: secretInputsCopiedMasked(proposal.plan) };
  const holds = (value: unknown) => leavesOf(value).some((leaf) => typeof leaf === 'string' && leaf.includes(REDACTED));
  const steps = new Map(proposal.plan.steps.map((step) => [step.id, step]));
  const inputs = proposal.plan.inputs ?? {};
  return {
    steps: masked.steps.filter((id) => {
      const { rollback: _rollback, ...runs } = (steps.get(id) ?? {}) as Record<string, unknown>;
      return holds(runs);
    }),
    rollbacks: masked.rollbacks.filter((id) => holds((steps.get(id) as { rollback?: unknown } | undefined)?.rollback)),
    inputs: masked.inputs.filter((name) => Object.hasOwn(inputs, name) && holds(inputs[name])),
  };
}

/**
 * The inputs holding *** where a secret was, as a model copies what it was shown: in their secret parts (by name:
 * `dbPassword`, `db.password`), or in any text where ksa hides one by its place or shape (standsForSecret).
 */
function secretInputsCopiedMasked(plan: Plan): string[] {
  const holds = (named: boolean, value: unknown): boolean => {
    if (named) return storedWithoutSecret('', value);
    if (typeof value === 'string') return standsForSecret(value);
    if (Array.isArray(value)) return value.some((item) => holds(false, item));
    return isRecord(value) && Object.entries(value).some(([key, field]) => holds(looksSecretField(key), field));
  };
  return Object.entries(plan.inputs ?? {})
    .filter(([name, value]) => holds(looksSecret(name), value))
    .map(([name]) => name);
}

/** `Authorization: Bearer ***`: what follows an authorization scheme is a credential. */
const AUTH_SCHEME_MASKED = /\b(?:Bearer|Basic|Token|Bot)\s+\*\*\*/i;
/** `password=***`, `apiKey: ***`: a value assigned to a name. */
const ASSIGNED_MASKED = /([A-Za-z_][\w.-]*)\s*[=:]\s*["']?\*\*\*/g;

/**
 * Whether a text holds *** where ksa would have hidden a secret, so that a model shown it copied the mask, not a
 * value: the whole text (a credential-shaped value, hidden whole), a URL's password, what follows an authorization
 * scheme, or the value of a name that names a secret. A *** among other words (`*** release ***`) is the text's own.
 */
function standsForSecret(text: string): boolean {
  if (!text.includes(REDACTED)) return false;
  if (text.trim() === REDACTED || maskedUrlPasswords(text) || AUTH_SCHEME_MASKED.test(text)) return true;
  return [...text.matchAll(ASSIGNED_MASKED)].some((match) => looksSecret(match[1]!) || looksSecretField(match[1]!));
}

/** A plan that lost nothing (a resumed run's plan: its secrets are asked for, not read from it). */
export const NOTHING_LOST: LostParts = { steps: [], rollbacks: [], inputs: [] };

/** Why a plan that lost secrets does not run, and what to do. */
export function lostSecretsNoticeFor(plan: Plan, lost: LostParts): string {
  if (lost.inputs.length > 0) return lostSecretsNotice(plan, lost.inputs);
  const steps = [...new Set([...lost.steps, ...lost.rollbacks])];
  const many = steps.length > 1;
  return `Step${many ? 's' : ''} ${steps.join(', ')} of the plan ${many ? 'were' : 'was'} kept in the session with ${REDACTED} for a secret written into ${many ? 'them' : 'it'}: press e and write it into the plan again (or pass it as a secret input), then run it.`;
}

/** Whether a plan lost anything. */
export function losesSecrets(lost: LostParts): boolean {
  return lost.steps.length + lost.rollbacks.length + lost.inputs.length > 0;
}

/** The inputs of a plan whose secret values were not kept, read by the *** in them (a session an older ksa wrote). */
export function secretInputsLost(plan: Plan): string[] {
  return Object.entries(plan.inputs ?? {})
    .filter(([name, value]) => storedWithoutSecret(name, value))
    .map(([name]) => name);
}
