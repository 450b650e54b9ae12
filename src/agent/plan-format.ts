import { LineCounter, parseDocument, stringify } from 'yaml';
import { PlanYamlError } from './plan-yaml-error.js';
import { planYamlProblems } from './plan-yaml-problems.js';
import { stepType, type Plan } from '../planning/schema.js';

export type PlanFormat = 'yaml' | 'json' | 'mermaid';

/** YAML that `ksa run` accepts as is, with a schema hint for editors. */
export function planToYaml(plan: Plan): string {
  return `# yaml-language-server: $schema=https://kubestack.ai/schemas/plan.json\n${stringify(compact(plan), { lineWidth: 0 })}`;
}

export function planToJson(plan: Plan): string {
  return `${JSON.stringify(compact(plan), null, 2)}\n`;
}

/** A flowchart of the DAG; risky tools are not marked here, only structure. */
export function planToMermaid(plan: Plan): string {
  const lines = ['flowchart TD'];
  // By position: ids like deploy-web and deploy_web must stay two nodes.
  const index = new Map(plan.steps.map((step, i) => [step.id, i]));
  const node = (id: string) => `s${index.get(id) ?? id}`;
  for (const step of plan.steps) {
    const kind = stepType(step);
    const what = kind === 'tool_call' && 'tool' in step ? step.tool : kind;
    const label = `${step.id}<br/>${what}`.replace(/"/g, "'");
    lines.push(kind === 'condition' ? `  ${node(step.id)}{"${label}"}` : `  ${node(step.id)}["${label}"]`);
  }
  for (const step of plan.steps) for (const dep of step.dependsOn) lines.push(`  ${node(dep)} --> ${node(step.id)}`);
  return `${lines.join('\n')}\n`;
}

export function formatPlanAs(plan: Plan, format: PlanFormat): string {
  return format === 'json' ? planToJson(plan) : format === 'mermaid' ? planToMermaid(plan) : planToYaml(plan);
}

/** Drops defaults that only add noise (empty dependsOn, empty inputs), so files read like hand-written ones. */
function compact(plan: Plan): Record<string, unknown> {
  const steps = plan.steps.map((step) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(step)) {
      if (value === undefined) continue;
      if (key === 'dependsOn' && Array.isArray(value) && value.length === 0) continue;
      out[key] = value;
    }
    return out;
  });
  return {
    goal: plan.goal,
    ...(Object.keys(plan.inputs).length ? { inputs: plan.inputs } : {}),
    ...(plan.maxParallel !== undefined ? { maxParallel: plan.maxParallel } : {}),
    steps,
  };
}

/** A plan edited as YAML text, read back as a document (validated by whoever applies it); PlanYamlError names every syntax problem. */
export function planFromYaml(edited: string): unknown {
  // An editor may save a byte-order mark: dropped as a plan file's loading drops it, so the checks read the text after it.
  const text = edited.startsWith('\uFEFF') ? edited.slice(1) : edited;
  // The library's warnings (an unquoted `{{ x }}` read as a map key) must not reach the terminal as Node warnings.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, logLevel: 'error' });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((error) => ({
      line: error.linePos?.[0].line ?? 1,
      column: error.linePos?.[0].col ?? 1,
      // The library's message repeats the place and a code frame; both are given here once.
      message: (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, ''),
    }));
    throw new PlanYamlError({ problems, text });
  }
  // What YAML reads otherwise than written (a tag dropping the "!" of "when: ! inputs.dryRun", an unquoted
  // template read as a map), as a plan file's loading refuses it: an edit must not lose a negation either.
  const misread = planYamlProblems(doc, lineCounter, text);
  if (misread.length > 0) throw new PlanYamlError({ problems: misread.map(({ line, column, message }) => ({ line, column, message })), text });
  return doc.toJS();
}
