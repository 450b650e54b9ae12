import { useEffect, useMemo, useState } from 'react';
import type { Plan } from '../planning/index.js';
import type { PlanRisk } from '../policy/index.js';
import type { ShellKubeScopes, ToolDescriber } from './plan-lines.js';
import { usePlanFact } from './use-plan-fact.js';

// A plan's risk does not change.
const assessed = new WeakMap<Plan, PlanRisk>();
// Plans whose assessment failed: their cards keep the marks of the tools that run commands, and are not waited for again.
const unassessable = new WeakSet<Plan>();
// The clusters of the kubectl/helm commands in its shell lines, read with the shell parser as the risk is, and settled with it.
const shellKubeRead = new WeakMap<Plan, ShellKubeScopes>();
const shellKubeUnread = new WeakSet<Plan>();

// Assessments under way: the card, the printed card and the transcript each wait for the same one, not one each.
const assessing = new WeakMap<Plan, Promise<void>>();

/** The plan's risk once assessed (the shell parser loads asynchronously); undefined until then, when the card still marks the tools that run commands. */
export function usePlanRisk(plan: Plan, tools: ToolDescriber): PlanRisk | undefined {
  const read = useMemo(
    () => (tools.assess ? (of: Plan) => settleRisk(of, tools).then(() => assessed.get(of) ?? Promise.reject(new Error('the plan could not be assessed'))) : undefined),
    [tools],
  );
  return usePlanFact(assessed, plan, read);
}

/** The clusters its shell steps' kubectl/helm commands touch, once read (settled with the risk); undefined until then. */
export function usePlanShellKube(plan: Plan, tools: ToolDescriber): ShellKubeScopes | undefined {
  const read = useMemo(
    () => (tools.shellKube ? (of: Plan) => settleRisk(of, tools).then(() => shellKubeRead.get(of) ?? Promise.reject(new Error('the shell lines could not be read'))) : undefined),
    [tools],
  );
  return usePlanFact(shellKubeRead, plan, read);
}

/**
 * Whether a card of this plan drawn now shows all it will ever show of its risk (and of the clusters its shell
 * lines touch): assessed, failed to, or nothing to assess it with.
 */
export function riskSettled(plan: Plan, tools: ToolDescriber): boolean {
  const risk = tools.assess === undefined || assessed.has(plan) || unassessable.has(plan);
  const shellKube = tools.shellKube === undefined || shellKubeRead.has(plan) || shellKubeUnread.has(plan);
  return risk && shellKube;
}

/** Assesses the plan for the cards drawn after this (a failure is settled too: the card then shows what it knows). */
export function settleRisk(plan: Plan, tools: ToolDescriber): Promise<void> {
  if (riskSettled(plan, tools)) return Promise.resolve();
  let under = assessing.get(plan);
  if (!under) {
    const risk = tools.assess?.(plan).then(
      (found) => void assessed.set(plan, found),
      () => void unassessable.add(plan),
    );
    const shellKube = tools.shellKube?.(plan).then(
      (found) => void shellKubeRead.set(plan, found),
      () => void shellKubeUnread.add(plan),
    );
    under = Promise.all([risk, shellKube])
      .then(() => undefined)
      .finally(() => assessing.delete(plan));
    assessing.set(plan, under);
  }
  return under;
}

/**
 * The items of the transcript that can be drawn now. Ink's Static draws an item once, never
 * again: a plan card in it (a reopened session's) waits until its risk is settled, so it shows
 * the levels `ksa run` shows rather than the marks a card has until then; the items after it
 * wait too, to keep their order.
 */
export function useItemsWithSettledRisk<T>(items: T[], planOf: (item: T) => Plan | undefined, tools: ToolDescriber): T[] {
  const [, setSettled] = useState(0);
  const waiting = items.findIndex((item) => {
    const plan = planOf(item);
    return plan !== undefined && !riskSettled(plan, tools);
  });
  const first = waiting === -1 ? undefined : planOf(items[waiting]!);
  useEffect(() => {
    if (!first) return;
    let live = true;
    void settleRisk(first, tools).then(() => live && setSettled((count) => count + 1));
    return () => {
      live = false;
    };
  }, [first, tools]);
  return waiting === -1 ? items : items.slice(0, waiting);
}
