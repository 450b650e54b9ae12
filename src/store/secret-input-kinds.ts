import { kindOf, type InputKind } from '../planning/input-types.js';
import { looksSecret } from '../planning/secret-names.js';
import { REDACTED } from './redact.js';

/**
 * A secret input is stored as *** whatever it holds (a PIN 55667788 too), its plan default as well. The kind that
 * default was declared with is kept beside it, without the value: a value given again to ksa resume, ksa cancel
 * or the chat's /resume is then read as ksa run read it (4321 a number, as `inputs.apiKey + 1` expects).
 */
export function secretInputKinds(declared: Readonly<Record<string, unknown>> | undefined): Record<string, InputKind> | undefined {
  const kinds = Object.entries(declared ?? {})
    .filter(([name, value]) => looksSecret(name) && value !== null && value !== undefined)
    .map(([name, value]) => [name, kindOf(value)] as const);
  return kinds.length > 0 ? Object.fromEntries(kinds) : undefined;
}

/** A run's record as created, with the kinds of its secret inputs' defaults. */
export function withSecretInputKinds<T extends { readonly plan: { readonly inputs?: Readonly<Record<string, unknown>> } }>(record: T): T & { secretInputKinds?: Record<string, InputKind> } {
  const kinds = secretInputKinds(record.plan.inputs);
  return kinds ? { ...record, secretInputKinds: kinds } : record;
}

/** What a value given again is read and checked against in place of a default stored as ***; never run with. */
const STAND_IN: Record<InputKind, () => unknown> = { number: () => 0, boolean: () => false, list: () => [], mapping: () => ({}), other: () => '' };

type StoredRun = { readonly plan: { readonly inputs?: Readonly<Record<string, unknown>> }; readonly secretInputKinds?: Readonly<Record<string, InputKind>> };

/**
 * A stored run's plan inputs as declared, to read and check values given again: a default stored as *** stands as an
 * empty value of the kind it was declared with. A run an older ksa stored did not keep that kind: such an input is
 * read as one without a default (a plain whole number a number, true/false a boolean, other text as given).
 */
export function declaredInputs(record: StoredRun): Record<string, unknown> {
  const declared: Record<string, unknown> = { ...record.plan.inputs };
  for (const [name, value] of Object.entries(declared)) {
    if (value !== REDACTED) continue;
    const kinds = record.secretInputKinds ?? {};
    declared[name] = Object.hasOwn(kinds, name) ? STAND_IN[kinds[name]!]() : null;
  }
  return declared;
}
