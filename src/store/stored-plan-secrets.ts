import type { Message } from './conversation-record.js';
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
