import { useEffect, useState } from 'react';
import type { Plan } from '../planning/index.js';
import type { PlanRisk } from '../policy/index.js';
import type { ToolDescriber } from './plan-lines.js';

// A plan's risk does not change; a card drawn again (or moved into the history) gets it at once.
const assessed = new WeakMap<Plan, PlanRisk>();

/** The plan's risk once assessed (the shell parser loads asynchronously); undefined until then. */
export function usePlanRisk(plan: Plan, tools: ToolDescriber): PlanRisk | undefined {
  const [risk, setRisk] = useState(() => assessed.get(plan));
  useEffect(() => {
    const known = assessed.get(plan);
    if (known) {
      setRisk(known);
      return;
    }
    if (!tools.assess) return;
    let live = true;
    tools.assess(plan).then(
      (result) => {
        assessed.set(plan, result);
        if (live) setRisk(result);
      },
      // Without a risk the card still marks the tools that run commands.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [plan, tools]);
  return risk;
}
