import { compileExpression, evaluateExpression, ExpressionEvaluationError, type CompiledExpression, type ExpressionContext } from './expressions.js';
import { compileTemplate, renderTemplate, templateExpressions, templateStepReferences, type CompiledTemplate } from './templates.js';
import type { Step } from './schema.js';

/** A step with its expressions compiled once, ready to evaluate against earlier results. */
export type CompiledStep = {
  readonly step: Step;
  readonly when?: CompiledExpression;
  readonly args?: CompiledTemplate;
  readonly prompt?: CompiledTemplate;
  readonly rollbackArgs?: CompiledTemplate;
};

export function compileStep(step: Step): CompiledStep {
  const when = step.when === undefined ? undefined : mustCompile(step.when);
  if (step.type === 'condition') return { step, when };
  if (step.type === 'llm_query') return { step, when, prompt: compileTemplate(step.prompt) };
  return {
    step,
    when,
    args: compileTemplate(step.args),
    rollbackArgs: step.rollback ? compileTemplate(step.rollback.args) : undefined,
  };
}

/** Every expression of a step: its `when` and those inside its templates (args, prompt, rollback args). */
export function stepExpressions(compiled: CompiledStep): CompiledExpression[] {
  const out: CompiledExpression[] = compiled.when ? [compiled.when] : [];
  for (const template of [compiled.args, compiled.prompt, compiled.rollbackArgs]) if (template && template.kind !== 'literal') templateExpressions(template, out);
  return out;
}

/** Ids of the steps whose results some expression reads (`all` when one reads `steps[...]` with a computed key). */
export function referencedSteps(steps: readonly CompiledStep[]): ReadonlySet<string> | 'all' {
  const ids = new Set<string>();
  for (const compiled of steps) {
    for (const expression of stepExpressions(compiled)) {
      if (expression.references.dynamicStepAccess) return 'all';
      for (const id of expression.references.steps) ids.add(id);
    }
  }
  return ids;
}

/** Evaluates with a clearer message when the expression read a skipped step's output; `field`: where it is in its step. */
export function evaluateIn(expression: CompiledExpression, context: ExpressionContext, field: string): unknown {
  try {
    return evaluateExpression(expression, context);
  } catch (error) {
    throw explainSkipped(error instanceof ExpressionEvaluationError ? error.within(field) : error, expression.references.steps, context);
  }
}

/** A step's `when` (or a condition step's expression) as a boolean; anything else is an error, never silently true. */
export function evaluateCondition(compiled: CompiledStep, context: ExpressionContext): boolean {
  const value = evaluateIn(compiled.when!, context, 'when');
  if (typeof value !== 'boolean') {
    const what = compiled.step.type === 'condition' ? 'condition' : 'when';
    throw new Error(`${what} "${compiled.step.when}" must be true or false, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `field`: the step's field the template is (`args`, `prompt`, `rollback.args`). */
export function renderIn(template: CompiledTemplate, context: ExpressionContext, field: string): unknown {
  try {
    return renderTemplate(template, context);
  } catch (error) {
    throw explainSkipped(error instanceof ExpressionEvaluationError ? error.within(field) : error, [...templateStepReferences(template)], context);
  }
}

function explainSkipped(error: unknown, referenced: readonly string[], context: ExpressionContext): unknown {
  if (!(error instanceof ExpressionEvaluationError)) return error;
  const skipped = referenced.filter((id) => (context.steps[id] as { status?: string } | undefined)?.status === 'skipped');
  if (skipped.length === 0) return error;
  return new ExpressionEvaluationError(
    error.source,
    `${error.reason}; step ${skipped.map((id) => `"${id}"`).join(', ')} was skipped, so it has no output (test steps.<id>.status first)`,
    error.field,
  );
}

function mustCompile(source: string): CompiledExpression {
  const result = compileExpression(source);
  if (!result.ok) throw new Error(`expression "${source}" does not compile: ${result.message}`);
  return result.expression;
}
