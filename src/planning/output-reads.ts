import { parse } from '@marcbachmann/cel-js';
import { isNode, literalString, walkCel, type Node } from './cel-ast.js';
import type { Step } from './schema.js';
import { findTemplates } from './templates.js';

/** The steps whose output some expressions read; `any` when one may read any step's (`steps[name]`, `steps` whole). */
export type StepOutputReads = { readonly steps: readonly string[]; readonly any: boolean };

/** What a step's own run reads of earlier outputs (its `when`, arguments, prompt), and what its rollback reads. */
export type StepOutputReadsOf = { readonly step: StepOutputReads; readonly rollback: StepOutputReads };

/**
 * A step's result holds its status and attempts beside its output: a read of those (`steps.build.status == "succeeded"`)
 * takes nothing the step printed, every other one may (`steps.build.output.stdout`, `string(steps.build)`).
 */
const NOT_OUTPUT = new Set(['status', 'attempts']);

/**
 * The step outputs `when` and the templates of a step's arguments or prompt read, and those its rollback's arguments
 * read, by the expressions' syntax trees: a mention outside a template (`echo steps.a.output`) reads none. One that
 * does not parse may read any.
 */
export function stepOutputReads(step: Step): StepOutputReadsOf {
  const sources: string[] = step.when === undefined ? [] : [step.when];
  if (step.type === 'llm_query') sources.push(...templateSources(step.prompt));
  else if (step.type !== 'condition') sources.push(...templateSources(step.args));
  const rollback = step.type !== 'llm_query' && step.type !== 'condition' && step.rollback ? templateSources(step.rollback.args) : [];
  return { step: outputReadsOf(sources), rollback: outputReadsOf(rollback) };
}

function templateSources(value: unknown): string[] {
  return findTemplates(value).map((site) => site.source);
}

/** The step outputs these CEL expressions read. */
export function outputReadsOf(sources: readonly string[]): StepOutputReads {
  const steps = new Set<string>();
  for (const source of sources) {
    let ast: Node;
    try {
      ast = parse(source).ast as unknown as Node;
    } catch {
      return { steps: [...steps], any: true };
    }
    if (collect(ast, steps)) return { steps: [...steps], any: true };
  }
  return { steps: [...steps], any: false };
}

/** Adds the ids of the steps whose output `ast` reads to `into`; true when it may read any step's. */
function collect(ast: Node, into: Set<string>): boolean {
  let any = false;
  const stepOf = (node: unknown, bound: ReadonlySet<string>): string | undefined => {
    if (!isNode(node) || (node.op !== '.' && node.op !== '.?' && node.op !== '[]' && node.op !== '[?]')) return undefined;
    const [target, key] = node.args as [unknown, unknown];
    if (!isNode(target) || target.op !== 'id' || target.args !== 'steps' || bound.has('steps')) return undefined;
    const id = node.op === '.' || node.op === '.?' ? (key as string) : literalString(key);
    return id;
  };
  walkCel(ast, (node, bound, visit) => {
    if (any) return true;
    const { op, args } = node;
    if (op === 'id') {
      // `steps` itself (`string(steps)`) holds every output.
      if (args === 'steps' && !bound.has('steps')) any = true;
      return true;
    }
    if (op !== '.' && op !== '.?' && op !== '[]' && op !== '[?]') return false;
    const [target, key] = args as [unknown, unknown];
    const field = op === '.' || op === '.?' ? (key as string) : literalString(key);
    const id = stepOf(target, bound);
    if (id !== undefined) {
      // `steps.a.status`: not its output.
      if (field === undefined || !NOT_OUTPUT.has(field)) into.add(id);
      if (op === '[]' || op === '[?]') visit(key, bound);
      return true;
    }
    const direct = stepOf(node, bound);
    if (direct !== undefined) {
      into.add(direct);
      return true;
    }
    // `steps[name]`: which step is known only at run time.
    if (isNode(target) && target.op === 'id' && target.args === 'steps' && !bound.has('steps')) {
      any = true;
      return true;
    }
    return false;
  });
  return any;
}
