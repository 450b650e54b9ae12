import { compileExpression, evaluateExpression } from './expressions.js';
import type { Plan, Step } from './schema.js';
import { looksSecret } from './secret-names.js';
import { TEMPLATE, toText } from './templates.js';

/**
 * The plan as far as it is known before it runs: templates in tool calls'
 * arguments (a step's and its rollback's) that read only inputs are filled in,
 * so what is rated and matched against the policy is the command that will
 * run (`kubectl {{ inputs.verb }} pod x` with verb=delete is a delete).
 * Templates that read steps' outputs or the environment, and any that cannot be
 * evaluated, stay as written: the risk rating treats them as built at run time.
 * So do secret-looking inputs: a rating's reason or a rule's match may be shown.
 */
export function withKnownInputs(plan: Plan, inputs: Readonly<Record<string, unknown>>): Plan {
  const known = { ...plan.inputs, ...inputs };
  let changed = false;
  const steps = plan.steps.map((step) => {
    const filled = fillStep(step, known);
    if (filled !== step) changed = true;
    return filled;
  });
  return changed ? { ...plan, steps } : plan;
}

function fillStep(step: Step, inputs: Record<string, unknown>): Step {
  if (step.type === 'llm_query' || step.type === 'condition') return step;
  const args = fill(step.args, inputs) as Record<string, unknown>;
  const rollbackArgs = step.rollback ? (fill(step.rollback.args, inputs) as Record<string, unknown>) : undefined;
  if (args === step.args && rollbackArgs === step.rollback?.args) return step;
  return { ...step, args, ...(step.rollback && rollbackArgs ? { rollback: { ...step.rollback, args: rollbackArgs } } : {}) };
}

function fill(value: unknown, inputs: Record<string, unknown>): unknown {
  if (typeof value === 'string') return fillText(value, inputs);
  if (Array.isArray(value)) {
    const items = value.map((item) => fill(item, inputs));
    return items.every((item, i) => item === value[i]) ? value : items;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [key, fill(item, inputs)] as const);
    return entries.every(([key, item]) => item === (value as Record<string, unknown>)[key]) ? value : Object.fromEntries(entries);
  }
  return value;
}

function fillText(text: string, inputs: Record<string, unknown>): unknown {
  if (!text.includes('{{')) return text;
  const matches = [...text.matchAll(TEMPLATE)];
  if (matches.length === 0) return text;
  // A string that is one template takes the value's type, as when the run renders it.
  if (matches.length === 1 && matches[0]!.index === 0 && matches[0]![0].length === text.length) {
    const value = inputValue(matches[0]![1] ?? '', inputs);
    return value.known ? value.value : text;
  }
  let out = '';
  let last = 0;
  for (const match of matches) {
    const value = inputValue(match[1] ?? '', inputs);
    out += text.slice(last, match.index) + (value.known ? toText(value.value) : match[0]);
    last = match.index + match[0].length;
  }
  out += text.slice(last);
  return out === text ? text : out;
}

function inputValue(source: string, inputs: Record<string, unknown>): { known: true; value: unknown } | { known: false } {
  const compiled = compileExpression(source);
  if (!compiled.ok) return { known: false };
  const { references } = compiled.expression;
  if (references.steps.length > 0 || references.env.length > 0 || references.unknownRoots.length > 0 || references.dynamicStepAccess) return { known: false };
  if (!references.inputs.every((name) => Object.hasOwn(inputs, name) && !looksSecret(name))) return { known: false };
  try {
    return { known: true, value: evaluateExpression(compiled.expression, { inputs, steps: {}, env: {} }) };
  } catch {
    return { known: false };
  }
}
