import { MAX_DURATION_MS, MIN_DURATION_MS } from './plan-families.js';
import type { StudyPlan } from './priority-study.js';
import { Random } from './random.js';

/**
 * A yardstick for the priority study, not a candidate default: a scheduler
 * that knows the bench's duration distribution (log-uniform, 10 ms–10 s) and
 * how long each running step has run, and at every choice simulates each of
 * the best few ready steps first, over sampled futures (the same samples for
 * every candidate), then picks the one with the shortest mean makespan. If
 * even this does not beat the default chain priority, no duration-free
 * priority will.
 */

type Running = { readonly step: number; readonly at: number; readonly seq: number };

type State = { now: number; seq: number; readonly ready: number[]; readonly running: Running[]; readonly waitingOn: Int32Array; readonly startedAt: Float64Array };

/** Index into `state.ready` of the step to start, or IDLE: leave the free slots empty until the next step ends. */
type Pick = (state: State) => number;

const IDLE = -1;

const LOG_MIN = Math.log(MIN_DURATION_MS);
const LOG_MAX = Math.log(MAX_DURATION_MS);

function start(state: State, k: number, ms: number): void {
  const step = state.ready.splice(k, 1)[0]!;
  state.startedAt[step] = state.now;
  const end = { step, at: state.now + ms, seq: state.seq++ };
  const { running } = state;
  let at = running.length;
  running.push(end);
  while (at > 0 && (running[at - 1]!.at > end.at || (running[at - 1]!.at === end.at && running[at - 1]!.seq > end.seq))) running[at] = running[--at]!;
  running[at] = end;
}

/** Runs the state to the end: one completion at a time, free slots filled after each (as the executor does). */
function runToEnd(plan: StudyPlan, state: State, duration: (step: number) => number, pick: Pick): number {
  const fill = () => {
    while (state.running.length < plan.maxParallel && state.ready.length > 0) {
      const k = pick(state);
      if (k === IDLE) return;
      start(state, k, duration(state.ready[k]!));
    }
  };
  fill();
  while (finishNext(plan, state)) fill();
  return state.now;
}

/** Advances to the next step's end and releases what it unlocks; false when nothing runs. */
function finishNext(plan: StudyPlan, state: State): boolean {
  const end = state.running.shift();
  if (!end) return false;
  state.now = end.at;
  for (const d of plan.dependents[end.step]!) if (--state.waitingOn[d]! === 0) state.ready.push(d);
  return true;
}

const chainFirst =
  (plan: StudyPlan): Pick =>
  ({ ready }) => {
    let best = 0;
    for (let k = 1; k < ready.length; k++) {
      const a = ready[k]!;
      const b = ready[best]!;
      if (plan.cp[a]! > plan.cp[b]! || (plan.cp[a] === plan.cp[b] && a < b)) best = k;
    }
    return best;
  };

const copy = (s: State): State => ({ now: s.now, seq: s.seq, ready: [...s.ready], running: [...s.running], waitingOn: s.waitingOn.slice(), startedAt: s.startedAt.slice() });

export type LookaheadOptions = {
  readonly samples?: number;
  /** How many ready steps, best by chain first, are tried. */
  readonly candidates?: number;
  /** Also try leaving the free slots empty until the next step ends (a scheduler that may wait for a better step). */
  readonly idle?: boolean;
  readonly seed?: number;
};

/** Makespan of the plan (its true durations) under the lookahead scheduler. */
export function lookaheadMakespan(plan: StudyPlan, { samples = 64, candidates = 3, idle = false, seed = 777 }: LookaheadOptions = {}): number {
  const n = plan.ms.length;
  const rng = new Random(seed);
  const cp = chainFirst(plan);
  const sampled = new Float64Array(n);
  const logUniform = (low: number) => Math.exp(low + rng.next() * (LOG_MAX - low));
  const choose: Pick = (state) => {
    const mayIdle = idle && state.running.length > 0;
    if (state.ready.length === 1 && !mayIdle) return 0;
    const order = state.ready.map((_, k) => k).sort((x, y) => plan.cp[state.ready[y]!]! - plan.cp[state.ready[x]!]! || state.ready[x]! - state.ready[y]!);
    const tried = [...order.slice(0, candidates), ...(mayIdle ? [IDLE] : [])];
    const total = new Float64Array(tried.length);
    for (let s = 0; s < samples; s++) {
      for (let i = 0; i < n; i++) sampled[i] = logUniform(LOG_MIN);
      // A running step has run this long already: its end is drawn from what is left.
      const running = state.running.map((r) => ({ ...r, at: state.startedAt[r.step]! + logUniform(Math.max(LOG_MIN, Math.log(Math.max(1, state.now - state.startedAt[r.step]!)))) }));
      running.sort((a, b) => a.at - b.at || a.seq - b.seq);
      tried.forEach((k, c) => {
        const future = copy({ ...state, running });
        if (k === IDLE) finishNext(plan, future);
        else start(future, k, sampled[future.ready[k]!]!);
        total[c]! += runToEnd(plan, future, (i) => sampled[i]!, cp);
      });
    }
    let best = 0;
    for (let c = 1; c < tried.length; c++) if (total[c]! < total[best]!) best = c;
    return tried[best]!;
  };
  const state: State = { now: 0, seq: 0, ready: [], running: [], waitingOn: Int32Array.from(plan.deps, (d) => d.length), startedAt: new Float64Array(n) };
  for (let i = 0; i < n; i++) if (state.waitingOn[i] === 0) state.ready.push(i);
  return runToEnd(plan, state, (i) => plan.ms[i]!, choose);
}
