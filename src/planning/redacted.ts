/** What ksa writes in place of a secret, wherever it writes text: records, logs, events, messages. */
export const REDACTED = '***';
