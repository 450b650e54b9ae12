import { formatIssue, isRecord, validatePlan, type Plan, type Step, type ToolCatalog } from '../planning/index.js';

export type StepChange = { readonly id: string; readonly fields: readonly string[] };

/** What a revision changed, by step id. */
export type PlanDiff = {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly StepChange[];
  readonly inputs: readonly string[];
  readonly goal: boolean;
  readonly maxParallel: boolean;
};

export function diffPlans(before: Plan, after: Plan): PlanDiff {
  const old = new Map(before.steps.map((step) => [step.id, step]));
  const now = new Map(after.steps.map((step) => [step.id, step]));
  const changed: StepChange[] = [];
  for (const [id, step] of now) {
    const previous = old.get(id);
    if (!previous) continue;
    const fields = changedFields(previous, step);
    if (fields.length > 0) changed.push({ id, fields });
  }
  const inputKeys = new Set([...Object.keys(before.inputs), ...Object.keys(after.inputs)]);
  return {
    added: after.steps.filter((step) => !old.has(step.id)).map((step) => step.id),
    removed: before.steps.filter((step) => !now.has(step.id)).map((step) => step.id),
    changed,
    inputs: [...inputKeys].filter((key) => !same(before.inputs[key], after.inputs[key])),
    goal: before.goal !== after.goal,
    maxParallel: before.maxParallel !== after.maxParallel,
  };
}

export function isEmptyDiff(diff: PlanDiff): boolean {
  return !diff.added.length && !diff.removed.length && !diff.changed.length && !diff.inputs.length && !diff.goal && !diff.maxParallel;
}

/** One line per change: `+ smoke_test (new)`, `- run_tests (removed)`, `~ start: args.command`. */
export function describePlanDiff(diff: PlanDiff): string {
  if (isEmptyDiff(diff)) return 'no changes';
  const lines: string[] = [];
  for (const id of diff.added) lines.push(`+ ${id} (new)`);
  for (const id of diff.removed) lines.push(`- ${id} (removed)`);
  for (const change of diff.changed) lines.push(`~ ${change.id}: ${change.fields.join(', ')}`);
  if (diff.inputs.length) lines.push(`~ inputs: ${diff.inputs.join(', ')}`);
  if (diff.goal) lines.push('~ goal');
  if (diff.maxParallel) lines.push('~ maxParallel');
  return lines.join('\n');
}

function changedFields(before: Step, after: Step): string[] {
  const fields: string[] = [];
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (same(a[key], b[key])) continue;
    if (key === 'args' && isRecord(a[key]) && isRecord(b[key])) {
      const args = new Set([...Object.keys(a[key]), ...Object.keys(b[key])]);
      for (const arg of args) if (!same(a[key][arg], b[key][arg])) fields.push(`args.${arg}`);
    } else {
      fields.push(key);
    }
  }
  return fields;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export type EditedPlanCheck =
  | { readonly ok: false; readonly problems: string[] }
  | { readonly ok: true; readonly plan: Plan; /** What changed; undefined when nothing did. */ readonly changes: string | undefined };

/** A plan document back from the user's editor: its problems, or the plan and what changed against `before`. */
export function checkEditedPlan(before: Plan, document: unknown, tools: ToolCatalog): EditedPlanCheck {
  // An input left without a value is asked for when the plan is to run.
  const result = validatePlan(document, { tools, overLimitHint: 'the chat runs plans up to this size; save the plan to a file and run it with ksa run <file> --max-steps <n>', requireInputValues: false });
  if (!result.ok) return { ok: false, problems: result.issues.map(formatIssue) };
  const diff = diffPlans(before, result.plan);
  return { ok: true, plan: result.plan, changes: isEmptyDiff(diff) ? undefined : describePlanDiff(diff) };
}
