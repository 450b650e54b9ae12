import { createHash } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { KsaError } from '../planning/ksa-error.js';
import type { Plan } from '../planning/schema.js';
import { canonicalJson } from '../policy/rules/canonical-json.js';
import { looksSecret, maskSecretKeys, REDACTED } from './redact.js';

export type { Approval } from './approval-record.js';

/**
 * The hash an approval binds to: the plan and the inputs given for it, keys
 * sorted. Secret-looking inputs count by name only (their values are never
 * stored, and a resume gives them again), as do the parts of a mapping under
 * a secret's name (`db: {password: …}`).
 */
export function planHash(plan: Plan, inputs: Readonly<Record<string, unknown>>): string {
  const hidden = (values: Readonly<Record<string, unknown>> | undefined) =>
    values ? Object.fromEntries(Object.entries(values).map(([name, value]) => [name, looksSecret(name) ? REDACTED : maskSecretKeys(value)])) : undefined;
  const text = canonicalJson({ plan: { ...plan, inputs: hidden(plan.inputs) }, inputs: hidden(inputs) });
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** `me@laptop`: who answered a question in this terminal. */
export function localUser(): string {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
  return `${name}@${hostname()}`;
}

/** The run ended (another terminal cancelled or finished it) while this approval was being asked for. */
export class RunEndedMeanwhileError extends KsaError {
  constructor(runId: string, status: string) {
    super({ name: 'RunEndedMeanwhileError', message: `run ${runId} ended (${status}) while this was waiting for approval, from another terminal; nothing was run. See it with: ksa status ${runId}` });
  }
}

export class ApprovalMismatchError extends KsaError {
  constructor(runId: string) {
    super({ name: 'ApprovalMismatchError', message: `run ${runId}: the plan or its inputs changed after they were approved; nothing was run. Show it again and approve what it is now.` });
  }
}
