import type { InvokeTool, OutputStream, QueryModel, ToolCall } from '../../src/planning/index.js';
import type { VirtualClock } from './virtual-clock.js';

/** How a simulated tool behaves for one step (or its rollback). */
export type FakeBehaviour = {
  /** Virtual milliseconds the work takes (default 0: done on the next timer tick). */
  readonly ms?: number;
  /** Fail the first N attempts, then succeed. */
  readonly failTimes?: number;
  /** Fail every attempt. */
  readonly fail?: boolean;
  /** The message of the failures (default `<stepId> failed (attempt N)`). */
  readonly error?: string;
  /** Never finish on its own; only an abort can end it (unless ignoreAbort, then never). */
  readonly hang?: boolean;
  /** Keep working after the signal aborts (a badly behaved tool). */
  readonly ignoreAbort?: boolean;
  /** The result (default `{ stepId, attempt }`); a function gets the call. */
  readonly output?: unknown;
  /** Output lines, each sent `atMs` after the call starts (default 0). */
  readonly lines?: readonly { readonly line: string; readonly stream?: OutputStream; readonly atMs?: number }[];
};

export type CallOutcome = 'succeeded' | 'failed' | 'aborted';

/** One call the executor made, as the tool saw it. Times are ms since the clock's epoch. */
export type CallRecord = {
  readonly stepId: string;
  readonly tool: string;
  readonly phase: 'run' | 'rollback';
  readonly attempt: number;
  readonly args: Record<string, unknown>;
  readonly signal: AbortSignal;
  readonly start: number;
  end?: number;
  outcome?: CallOutcome;
  /** The abort reason's message, when the signal aborted. */
  abortReason?: string;
  /** Set when the signal aborted (even if the tool ignored it). */
  abortedAt?: number;
};

export type FakeToolsOptions = {
  /** Behaviour of the run phase, per step id. */
  readonly steps?: Readonly<Record<string, FakeBehaviour>>;
  /** Behaviour of the rollback phase, per step id. */
  readonly rollbacks?: Readonly<Record<string, FakeBehaviour>>;
  /** For steps not listed (default: succeed after 10 ms). */
  readonly fallback?: FakeBehaviour;
};

/**
 * An InvokeTool whose work takes virtual time on a VirtualClock. It honours
 * (or, on request, ignores) the abort signal and records every call in order,
 * including the rollback phase, with start/end times.
 */
export class FakeTools {
  readonly calls: CallRecord[] = [];
  /** Run-phase calls in progress right now, and the most there ever were at once. */
  active = 0;
  maxActive = 0;
  private readonly attemptsSeen = new Map<string, number>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly options: FakeToolsOptions = {},
  ) {}

  readonly invoke: InvokeTool = (call) => this.handle(call);

  /** Step ids of run-phase (or rollback-phase) calls in the order they started. */
  started(phase: 'run' | 'rollback' = 'run'): string[] {
    return this.calls.filter((c) => c.phase === phase).map((c) => c.stepId);
  }

  /** Calls of one step (and phase). */
  callsOf(stepId: string, phase: 'run' | 'rollback' = 'run'): CallRecord[] {
    return this.calls.filter((c) => c.stepId === stepId && c.phase === phase);
  }

  /** The first run-phase call of a step; throws if it never ran. */
  first(stepId: string): CallRecord {
    const call = this.callsOf(stepId)[0];
    if (!call) throw new Error(`step "${stepId}" was never called`);
    return call;
  }

  private behaviourOf(call: ToolCall): FakeBehaviour {
    const table = call.phase === 'run' ? this.options.steps : this.options.rollbacks;
    return table?.[call.stepId] ?? this.options.fallback ?? { ms: 10 };
  }

  private handle(call: ToolCall): Promise<unknown> {
    const behaviour = this.behaviourOf(call);
    const key = `${call.phase}:${call.stepId}`;
    const n = (this.attemptsSeen.get(key) ?? 0) + 1;
    this.attemptsSeen.set(key, n);
    const record: CallRecord = {
      stepId: call.stepId,
      tool: call.tool,
      phase: call.phase,
      attempt: call.attempt,
      args: call.args,
      signal: call.signal,
      start: this.clock.elapsed,
    };
    this.calls.push(record);
    const counts = call.phase === 'run';
    if (counts) {
      this.active++;
      this.maxActive = Math.max(this.maxActive, this.active);
    }

    return new Promise((resolve, reject) => {
      const timers: (() => void)[] = [];
      let over = false;
      const close = (outcome: CallOutcome) => {
        over = true;
        record.end = this.clock.elapsed;
        record.outcome = outcome;
        if (counts) this.active--;
        for (const cancel of timers) cancel();
        call.signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        record.abortedAt = this.clock.elapsed;
        record.abortReason = reasonOf(call.signal.reason);
        if (behaviour.ignoreAbort || over) return;
        close('aborted');
        reject(call.signal.reason);
      };
      if (call.signal.aborted) {
        onAbort();
        if (over) return;
      }
      call.signal.addEventListener('abort', onAbort);

      for (const { line, stream = 'stdout', atMs = 0 } of behaviour.lines ?? []) {
        timers.push(this.clock.setTimer(atMs, () => call.onOutput(line, stream)));
      }
      if (behaviour.hang) return;
      timers.push(
        this.clock.setTimer(behaviour.ms ?? 0, () => {
          if (over) return;
          const failing = behaviour.fail === true || n <= (behaviour.failTimes ?? 0);
          if (failing) {
            close('failed');
            reject(new Error(behaviour.error ?? `${call.stepId} failed (attempt ${n})`));
            return;
          }
          const output = typeof behaviour.output === 'function' ? (behaviour.output as (c: ToolCall) => unknown)(call) : behaviour.output;
          close('succeeded');
          resolve(output === undefined ? { stepId: call.stepId, attempt: n } : output);
        }),
      );
    });
  }
}

function reasonOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

/** A model that answers after `ms` virtual milliseconds with `answer(prompt)`; records the prompts. */
export function fakeModel(clock: VirtualClock, answer: (prompt: string) => string = (p) => `answer to: ${p}`, ms = 5) {
  const prompts: { stepId: string; prompt: string; at: number }[] = [];
  const queryModel: QueryModel = ({ prompt, stepId, signal }) => {
    prompts.push({ stepId, prompt, at: clock.elapsed });
    return new Promise((resolve, reject) => {
      const cancel = clock.setTimer(ms, () => resolve(answer(prompt)));
      signal.addEventListener('abort', () => {
        cancel();
        reject(signal.reason);
      });
    });
  };
  return { queryModel, prompts };
}
