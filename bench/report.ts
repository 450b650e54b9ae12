import type { AgentFigures } from './agent-loop.js';
import type { FleetFigures } from './fleet-bench.js';
import type { MemoryFigures } from './memory.js';
import type { OverheadFigures } from './overhead.js';
import type { ScheduleQuality } from './schedule-quality.js';
import type { StartupFigures } from './startup-bench.js';
import type { StoreResults } from './store-bench.js';
import type { TuiFigures } from './tui-bench.js';
import { round } from './stats.js';
import type { ValidationFigures } from './validation-bench.js';

export type BenchResults = {
  readonly quality: ScheduleQuality;
  readonly overhead: OverheadFigures;
  readonly validation: ValidationFigures;
  readonly validationWithExpressions: ValidationFigures;
  readonly memory: MemoryFigures;
  readonly store: StoreResults;
  readonly agent: AgentFigures;
  readonly tui: TuiFigures;
  readonly startup: StartupFigures;
  readonly fleet: FleetFigures;
};

export type RunInfo = {
  readonly commit: string;
  readonly dirty: boolean;
  readonly seed: number;
  readonly quick: boolean;
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
  /** One-minute load average before and after the run: other work on the machine skews absolute times. */
  readonly load: { readonly before: number; readonly after: number };
  readonly date: string;
  readonly durationMs: number;
};

type Row = { id: string; what: string; result: string; goal: string; verdict: 'pass' | 'MISS' | 'info' };

const x = (value: number, digits = 3) => value.toFixed(digits);
const ms = (value: number) => `${value.toFixed(0)} ms`;

/** The goals of the bench (P1–P4m), durable store (P5), agent (P6), chat TUI (P7) and startup (P9) issues, checked against this run. */
export function verdicts(r: BenchResults) {
  const { quality: q, overhead: o, validation: v, memory: m, store: s, agent: a, tui: t, fleet: f, startup: u } = r;
  return {
    P1: q.p1c.mean <= 1.035,
    P1h: q.p1l.mean <= 1.02 && q.p1l.worst <= 1.25,
    P2: q.p2.mean >= 1.3,
    P3: o.usPerStep10k <= 20 && o.usPerStep100k <= 20 && o.ratio100kTo10k <= 12,
    P4: v.vsJsonParse100k <= 2.0,
    P4m: m.bytesPerStep <= 2048,
    P5: s.ratio10k <= 3 && s.appendRatio10kTo10 <= 2,
    P6: a.speedup >= 2.5 && a.modelCallRatio >= 2,
    P7: t.ratio1000To10 <= 1.2,
    P8: f.speedup >= 3.5,
    P8o: f.overheadMsPerStep <= 2,
    P8f: f.recoverMs <= 10_000,
    P9a: u.helpRatio <= 3 && u.validateRatio <= 3,
    P9b: u.chatFirstFrameRatio <= 6,
    P9c: u.continueRatio <= 1.2,
  };
}

export function tableRows(r: BenchResults): Row[] {
  const { quality: q, overhead: o, validation: v, validationWithExpressions: ve, memory: m, store: s, agent: a, tui: t, fleet: f, startup: u } = r;
  const ok = verdicts(r);
  const verdict = (pass: boolean) => (pass ? 'pass' : 'MISS');
  const worst = q.p1c.worstPlan;
  const worstLearned = q.p1l.worstPlan;
  return [
    {
      id: 'P1',
      what: `makespan ÷ node-cut lower bound (valid for every scheduler), ${q.plans} plans, ${q.steps} steps, no hints`,
      result: `mean ${x(q.p1c.mean)} · p95 ${x(q.p1c.p95)} · worst ${x(q.p1c.worst)} (${worst.family}, ${worst.steps} steps, ${worst.maxParallel} slots: ${x(worst.oursMs / 1000, 1)} s vs ${x(worst.cutBoundMs / 1000, 1)} s)`,
      goal: 'mean ≤ 1.035 · report worst',
      verdict: verdict(ok.P1),
    },
    {
      id: 'P1h',
      what: 'the same with durations learned from one earlier run of each plan (each ±30 %), weighed as ksa does (median per step)',
      result: `mean ${x(q.p1l.mean)} · p95 ${x(q.p1l.p95)} · worst ${x(q.p1l.worst)} (${worstLearned.family}, ${worstLearned.steps} steps, ${worstLearned.maxParallel} slots); with the true durations: mean ${x(q.p1hc.mean)} · worst ${x(q.p1hc.worst)}`,
      goal: 'mean ≤ 1.02 · worst ≤ 1.25',
      verdict: verdict(ok.P1h),
    },
    {
      id: 'P1b',
      what: 'no hints ÷ the weaker bound max(CP, work ÷ slots) (the earlier P1)',
      result: `mean ${x(q.p1.mean)} · p95 ${x(q.p1.p95)} · worst ${x(q.p1.worst)}; the bound gap (cut ÷ this bound): mean ${x(q.boundGap.mean)} · worst ${x(q.boundGap.worst)}`,
      goal: '—',
      verdict: 'info',
    },
    {
      id: 'P2',
      what: 'level barriers (pool of slots per level) ÷ ours, same plans, tools, clock',
      result: `mean ${x(q.p2.mean)}× · p95 ${x(q.p2.p95)}× · worst ${x(q.p2.worst)}× · best for barriers ${x(q.p2.min)}×`,
      goal: 'mean ≥ 1.3×',
      verdict: verdict(ok.P2),
    },
    {
      id: 'P2w',
      what: 'level barriers in strict waves of maxParallel ÷ ours',
      result: `mean ${x(q.p2w.mean)}× · p95 ${x(q.p2w.p95)}× · worst ${x(q.p2w.worst)}×`,
      goal: '—',
      verdict: 'info',
    },
    {
      id: 'P3',
      what: 'scheduler overhead, no-op steps, real clock (slowest of wide/deep/random)',
      result: `${x(o.usPerStep10k, 2)} µs/step at 10k · ${x(o.usPerStep100k, 2)} µs/step at 100k · time 100k ÷ 10k ${x(o.ratio100kTo10k, 2)} · ${x(o.vsBare100k, 2)}× a bare-bones runner`,
      goal: '≤ 20 µs/step · ratio ≤ 12',
      verdict: verdict(ok.P3),
    },
    {
      id: 'P4',
      what: 'validatePlan of a 100k-step plan (built-in tools, 1–3 deps, no expressions)',
      result: `${ms(v.ms100k)} (fastest ${ms(v.minMs100k)}) · 10k ${ms(v.ms10k)} · ratio ${x(v.ratio100kTo10k, 2)} · ${x(v.vsJsonParse100k, 2)}× JSON.parse of its text (${ms(v.jsonParseMs100k)})`,
      goal: '≤ 2.0× JSON.parse',
      verdict: verdict(ok.P4),
    },
    {
      id: 'P4e',
      what: `the same plan with CEL in ${(ve.expressionShare * 100).toFixed(0)}% of the steps (half unique)`,
      result: `${ms(ve.ms100k)} (fastest ${ms(ve.minMs100k)}) · 10k ${ms(ve.ms10k)} · ratio ${x(ve.ratio100kTo10k, 2)} · ${x(ve.vsJsonParse100k, 2)}× JSON.parse (${ms(ve.jsonParseMs100k)})`,
      goal: '—',
      verdict: 'info',
    },
    {
      id: 'P4m',
      what: 'heap held by a 100k-step run at its end, per step (plan excluded)',
      result: `${m.bytesPerStep.toFixed(0)} B/step · peak during the run ${m.peakBytesPerStep.toFixed(0)} B/step · the plan itself ${m.planBytesPerStep.toFixed(0)} B/step${m.exact ? '' : ' (no --expose-gc: rough)'}`,
      goal: '≤ 2 KB/step',
      verdict: verdict(ok.P4m),
    },
    {
      id: 'P5',
      what: '10k no-op steps with the run persisted (group commit) ÷ in memory only; one more message in a 10,000- vs a 10-message conversation, each written before the next',
      result: `${x(s.ratio10k, 2)}× (${ms(s.msPersisted10k)} vs ${ms(s.msMemory10k)}, ${s.writes10k} writes of run.json for 20k events) · append ${x(s.appendRatio10kTo10, 2)}× (${s.appendMs10k.toFixed(2)} ms vs ${s.appendMs10.toFixed(2)} ms)`,
      goal: '≤ 3× · append about equal',
      verdict: verdict(ok.P5),
    },
    {
      id: 'P6',
      what: `plan-and-execute (1 planner call, DAG with ${a.maxParallel} slots, 1 reflection) vs an AI SDK tool loop (one tool call per model turn), ${a.tasks.length} tasks, ${a.modelMs} ms per model call, simulated time`,
      result: `${x(a.speedup, 2)}× faster · ${x(a.modelCallRatio, 2)}× fewer model calls · per task ${a.tasks.map((t) => `${t.name} ${x(t.speedup, 2)}×/${x(t.modelCallRatio, 1)}×`).join(', ')}`,
      goal: '≥ 2.5× faster · ≥ 2× fewer calls',
      verdict: verdict(ok.P6),
    },
    {
      id: 'P6r',
      what: 'the same when every plan needs one repair round (a cycle sent back once)',
      result: `${x(a.repaired.speedup, 2)}× faster · ${x(a.repaired.modelCallRatio, 2)}× fewer model calls`,
      goal: '—',
      verdict: 'info',
    },
    {
      id: 'P6n',
      what: 'the same for a model without tool calling: the chat’s no-tools mode (1 routing call first) vs a loop of tool calls written as text',
      result: `${x(a.noTools.speedup, 2)}× faster · ${x(a.noTools.modelCallRatio, 2)}× fewer model calls (worst task ${x(a.noTools.minSpeedup, 2)}×/${x(a.noTools.minModelCallRatio, 2)}×)`,
      goal: '—',
      verdict: 'info',
    },
    {
      id: 'P7',
      what: `chat TUI: keystroke to frame (Ink, interactive, fake TTY) with 1,000 vs 10 messages in the history, ${t.keystrokes} keys each, same run`,
      result: `${x(t.ratio1000To10, 2)}× (median ${t.keystrokeMs1000.toFixed(2)} ms vs ${t.keystrokeMs10.toFixed(2)} ms · p95 ${t.p95Ms1000.toFixed(2)} ms vs ${t.p95Ms10.toFixed(2)} ms)`,
      goal: '≤ 1.2×',
      verdict: verdict(ok.P7),
    },
    {
      id: 'P9a',
      what: `ksa --help and ksa validate examples/deploy-local/plan.yaml ÷ node -e 0, spawn to exit, median of ${u.rounds} interleaved rounds`,
      result: `--help ${x(u.helpRatio, 2)}× (${ms(u.helpMs)}) · validate ${x(u.validateRatio, 2)}× (${ms(u.validateMs)}) · node -e 0 ${ms(u.nodeMs)} · floor: commander, yaml, zod and CEL reading the plan ${x(u.validateFloorRatio, 2)}×`,
      goal: '≤ 3×',
      verdict: verdict(ok.P9a),
    },
    {
      id: 'P9b',
      what: 'first frame of ksa chat in a pseudo-terminal (header drawn, input ready) ÷ node -e 0',
      result: `${x(u.chatFirstFrameRatio, 2)}× (${ms(u.chatFirstFrameMs)}) · floor: an Ink app drawing two lines ${x(u.chatFloorRatio, 2)}×`,
      goal: '≤ 6×',
      verdict: verdict(ok.P9b),
    },
    {
      id: 'P9c',
      what: 'first frame of ksa chat --continue of a 1,000-message session ÷ P9b',
      result: `${x(u.continueRatio, 2)}× (${ms(u.continueFirstFrameMs)})`,
      goal: '≤ 1.2×',
      verdict: verdict(ok.P9c),
    },
    {
      id: 'P8',
      what: '200 sleep steps of 200 ms, width 64, maxParallel 32, through 1 vs 4 `ksa worker`s (concurrency 8 each) on this machine, median of 3 runs each',
      result: `${x(f.speedup, 2)}× (${ms(f.msOneWorker)} vs ${ms(f.msFourWorkers)})`,
      goal: '≥ 3.5×',
      verdict: verdict(ok.P8),
    },
    {
      id: 'P8o',
      what: 'overhead per step through Redis vs in process: 400 independent no-op steps, maxParallel 32, 4 workers; and a 100-step chain',
      result: `${f.overheadMsPerStep.toFixed(2)} ms/step · chain ${f.latencyMsPerStep.toFixed(2)} ms/step`,
      goal: '≤ 2 ms/step',
      verdict: verdict(ok.P8o),
    },
    {
      id: 'P8f',
      what: "kill -9 of the worker running a step → the step running again on another worker (default timings: 5 s lock, stalled check every 2 s)",
      result: ms(f.recoverMs),
      goal: '≤ 10 s',
      verdict: verdict(ok.P8f),
    },
  ];
}

/** A Markdown table: readable in a terminal, and pasted as is into the README and docs/performance.md. */
export function formatTable(rows: readonly Row[]): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const lines = ['| id | what | result | goal | |', '|---|---|---|---|---|'];
  for (const row of rows) lines.push(`| ${row.id} | ${escape(row.what)} | ${escape(row.result)} | ${escape(row.goal)} | ${row.verdict} |`);
  return lines.join('\n');
}

/** bench/results.json: the figures the issue asks for, then everything else measured. */
export function resultsJson(r: BenchResults, info: RunInfo): unknown {
  const { quality: q, overhead: o, validation: v, validationWithExpressions: ve, memory: m, store: s, agent: a, tui: t, fleet: f, startup: u } = r;
  const digits = (value: number) => round(value, 4);
  const summary = (s: { mean: number; p95: number; worst: number }) => ({ mean: digits(s.mean), p95: digits(s.p95), worst: digits(s.worst) });
  return {
    P1: { meanCut: digits(q.p1c.mean), worstCut: digits(q.p1c.worst), p95Cut: digits(q.p1c.p95), plans: q.plans, steps: q.steps, worstPlan: q.p1c.worstPlan },
    P1h: { meanCut: digits(q.p1l.mean), worstCut: digits(q.p1l.worst), p95Cut: digits(q.p1l.p95), trueDurations: { meanCut: digits(q.p1hc.mean), worstCut: digits(q.p1hc.worst) }, worstPlan: q.p1l.worstPlan },
    P1b: { ...summary(q.p1), worstPlan: q.p1.worstPlan, byFamily: roundDeep(q.byFamily), byMaxParallel: roundDeep(q.byMaxParallel), trueDurationHints: summary(q.p1h) },
    boundGap: summary(q.boundGap),
    P2: { ...summary(q.p2), min: digits(q.p2.min) },
    P2w: summary(q.p2w),
    P3: roundDeep(o),
    P4: { ratioToParse: digits(v.vsJsonParse100k), ...roundDeep(v) },
    P4e: roundDeep(ve),
    P4m: roundDeep(m),
    P5: roundDeep(s),
    P6: roundDeep({ speedup: a.speedup, modelCallRatio: a.modelCallRatio, minSpeedup: a.minSpeedup, minModelCallRatio: a.minModelCallRatio, repaired: a.repaired, noTools: a.noTools, modelMs: a.modelMs, maxParallel: a.maxParallel, tasks: a.tasks }),
    P7: roundDeep(t),
    P8: roundDeep(f),
    P9: roundDeep(u),
    pass: verdicts(r),
    simulationWallMs: Math.round(q.wallMs),
    ...info,
  };
}

function roundDeep<T>(value: T): T {
  if (typeof value === 'number') return round(value, 4) as T;
  if (Array.isArray(value)) return value.map(roundDeep) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v)])) as T;
  return value;
}
