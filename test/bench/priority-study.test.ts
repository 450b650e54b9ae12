import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/planning/index.js';
import { lookaheadMakespan } from '../../bench/priority-lookahead.js';
import { checkAgainstExecutor, HEURISTICS, replay, studyPlan, studyRow, WITH_TRUE_DURATIONS } from '../../bench/priority-study.js';
import { benchPlans } from '../../bench/schedule-quality.js';

const step = (id: string, dependsOn: string[] = []) => ({ id, tool: 'sim', args: {}, dependsOn });

describe('bench priority study', () => {
  it('replays the executor: the same makespan as the real executor for the default priority on the first 48 P1 plans', async () => {
    const benches = benchPlans(1, 48);
    expect(await checkAgainstExecutor(benches, benches.map(studyPlan))).toEqual([]);
  });

  it('the priority decides the makespan on a small plan: the longest chain first finishes in 3 s, breadth-first in 4 s', () => {
    // Two slots, a 3-step chain and two lone steps, all 1 s; plan order puts the lone steps first.
    const plan = { goal: 'small', inputs: {}, maxParallel: 2, steps: [step('x'), step('y'), step('a'), step('b', ['a']), step('c', ['b'])] } as Plan;
    const durations = new Map(plan.steps.map((s) => [s.id, 1000]));
    const study = studyPlan({ family: 'layered', plan, maxParallel: 2, durations });
    const chainFirst = HEURISTICS[0]!;
    expect(replay(study, chainFirst.priority(study))).toBe(3000);
    const plainOrder = { name: 'plan order', priority: () => () => [] };
    expect(replay(study, plainOrder.priority())).toBe(4000);
  });

  it('reports each priority as makespan ÷ node-cut bound, never below 1, with hints below the default', () => {
    const plans = benchPlans(1, 24).map(studyPlan);
    const def = studyRow(plans, HEURISTICS[0]!);
    const hinted = studyRow(plans, WITH_TRUE_DURATIONS);
    for (const row of [def, hinted]) expect(row.worst).toBeGreaterThanOrEqual(row.mean);
    expect(Math.min(def.mean, hinted.mean)).toBeGreaterThanOrEqual(1);
    expect(hinted.mean).toBeLessThan(def.mean);
  });

  it('the lookahead yardstick is deterministic and its schedules are valid, with or without waiting: between the node-cut bound and running one step at a time', () => {
    for (const bench of benchPlans(1, 8)) {
      const plan = studyPlan(bench);
      for (const idle of [false, true]) {
        const makespan = lookaheadMakespan(plan, { samples: 4, candidates: 2, idle });
        expect(makespan).toBe(lookaheadMakespan(plan, { samples: 4, candidates: 2, idle }));
        expect(makespan).toBeGreaterThanOrEqual(Math.floor(plan.cutBoundMs));
        expect(makespan).toBeLessThanOrEqual(plan.ms.reduce((a, b) => a + b, 0));
      }
    }
  });

  it('the waiting lookahead does not leave a slot empty for nothing: a 3-step chain and a lone step on two slots overlap', () => {
    const plan = { goal: 'wait', inputs: {}, maxParallel: 2, steps: [step('a'), step('b', ['a']), step('c', ['b']), step('x')] } as Plan;
    const durations = new Map([['a', 100], ['b', 100], ['c', 100], ['x', 100]]);
    const study = studyPlan({ family: 'layered', plan, maxParallel: 2, durations });
    // With two slots nothing has to wait: the chain and the lone step overlap.
    expect(lookaheadMakespan(study, { samples: 16, idle: true })).toBe(300);
  });
});
