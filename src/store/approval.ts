import { createHash } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { z } from 'zod';
import { KsaError } from '../planning/ksa-error.js';
import type { Plan } from '../planning/schema.js';
import { APPROVAL_MODES } from '../policy/rules/policy-rule.js';
import { canonicalJson } from '../policy/rules/canonical-json.js';
import { looksSecret, REDACTED } from './redact.js';

/**
 * Who approved what, when, in which mode. `approvedBy` is `user@host` for an
 * answer in a terminal, `--yes` for the command-line flag, `policy` when the
 * approval mode and the policy let the plan run without a question.
 */
export const ApprovalSchema = z.object({
  /** sha256 of the validated plan and its inputs: the approval covers exactly this. */
  planHash: z.string(),
  approvedAt: z.string(),
  approvedBy: z.string(),
  mode: z.enum(APPROVAL_MODES as ['ask', 'read', 'write']),
  /** The user running ksa (also for --yes and policy approvals). */
  user: z.string(),
  /** What was approved: `ksa run plan.yaml`, `ksa resume <id>`, `ksa chat (session …)`. */
  command: z.string(),
  allowDestroy: z.literal(true).optional(),
});

export type Approval = z.infer<typeof ApprovalSchema>;

/**
 * The hash an approval binds to: the plan and the inputs given for it, keys
 * sorted. Secret-looking inputs count by name only (their values are never
 * stored, and a resume gives them again).
 */
export function planHash(plan: Plan, inputs: Readonly<Record<string, unknown>>): string {
  const hidden = (values: Readonly<Record<string, unknown>> | undefined) =>
    values ? Object.fromEntries(Object.entries(values).map(([name, value]) => [name, looksSecret(name) ? REDACTED : value])) : undefined;
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

export class ApprovalMismatchError extends KsaError {
  constructor(runId: string) {
    super({ name: 'ApprovalMismatchError', message: `run ${runId}: the plan or its inputs changed after they were approved; nothing was run. Show it again and approve what it is now.` });
  }
}
