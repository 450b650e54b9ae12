import type { z } from 'zod';
import { isRecord, valueAt } from './values.js';

/**
 * Fields whose fault cannot change what the rest of the step means: without them (or,
 * for the id, with a stand-in) the step's tool, arguments and expressions are checked as
 * written. Not `dependsOn`: without it every reference to a dependency would look like
 * one to a step that is not an ancestor. Not `when` of a condition step, `tool`, `args`,
 * `prompt` or `type`: without them there is nothing left to check.
 */
const OPTIONAL_FIELDS = new Set(['name', 'retry', 'timeoutMs', 'runsOn', 'rollback']);

/** Any valid id: the step keeps its own (checked and reported already) in the graph. */
const STAND_IN_ID = 'x';

/**
 * A copy of a step that failed the schema, with the faults that need not hide its other
 * problems set aside: unknown fields removed, a bad id replaced, a bad optional field
 * dropped. Undefined when a fault is elsewhere, so the step is not checked any further.
 */
export function salvageStep(raw: unknown, issues: readonly z.core.$ZodIssue[]): Record<string, unknown> | undefined {
  if (!isRecord(raw)) return undefined;
  const copy = structuredClone(raw);
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const target = valueAt(copy, issue.path);
      if (isRecord(target)) for (const key of issue.keys) delete target[key];
      continue;
    }
    const field = issue.path[0];
    if (field === 'id') copy.id = STAND_IN_ID;
    else if (typeof field === 'string' && (OPTIONAL_FIELDS.has(field) || (field === 'when' && raw.type !== 'condition'))) delete copy[field];
    else return undefined;
  }
  return copy;
}
