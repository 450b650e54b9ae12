import type { Clock } from './clock.js';
import { noteAttemptWorker, type StepState } from './state.js';

export type AttemptStartOptions = {
  readonly clock: Clock;
  readonly st: StepState;
  readonly attempt: number;
  /** The attempt is placed on workers: it starts when one takes it. */
  readonly placed: boolean;
  readonly iso: (ms: number) => string;
  readonly finished: () => boolean;
  readonly emitStarted: (ts: string, worker?: string) => void;
};

/**
 * When an attempt starts, as its events and its record tell. Run here, at once. Placed on workers, when a
 * worker takes it, and its step_started names that worker (a line saying it waits comes before; an attempt
 * no worker took never starts). Its duration, like its timeout, counts from when a worker took it, not its
 * wait in the queue.
 */
export class AttemptStart {
  /** When the attempt started (clock ms): its duration counts from here. */
  startMs: number;
  /** Its step's first attempt, or the first of a new go after a rollback undid it (resume): its start is the step's. */
  private readonly startsGo: boolean;
  private announced = false;
  private ended = false;

  constructor(private readonly options: AttemptStartOptions) {
    const { st } = options;
    this.startMs = options.clock.now();
    this.startsGo = st.startedAt === undefined;
    st.startedAt ??= options.iso(this.startMs);
  }

  /** The attempt began: run here it starts now; placed on workers it waits for `tookBy`. */
  begin(): void {
    if (!this.options.placed) this.announce();
  }

  /** A worker took the attempt. */
  tookBy(worker: string): void {
    this.announce(worker);
  }

  /** The attempt ended: nothing of it is announced after. */
  end(): void {
    this.ended = true;
  }

  private announce(worker?: string): void {
    const { st, placed, iso } = this.options;
    if (this.ended || this.options.finished() || (placed && worker === undefined)) return;
    if (worker !== undefined && placed && st.worker === undefined) {
      this.startMs = this.options.clock.now();
      if (this.startsGo) st.startedAt = iso(this.startMs);
    }
    if (worker !== undefined) noteAttemptWorker(st, this.options.attempt, worker);
    if (this.announced) return;
    this.announced = true;
    this.options.emitStarted(iso(placed ? this.options.clock.now() : this.startMs), worker);
  }
}
