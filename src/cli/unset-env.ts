import { compileExpression, findTemplates, mayGuard, type Plan } from '../planning/index.js';
import { CliError } from './errors.js';

/**
 * `env.BRANCH` with `--allow-env BRANCH` and no BRANCH in the environment fails the step that reads it,
 * mid-run, after the steps before it ran. A plain reference is refused before anything runs; an
 * expression that may guard it (has(), `?`, `||`, `&&`, `in`) keeps its run-time behaviour.
 */
export function refuseUnsetEnv(file: string, plan: Plan, env: Readonly<Record<string, string>>, rollbackOnly: ReadonlySet<string> = new Set()): void {
  const problems: string[] = [];
  let example: string | undefined;
  for (const step of plan.steps) {
    // A step that succeeded (ksa resume, ksa cancel) runs only its rollback again.
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
    for (const name of unset) example ??= name;
    for (const name of unset) problems.push(`env.${name} is used by ${undone ? 'the rollback of ' : ''}step ${step.id} but ${name} is not set in the environment`);
  }
  if (problems.length === 0) return;
  const [first, ...rest] = problems;
  throw new CliError({ message: `${file}: ${first}${rest.length > 0 ? ` (and ${rest.length} more)` : `; set it, or read it as has(env.${example}) ? env.${example} : "…"`}; nothing was run`, details: rest.map((problem) => `  ${problem}`) });
}
