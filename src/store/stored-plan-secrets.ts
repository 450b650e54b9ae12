import type { Message, NewMessage } from './conversation-record.js';
import { maskedPlanParts, mergeMaskedParts } from './masked-steps.js';
import { createRedactor, secretInputValues } from './redact.js';

/**
 * Sessions written before ksa masked a plan's secret inputs when it stored the plan (an edited plan with
 * `dbPassword: <value>`) hold them in clear. As such a session is read, each plan message gets its secret
 * input values as *** wherever they appear (as a plan is stored now); everything else in it stays.
 * Returns whether any message changed, so the caller writes the masked record back.
 */
export function maskStoredPlanSecrets(messages: Message[]): boolean {
  let changed = false;
  messages.forEach((message, index) => {
    if (message.kind !== 'plan') return;
    const redactor = createRedactor(secretInputValues(message.plan.inputs ?? {}));
    if (!redactor.active) return;
    const masked = JSON.parse(JSON.stringify(message, redactor.replacer)) as Message;
    if (JSON.stringify(masked) === JSON.stringify(message)) return;
    messages[index] = masked;
    changed = true;
  });
  return changed;
}

/**
 * A plan message with what the session's file hides of its plan besides (`replacer`: the one it is written with, the
 * values of secret variables) added to its `masked`: so the plan read back is refused only where a secret was lost.
 */
export function withStoredMask<M extends NewMessage>(message: M, replacer: ((key: string, value: unknown) => unknown) | undefined): M {
  if (message.kind !== 'plan' || message.masked === undefined || replacer === undefined) return message;
  const written = JSON.parse(JSON.stringify(message.plan, replacer)) as typeof message.plan;
  return { ...message, masked: mergeMaskedParts(message.masked, maskedPlanParts(message.plan, written)) };
}
