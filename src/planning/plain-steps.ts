import { containsTemplate } from './templates.js';
import { isObviouslyValid, type FormatMemo } from './obviously-valid.js';
import { holdsInexactNumber } from './inexact-numbers.js';
import type { Step } from './schema.js';
import type { ToolCatalog } from './validate-options.js';

/**
 * A tool step without a condition whose tools exist and whose arguments are
 * obviously valid and hold no template: StepChecker.check would find nothing.
 */
export function plainlyFine(step: Step, tools: ToolCatalog, memo: FormatMemo): boolean {
  if (step.type === 'llm_query' || step.type === 'condition' || step.when !== undefined) return false;
  return plainArgs(step.tool, step.args, tools, memo) && (step.rollback === undefined || plainArgs(step.rollback.tool, step.rollback.args, tools, memo));
}

function plainArgs(name: string, args: Record<string, unknown>, tools: ToolCatalog, memo: FormatMemo): boolean {
  const tool = tools.get(name);
  return tool !== undefined && isObviouslyValid(tool.inputSchema, args, memo) && !containsTemplate(args) && !holdsInexactNumber(args);
}
