import { REDACTED, type Redactor } from './redact.js';
import type { RunRecord } from './run-record.js';

// Kept apart from masked-outputs.ts, which reads templates with CEL: the run store notes outputs as it writes, and the
// chat's first frame loads the store, not CEL.

type Masked = RunRecord['masked'];

/** A step's output as the run's files store it, and whether storing it so hid any of it. */
export type StoredOutput = { readonly output: unknown; readonly hidden: boolean };

/**
 * `output` with its secrets hidden as the run's files hide them in output (its texts, and a number equal to a
 * secret). Read once for both what is written and whether that lost a secret: a big output (megabytes) takes
 * the redactor a good part of a second to read.
 */
export function storedOutput(redactor: Redactor, output: unknown): StoredOutput {
  let hidden = false;
  const hide = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const text = redactor.text(value);
      if (text !== value) hidden = true;
      return text;
    }
    if (typeof value === 'number' && redactor.secrets.includes(String(value))) {
      hidden = true;
      return REDACTED;
    }
    // What JSON.stringify writes of it (a Date's text).
    if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') return hide((value as { toJSON: () => unknown }).toJSON());
    if (Array.isArray(value)) return value.map(hide);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, hide(item)]));
    return value;
  };
  const stored = hide(output);
  // Unchanged, the output itself is written, not its copy.
  return { output: hidden ? stored : output, hidden };
}

/**
 * Notes in the record whether the output `stepId` succeeded with lost a secret as it is stored (a step run again
 * replaces what it stored before).
 */
export function noteSucceededOutput(record: { masked?: Masked }, stepId: string, hidden: boolean): void {
  if (hidden) noteMaskedOutput(record, stepId);
  else clearMaskedOutput(record, stepId);
}

/** Notes in the record that `stepId`'s stored output is as it printed it (a later success replaced one that lost a secret). */
export function clearMaskedOutput(record: { masked?: Masked }, stepId: string): void {
  const outputs = record.masked?.outputs;
  if (outputs?.includes(stepId)) outputs.splice(outputs.indexOf(stepId), 1);
}

/** Notes in the record that `stepId`'s stored output lost a secret; an older build's record, which noted none before, is left to its *** reading. */
export function noteMaskedOutput(record: { masked?: Masked }, stepId: string): void {
  const outputs = record.masked?.outputs;
  if (outputs !== undefined && !outputs.includes(stepId)) outputs.push(stepId);
}
