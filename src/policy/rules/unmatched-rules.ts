import { didYouMean } from '../../planning/suggest.js';
import { compileGlob } from './command-glob.js';
import type { Policy } from './policy-rule.js';

/**
 * Rules whose tool pattern matches none of the tools ksa has: a typo
 * (`kubect:`) would otherwise never apply, and a deny rule that never applies
 * is worse than none. Rules for MCP tools (`<server>__…`) are left out: their
 * servers may not be running where the policy is checked.
 */
export function rulesMatchingNoTool(policy: Policy, toolNames: readonly string[]): string[] {
  const warnings: string[] = [];
  for (const rule of policy.rules) {
    if (rule.tool.includes('__')) continue;
    const matches = compileGlob(rule.tool);
    if (toolNames.some((name) => matches(name))) continue;
    warnings.push(`${rule.source.file}:${rule.source.line}: the ${rule.effect} rule for "${rule.tool}" matches no tool, so it never applies${didYouMean(rule.tool, toolNames)}`);
  }
  return warnings;
}
