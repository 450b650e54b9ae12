import type { Clock } from './clock.js';
import type { RunEvent } from './events.js';

/**
 * Where an execution's events go: nothing after run_finished (not even output
 * of a tool that ignored its abort), and a failing subscriber (a view, a
 * store) can neither stall nor break the run.
 */
export class EventSink {
  private closed = false;
  private lastIsoMs = NaN;
  private lastIso = '';

  constructor(
    private readonly clock: Clock,
    private readonly subscriber: ((event: RunEvent) => void) | undefined,
  ) {}

  emit(event: RunEvent): void {
    if (this.closed) return;
    if (event.type === 'run_finished') this.closed = true;
    try {
      this.subscriber?.(event);
    } catch {
      // Swallowed on purpose: see the class comment.
    }
  }

  now(): string {
    return this.iso(this.clock.now());
  }

  /** Events come in bursts within one millisecond: formatting every timestamp anew was a quarter of a no-op step's cost. */
  iso(ms: number): string {
    if (ms !== this.lastIsoMs) {
      this.lastIsoMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }
}
