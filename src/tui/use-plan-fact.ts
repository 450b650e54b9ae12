import { useEffect, useState } from 'react';
import type { Plan } from '../planning/index.js';

/**
 * Something read once per plan, asynchronously (its risk, where its steps run):
 * undefined until read, then kept in `cache`, so a card drawn again or moved
 * into the history gets it at once. Without `read`, only what is cached. A
 * failed read leaves it undefined: the card shows what it knows without it.
 */
export function usePlanFact<T>(cache: WeakMap<Plan, T>, plan: Plan, read: ((plan: Plan) => Promise<T>) | undefined): T | undefined {
  const [fact, setFact] = useState(() => cache.get(plan));
  useEffect(() => {
    const known = cache.get(plan);
    if (known) {
      setFact(known);
      return;
    }
    if (!read) return;
    let live = true;
    read(plan).then(
      (result) => {
        cache.set(plan, result);
        if (live) setFact(result);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [cache, plan, read]);
  return fact;
}
