import {
  Execution,
  PlanSchema,
  type ExecutionOptions,
  type PlanInput,
  type RunEvent,
  type RunEventOf,
  type RunEventType,
  type RunState,
} from '../../src/planning/index.js';
import { FakeTools, type FakeToolsOptions } from './fake-tools.js';
import { VirtualClock } from './virtual-clock.js';

export type HarnessOptions = Partial<Omit<ExecutionOptions, 'plan'>> & {
  readonly tools?: FakeToolsOptions;
  readonly clock?: VirtualClock;
};

/** An Execution wired to a VirtualClock and FakeTools, recording every event. */
export class Harness {
  readonly clock: VirtualClock;
  readonly tools: FakeTools;
  readonly events: RunEvent[] = [];
  readonly execution: Execution;

  constructor(plan: PlanInput, options: HarnessOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.tools = new FakeTools(this.clock, options.tools);
    const { tools: _tools, clock: _clock, onEvent, ...rest } = options;
    this.execution = new Execution({
      runId: 'run-1',
      random: () => 0,
      invokeTool: this.tools.invoke,
      ...rest,
      plan: PlanSchema.parse(plan),
      clock: this.clock,
      onEvent: (event) => {
        this.events.push(event);
        onEvent?.(event);
      },
    });
  }

  /** Starts the run and drives simulated time until it finishes. */
  run(): Promise<RunState> {
    return this.clock.run(this.execution.start());
  }

  /** Events of one type, in order. */
  of<T extends RunEventType>(type: T): RunEventOf<T>[] {
    return this.events.filter((event): event is RunEventOf<T> => event.type === type);
  }

  /** Milliseconds since the clock's epoch at which an event happened. */
  at(event: RunEvent): number {
    return Date.parse(event.ts) - this.clock.epochMs;
  }

  /** When a step's (first) step_started event happened, in ms since the epoch. */
  startedAt(stepId: string, attempt = 1): number {
    const event = this.of('step_started').find((e) => e.stepId === stepId && e.attempt === attempt);
    if (!event) throw new Error(`step "${stepId}" attempt ${attempt} never started`);
    return this.at(event);
  }

  /** Event types (with step ids) as compact strings, e.g. "step_started:a#1". */
  trace(filter: (event: RunEvent) => boolean = () => true): string[] {
    return this.events.filter(filter).map((event) => ('stepId' in event ? `${event.type}:${event.stepId}#${event.attempt}` : event.type));
  }
}

/** Runs a plan to the end under simulated time. */
export async function runPlan(plan: PlanInput, options: HarnessOptions = {}): Promise<{ state: RunState; h: Harness }> {
  const h = new Harness(plan, options);
  const state = await h.run();
  return { state, h };
}

/** A tool_call step with sensible defaults, for compact plans. */
export function toolStep(id: string, dependsOn: string[] = [], extra: Record<string, unknown> = {}) {
  return { id, tool: 'fake', args: {}, dependsOn, ...extra };
}

/** The most steps that were running at once, computed from events (a step runs from step_started to its next terminal event). */
export function maxConcurrency(events: readonly RunEvent[]): number {
  const running = new Set<string>();
  let max = 0;
  for (const event of events) {
    if (event.type === 'step_started') running.add(event.stepId);
    else if (['step_succeeded', 'step_failed', 'step_retrying', 'step_cancelled', 'step_skipped'].includes(event.type) && 'stepId' in event) {
      running.delete(event.stepId);
    }
    max = Math.max(max, running.size);
  }
  return max;
}
