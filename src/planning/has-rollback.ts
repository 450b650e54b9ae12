import type { Step } from './schema.js';

/**
 * A step the run's rollback can undo: a tool step with a rollback action. A module of its own, so that
 * reading a run record (the store) can ask it without loading the rollback runner and the template engine.
 */
export function hasRollback(step: Step): boolean {
  return step.type !== 'condition' && step.type !== 'llm_query' && step.rollback !== undefined;
}
