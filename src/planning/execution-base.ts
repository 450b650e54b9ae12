import { systemClock, type Clock } from './clock.js';
import { compileStep, referencedSteps, type CompiledStep } from './compiled-step.js';
import { EventSink } from './event-sink.js';
import type { RunEvent } from './events.js';
import type { ExecutionOptions } from './execution-options.js';
import type { ExpressionContext } from './expressions.js';
import { buildGraph, criticalPathLengths, type PlanGraph } from './graph.js';
import { ReadyQueue } from './ready-queue.js';
import { cutShortAttempts, prepareResume } from './resume.js';
import { initialRunState, isStepDone, type RunState, type RunStatus, type StepState } from './state.js';

/** `{ worker }` for the events of a step a worker ran. */
export function workerOf(st: StepState): { worker?: string } {
  return st.worker === undefined ? {} : { worker: st.worker };
}

/**
 * A run's book-keeping, under the scheduler (Execution): the compiled steps
 * and their states, the dependency counts that release the ready queue, the
 * expression context, and the events that record each change of state
 * (skipped, cancelled, done, finished).
 */
export abstract class ExecutionBase {
  readonly state: RunState;
  protected readonly steps: readonly CompiledStep[];
  protected readonly stepStates: StepState[];
  protected readonly graph: PlanGraph;
  protected readonly remaining: Int32Array;
  protected readonly queue: ReadyQueue;
  protected readonly clock: Clock;
  protected readonly context: ExpressionContext;
  protected readonly stepViews: Record<string, unknown> = {};
  /** Step ids some expression reads; only their results are copied into the expression context. */
  protected readonly referenced: ReadonlySet<string> | 'all';
  protected readonly resumed: boolean;
  /** Per step, the attempt a resumed run's predecessor was in the middle of when it stopped. */
  protected readonly cutShort: ReadonlyMap<string, number>;
  protected done = 0;
  protected stopping: 'failed' | 'cancelled' | undefined;
  protected started = false;
  protected finished = false;
  protected readonly events: EventSink;
  protected startMs = 0;
  private resolveRun!: (state: RunState) => void;
  readonly finishedPromise: Promise<RunState>;

  constructor(protected readonly options: ExecutionOptions) {
    const { plan } = options;
    this.clock = options.clock ?? systemClock;
    this.events = new EventSink(this.clock, options.onEvent);
    this.graph = buildGraph(plan.steps);
    if (!this.graph.order) throw new Error('the plan has a dependency cycle; validate it before running');
    this.steps = plan.steps.map(compileStep);
    this.referenced = referencedSteps(this.steps);
    const weight = options.stepWeight;
    const lengths = criticalPathLengths(this.graph, weight ? (i) => weight(plan.steps[i]!) : undefined);
    this.queue = new ReadyQueue(lengths, Math.min(plan.steps.length, 1024));
    this.remaining = new Int32Array(plan.steps.length);

    this.resumed = options.resumeFrom !== undefined;
    this.cutShort = options.resumeFrom ? cutShortAttempts(options.resumeFrom) : new Map();
    this.state = options.resumeFrom ? prepareResume(options.resumeFrom, plan, options.resumeFor) : initialRunState(options.runId, plan.goal, this.graph.ids, { ...plan.inputs });
    // Inputs given now win over the plan's, and over a resumed run's earlier ones.
    this.state.inputs = { ...this.state.inputs, ...options.inputs };
    this.stepStates = this.graph.ids.map((id) => this.state.steps[id]!);
    this.context = { steps: this.stepViews, inputs: this.state.inputs, env: { ...options.env } };
    this.finishedPromise = new Promise((resolve) => (this.resolveRun = resolve));
  }

  get status(): RunStatus {
    return this.state.status;
  }

  /** Why a run stopped at once (halt): said to the user as it stops. */
  get stoppedBecause(): string | undefined {
    return this.state.status === 'interrupted' ? this.state.error : undefined;
  }

  /**
   * Emits run_started the first time only; false when the run had started already. The steps a
   * resumed run had done count from here, whether it goes on or is cancelled at once (ksa cancel of
   * an interrupted run): their outputs are what its rollbacks read.
   */
  /** Recorded before anything is undone: a stop in the middle leaves a run that says it was being cancelled. */
  protected beginCancel(reason: string): void {
    this.state.error = reason;
    this.state.cancelStartedAt ??= this.nowIso();
    this.stopping = 'cancelled';
  }

  protected announceStart(): boolean {
    if (this.started) return false;
    this.started = true;
    this.startMs = this.clock.now();
    this.state.status = 'running';
    this.state.startedAt ??= this.iso(this.startMs);
    this.emit({ type: 'run_started', runId: this.state.runId, ts: this.iso(this.startMs), goal: this.state.goal, stepCount: this.steps.length, resumed: this.resumed });
    const { start } = this.graph.depEdges;
    for (let i = 0; i < this.steps.length; i++) this.remaining[i] = start[i + 1]! - start[i]!;
    for (let i = 0; i < this.steps.length; i++) if (isStepDone(this.stepStates[i]!.status)) this.markDone(i, false);
    return true;
  }

  protected skip(i: number, reason: string): void {
    const st = this.stepStates[i]!;
    const id = this.steps[i]!.step.id;
    st.status = 'skipped';
    st.skipReason = reason;
    st.endedAt = this.nowIso();
    this.emit({ type: 'step_skipped', runId: this.state.runId, ts: st.endedAt, stepId: id, attempt: 0, reason });
    this.markDone(i, true);
  }

  /** A done step (succeeded or skipped) satisfies its dependents. */
  protected markDone(i: number, enqueue: boolean): void {
    const st = this.stepStates[i]!;
    const id = this.graph.ids[i]!;
    if (this.referenced === 'all' || this.referenced.has(id)) {
      this.stepViews[id] = st.status === 'succeeded' ? { status: st.status, output: st.output, attempts: st.attempts } : { status: st.status };
    }
    this.done++;
    const { start, targets } = this.graph.dependentEdges;
    for (let e = start[i]!; e < start[i + 1]!; e++) {
      const next = targets[e]!;
      if (--this.remaining[next]! === 0 && enqueue && this.stepStates[next]!.status === 'pending') this.queue.push(next);
    }
  }

  protected cancelStep(i: number): void {
    const st = this.stepStates[i]!;
    const now = this.nowIso();
    st.status = 'cancelled';
    // Its process died before: it stopped then, and the cancel only records so.
    st.endedAt = st.cutShortAt ?? now;
    delete st.retryAt;
    delete st.waitingSince;
    this.emit({ type: 'step_cancelled', runId: this.state.runId, ts: now, stepId: this.steps[i]!.step.id, attempt: st.attempts });
  }

  protected finish(status: RunStatus): void {
    if (this.finished) return;
    this.finished = true;
    const endMs = this.clock.now();
    this.state.status = status;
    this.state.endedAt = this.iso(endMs);
    if (status === 'succeeded') delete this.state.error;
    this.emit({
      type: 'run_finished',
      runId: this.state.runId,
      ts: this.state.endedAt,
      status,
      durationMs: endMs - this.startMs,
      ...(this.state.failedStepId ? { failedStepId: this.state.failedStepId } : {}),
      ...(this.state.error ? { error: this.state.error } : {}),
    });
    this.resolveRun(this.state);
  }

  protected emit(event: RunEvent): void {
    this.events.emit(event);
  }

  protected nowIso(): string {
    return this.events.now();
  }

  protected iso(ms: number): string {
    return this.events.iso(ms);
  }
}
