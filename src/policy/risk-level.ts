/** How much harm a step can do, from what it actually runs. */
export type RiskLevel = 'read' | 'write' | 'destroy';

export const RISK_LEVELS: readonly RiskLevel[] = ['read', 'write', 'destroy'];

/**
 * A level and a short human reason ("rm -rf in a pipeline", "kubectl delete").
 * `read` observes only; `write` changes something a rollback or a re-run restores;
 * `destroy` deletes or overwrites what cannot be restored.
 */
export interface StepRisk {
  readonly level: RiskLevel;
  readonly reason: string;
}

export function riskRank(level: RiskLevel): number {
  return RISK_LEVELS.indexOf(level);
}

export function readRisk(reason: string): StepRisk {
  return { level: 'read', reason };
}

export function writeRisk(reason: string): StepRisk {
  return { level: 'write', reason };
}

export function destroyRisk(reason: string): StepRisk {
  return { level: 'destroy', reason };
}

/** The higher of two risks; on a tie the first one's reason is kept. */
export function maxRisk(a: StepRisk, b: StepRisk): StepRisk {
  return riskRank(b.level) > riskRank(a.level) ? b : a;
}

/** The highest of several risks, or `fallback` when there are none. */
export function highestRisk(risks: Iterable<StepRisk>, fallback: StepRisk): StepRisk {
  let best: StepRisk | undefined;
  for (const risk of risks) best = best === undefined ? risk : maxRisk(best, risk);
  return best ?? fallback;
}

/** Raises a risk to at least `floor`, keeping the reason of whichever decides. */
export function atLeast(risk: StepRisk, floor: StepRisk): StepRisk {
  return riskRank(risk.level) >= riskRank(floor.level) ? risk : floor;
}
