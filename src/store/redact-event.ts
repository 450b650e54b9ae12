import type { RunEvent } from '../planning/index.js';
import type { Redactor } from './redact.js';
import { redactedRecord, RUN_EVENT_SHAPE } from './redact-record.js';

/**
 * A run event as it may be shown or printed: secrets in output lines, outputs
 * and errors replaced by *** (ksa's own fields, its ids and times, as they
 * are). The executor keeps the real values (a later step may need them); what
 * leaves it for a terminal, a `--json` pipe or a CI log does not carry them.
 */
export function redactEvent(event: RunEvent, redactor: Redactor): RunEvent {
  if (!redactor.active) return event;
  if (event.type === 'step_output') {
    const line = redactor.text(event.line);
    return line === event.line ? event : { ...event, line };
  }
  return redactedRecord(event, RUN_EVENT_SHAPE, redactor);
}
