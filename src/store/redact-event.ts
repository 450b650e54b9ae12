import type { RunEvent } from '../planning/index.js';
import type { Redactor } from './redact.js';

/**
 * A run event as it may be shown or printed: secrets in output lines, outputs
 * and errors replaced by ***. The executor keeps the real values (a later step
 * may need them); what leaves it for a terminal, a `--json` pipe or a CI log
 * does not carry them.
 */
export function redactEvent(event: RunEvent, redactor: Redactor): RunEvent {
  if (!redactor.active) return event;
  if (event.type === 'step_output') {
    const line = redactor.text(event.line);
    return line === event.line ? event : { ...event, line };
  }
  let changed = false;
  const redacted = JSON.stringify(event, (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    const text = redactor.text(value);
    if (text !== value) changed = true;
    return text;
  });
  return changed ? (JSON.parse(redacted) as RunEvent) : event;
}
