import { RunsOnObjectSchema } from './runs-on.js';
import { ConditionStepSchema, LlmQueryStepSchema, PlanSchema, RetryPolicySchema, RollbackSchema, ToolCallStepSchema } from './schema.js';
import { didYouMean } from './suggest.js';
import { shapeKeys } from './zod-issues.js';

/** The objects inside a step that take fields of their own. */
type Level = 'step' | 'retry' | 'rollback' | 'runsOn';
const LEVELS: readonly Level[] = ['step', 'retry', 'rollback', 'runsOn'];

const FIELDS: Record<Level, readonly string[]> = {
  step: [...new Set([ToolCallStepSchema, LlmQueryStepSchema, ConditionStepSchema].flatMap(shapeKeys))],
  retry: shapeKeys(RetryPolicySchema),
  rollback: shapeKeys(RollbackSchema),
  runsOn: shapeKeys(RunsOnObjectSchema),
};

const NAME: Record<Level, string> = { step: 'the step', retry: "the step's retry", rollback: "the step's rollback", runsOn: "the step's runsOn" };

const PLAN_FIELDS = shapeKeys(PlanSchema);

/**
 * What to add to `unknown field "<key>"` found in a step, `at` the path inside the step of
 * the object that has it. A near miss among that object's own fields is suggested (never
 * the key itself); a field that belongs elsewhere in the step says where; retry and
 * rollback, which take few fields, list them.
 */
export function unknownStepFieldHint(key: string, at: readonly PropertyKey[]): string {
  const last = at.at(-1);
  const level: Level = at.length === 0 ? 'step' : last === 'retry' || last === 'rollback' || last === 'runsOn' ? last : 'step';
  const near = didYouMean(key, FIELDS[level]);
  if (near) return near;
  const takes = level === 'step' ? '' : `; ${NAME[level]} takes ${list(FIELDS[level])}`;
  const home = LEVELS.find((other) => other !== level && FIELDS[other].includes(key));
  if (home) return ` (${key} belongs in ${NAME[home]}, not in ${NAME[level]})${takes}`;
  return takes;
}

/**
 * The same for an unknown field of the plan, `at` the path of the object that has it: the plan
 * itself, or its default runsOn (whose fields are not the plan's).
 */
export function unknownPlanFieldHint(key: string, at: readonly PropertyKey[]): string {
  if (at.length === 0) return didYouMean(key, PLAN_FIELDS);
  if (at.length === 1 && at[0] === 'runsOn') return didYouMean(key, FIELDS.runsOn) || `; the plan's runsOn takes ${list(FIELDS.runsOn)}`;
  return '';
}

function list(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
