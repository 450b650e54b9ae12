import type { Clock } from './clock.js';
import { noteAttemptWorker, type StepState } from './state.js';
import type { WorkerRun } from './tool-call.js';

export type AttemptStartOptions = {
  readonly clock: Clock;
  readonly st: StepState;
  readonly attempt: number;
  /** The attempt is placed on workers: it starts when one takes it. */
  readonly placed: boolean;
  readonly iso: (ms: number) => string;
  readonly finished: () => boolean;
  /** `workerStartedAt`: a taken-over attempt's own start (its worker's). */
  readonly emitStarted: (ts: string, worker?: string, workerStartedAt?: string) => void;
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
  /** When its worker ended it, if that was before this process watched it (a resumed run took its job over). */
  private workerEndMs: number | undefined;
  /** Its step's first attempt, or the first of a new go after a rollback undid it (resume): its start is the step's. */
  private readonly startsGo: boolean;
  private announced = false;
  private taken = false;
  private ended = false;

  constructor(private readonly options: AttemptStartOptions) {
    const { st } = options;
    this.startMs = options.clock.now();
    this.startsGo = st.startedAt === undefined;
    // Placed on workers, the step has no start until one takes it: one no worker took never started.
    if (!options.placed) st.startedAt ??= options.iso(this.startMs);
    // Queued for workers now: its wait counts from here (ksa status), until a worker takes it or it ends.
    else st.waitingSince = options.iso(this.startMs);
  }

  /** Whether the attempt started: run here, at once; placed on workers, once one took it. */
  get started(): boolean {
    return !this.options.placed || this.taken;
  }

  /** The attempt began: run here it starts now; placed on workers it waits for `tookBy`. */
  begin(): void {
    if (!this.options.placed) this.announce();
  }

  /**
   * A worker took the attempt; `ran`: it did before this process watched it (a resumed run takes over the job
   * of a run whose process died), and its record and duration keep the worker's times, not the takeover's.
   * Another machine's clock may be ahead: never later than now.
   */
  tookBy(worker: string, ran?: WorkerRun): void {
    const now = this.options.clock.now();
    // Its start was heard as it happened: it ends that long after, as its worker measured it (one clock, however
    // far the worker's is off), not when its end was heard (late, after a Redis that stalled).
    if (this.taken && ran?.live && ran.endedAtMs !== undefined) {
      this.announce(worker);
      this.workerEndMs = Math.min(this.startMs + Math.max(0, ran.endedAtMs - ran.startedAtMs), now);
      return;
    }
    this.announce(worker, ran && Math.min(ran.startedAtMs, now));
    if (ran?.endedAtMs !== undefined) this.workerEndMs = Math.min(Math.max(ran.endedAtMs, this.startMs), now);
  }

  /** When the attempt ended, for its duration and record (now, unless its worker had ended it before). */
  endMs(): number {
    return this.workerEndMs ?? this.options.clock.now();
  }

  /** The attempt ended: nothing of it is announced after. */
  end(): void {
    this.ended = true;
    if (this.options.placed) delete this.options.st.waitingSince;
  }

  private announce(worker?: string, startedAtMs?: number): void {
    const { st, placed, iso } = this.options;
    if (this.ended || this.options.finished() || (placed && worker === undefined)) return;
    // A fan-out is named as its parts are taken (the first starts it), and its parts' own times (taken over by a resume) come when they end.
    if (worker !== undefined && placed && (!this.taken || startedAtMs !== undefined)) {
      this.taken = true;
      delete st.waitingSince;
      this.startMs = startedAtMs ?? this.options.clock.now();
      if (this.startsGo) st.startedAt = iso(this.startMs);
    }
    if (worker !== undefined) noteAttemptWorker(st, this.options.attempt, worker);
    if (this.announced) return;
    this.announced = true;
    this.options.emitStarted(iso(placed ? this.options.clock.now() : this.startMs), worker, startedAtMs === undefined ? undefined : iso(this.startMs));
  }
}
