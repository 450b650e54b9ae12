import path from 'node:path';
import { PlanSchema, type Plan } from '../planning/schema.js';
import { planHash } from '../store/index.js';
import { readPlanFile, type PlanFile } from './plan-file.js';

/**
 * The plan file a run was started from, when it still holds the run's plan: a problem found on
 * resume (a step the policy denies now) can then give its line there, as ksa validate and ksa run
 * do. None for a plan from the chat or stdin, nor for a file that is gone, unreadable or edited
 * since (its lines would point at other steps). Shown relative to `cwd` when it is below it.
 */
export async function recordedPlanFile(record: { readonly planFile?: string; readonly plan: Plan }, cwd: string): Promise<PlanFile | undefined> {
  if (record.planFile === undefined) return undefined;
  let file: PlanFile;
  try {
    file = await readPlanFile(record.planFile);
  } catch {
    return undefined;
  }
  const parsed = PlanSchema.safeParse(file.document);
  // Compared as approvals are (planHash): keys in any order, secret-looking inputs by name, as the record keeps them.
  if (!parsed.success || planHash(parsed.data, {}) !== planHash(record.plan, {})) return undefined;
  const relative = path.relative(cwd, record.planFile);
  const below = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  return { ...file, displayPath: below ? relative : record.planFile };
}
