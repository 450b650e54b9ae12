import { envSetWhen, unguardedEnvReads } from './guarded-reads.js';
import type { Plan } from './schema.js';
import type { RunState } from './state.js';
import { findTemplates } from './templates.js';
import { doneStepIds } from './undone-steps.js';

/** A plain read of an allow-listed variable that is not set: the step (or its rollback) reading it would fail. */
export type UnsetEnvRead = { readonly step: string; readonly name: string; readonly rollback: boolean };

/**
 * `env.BRANCH` allow-listed with no BRANCH in the environment fails the step that reads it, mid-run, after the
 * steps before it ran. A read is found before anything runs unless the expression tested that same variable on
 * the way to it (`has(env.BRANCH) ? env.BRANCH : "main"`), or the step's `when` requires it set (`has(env.BRANCH)`).
 * `rollbackOnly`: steps done before (a resume, a cancel) of which only the rollback can run again; their `when`
 * was decided in the environment of then, so it guards nothing now.
 */
export function unsetEnvReads(plan: Pick<Plan, 'steps'>, env: Readonly<Record<string, string>>, rollbackOnly: ReadonlySet<string> = new Set()): UnsetEnvRead[] {
  const reads: UnsetEnvRead[] = [];
  for (const step of plan.steps) {
    const undone = rollbackOnly.has(step.id);
    const unset = new Set<string>();
    const note = (names: readonly string[]) => {
      for (const name of names) if (env[name] === undefined) unset.add(name);
    };
    const sources: string[] = [];
    if ('args' in step && step.args && !undone) sources.push(...findTemplates(step.args).map((site) => site.source));
    if ('prompt' in step && typeof step.prompt === 'string' && !undone) sources.push(...findTemplates(step.prompt).map((site) => site.source));
    if ('rollback' in step && step.rollback) sources.push(...findTemplates(step.rollback.args).map((site) => site.source));
    if (step.when !== undefined && !undone) note(unguardedEnvReads(step.when));
    const safe = undone ? undefined : envSetWhen(step.when);
    for (const source of sources) note(unguardedEnvReads(source, safe));
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
