import type { RunState } from '../planning/state.js';
import { leavesOf, type Redactor } from './redact.js';
import type { RunRecord } from './run-record.js';

// Kept apart from masked-outputs.ts, which reads templates with CEL: the run store notes outputs as it writes, and the
// chat's first frame loads the store, not CEL.

type Masked = RunRecord['masked'];

/** Whether writing `output` with this redactor (as the run's files are written) hides any of it. */
export function outputHidesSecret(redactor: Redactor, output: unknown): boolean {
  if (output === undefined) return false;
  return leavesOf(output).some((leaf) => (typeof leaf === 'string' ? redactor.text(leaf) !== leaf : typeof leaf === 'number' && redactor.secrets.includes(String(leaf))));
}

/**
 * Notes in the record whether the output `stepId` succeeded with lost a secret as it is stored (a step run again
 * replaces what it stored before); returns whether it did.
 */
export function noteSucceededOutput(record: { masked?: Masked; readonly state: Pick<RunState, 'steps'> }, redactor: Redactor, stepId: string): boolean {
  const hidden = outputHidesSecret(redactor, record.state.steps[stepId]?.output);
  const outputs = record.masked?.outputs;
  if (hidden) noteMaskedOutput(record, stepId);
  else if (outputs?.includes(stepId)) outputs.splice(outputs.indexOf(stepId), 1);
  return hidden;
}

/** Notes in the record that `stepId`'s stored output lost a secret; an older build's record, which noted none before, is left to its *** reading. */
export function noteMaskedOutput(record: { masked?: Masked }, stepId: string): void {
  const outputs = record.masked?.outputs;
  if (outputs !== undefined && !outputs.includes(stepId)) outputs.push(stepId);
}
