import { z } from 'zod';
import { APPROVAL_MODES } from '../policy/rules/policy-rule.js';

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
