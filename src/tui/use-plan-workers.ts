import { useEffect, useState } from 'react';
import type { Plan } from '../planning/index.js';
import type { ToolDescriber } from './plan-lines.js';

export type PlanWorkers = { readonly lines: readonly string[]; readonly warnings: readonly string[] };

// Read once per plan: the card moved into the history shows what it showed for approval.
const read = new WeakMap<Plan, PlanWorkers>();

/**
 * Where the plan's steps run, when the chat uses workers: read from the live
 * workers for a card that waits for approval (`ask`), else only what is known.
 */
export function usePlanWorkers(plan: Plan, tools: ToolDescriber, ask: boolean): PlanWorkers | undefined {
  const [workers, setWorkers] = useState(() => read.get(plan));
  useEffect(() => {
    const known = read.get(plan);
    if (known) {
      setWorkers(known);
      return;
    }
    if (!tools.workers || !ask) return;
    let live = true;
    tools.workers(plan).then(
      (result) => {
        read.set(plan, result);
        if (live) setWorkers(result);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [plan, tools, ask]);
  return workers;
}
