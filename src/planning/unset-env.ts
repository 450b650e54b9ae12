import { compileExpression } from './expressions.js';
import { mayGuard } from './guarded-reads.js';
import type { Plan } from './schema.js';
import type { RunState } from './state.js';
import { findTemplates } from './templates.js';
import { doneStepIds } from './undone-steps.js';

/** A plain read of an allow-listed variable that is not set: the step (or its rollback) reading it would fail. */
export type UnsetEnvRead = { readonly step: string; readonly name: string; readonly rollback: boolean };

/**
 * `env.BRANCH` allow-listed with no BRANCH in the environment fails the step that reads it, mid-run, after the
 * steps before it ran. A plain reference is found before anything runs; an expression that may guard it (has(),
 * `?`, `||`, `&&`, `in`) keeps its run-time behaviour. `rollbackOnly`: steps done before (a resume, a cancel) of
 * which only the rollback can run again.
 */
export function unsetEnvReads(plan: Pick<Plan, 'steps'>, env: Readonly<Record<string, string>>, rollbackOnly: ReadonlySet<string> = new Set()): UnsetEnvRead[] {
  const reads: UnsetEnvRead[] = [];
  for (const step of plan.steps) {
    const undone = rollbackOnly.has(step.id);
    const sources: string[] = [];
    if (step.when !== undefined && !undone) sources.push(step.when);
    if ('args' in step && step.args && !undone) sources.push(...findTemplates(step.args).map((site) => site.source));
    if ('prompt' in step && typeof step.prompt === 'string' && !undone) sources.push(...findTemplates(step.prompt).map((site) => site.source));
    if ('rollback' in step && step.rollback) sources.push(...findTemplates(step.rollback.args).map((site) => site.source));
    const unset = new Set<string>();
    for (const source of sources) {
      if (mayGuard(source)) continue;
      const compiled = compileExpression(source);
      if (!compiled.ok) continue;
      for (const name of compiled.expression.references.env) if (env[name] === undefined) unset.add(name);
    }
    for (const name of unset) reads.push({ step: step.id, name, rollback: undone });
  }
  return reads;
}

/**
 * What resuming a stopped run would read unset: the steps that run again in full, and the rollbacks of those done
 * before (a failure now undoes them). A step its `when` skipped stays skipped.
 */
export function unsetEnvReadsOnResume(plan: Pick<Plan, 'steps'>, saved: Pick<RunState, 'steps'>, env: Readonly<Record<string, string>>): UnsetEnvRead[] {
  const done = new Set(doneStepIds(saved, plan));
  const kept = plan.steps.filter((step) => !done.has(step.id) || saved.steps[step.id]?.status === 'succeeded');
  return unsetEnvReads({ steps: kept }, env, done);
}

export function describeUnsetEnvRead(read: UnsetEnvRead): string {
  return `env.${read.name} is used by ${read.rollback ? 'the rollback of ' : ''}step ${read.step} but ${read.name} is not set in the environment`;
}

/** The allow-listed variables (`--allow-env NAME`) as set in `environment` now; an unset one is left out. */
export function allowedEnvValues(names: readonly string[], environment: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = environment[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
