import type { Policy, PolicyEffect } from './policy-rule.js';

const HEADINGS: Record<PolicyEffect, string> = {
  deny: 'Never plan these (a plan with one is rejected)',
  ask: 'These always need the user’s approval',
  allow: 'These run without a question in the read/write approval modes',
};

/** The user's rules, for the planner: it should avoid denied commands instead of learning about them from a rejection. */
export function policyInstructions(policy: Policy): string {
  if (policy.rules.length === 0) return '';
  const sections = (['deny', 'ask', 'allow'] as const)
    .map((effect) => {
      const rules = policy.rules.filter((rule) => rule.effect === effect);
      if (rules.length === 0) return '';
      return `${HEADINGS[effect]}:\n${rules.map((rule) => `- ${rule.tool}: ${JSON.stringify(rule.command)}`).join('\n')}`;
    })
    .filter(Boolean);
  return `Permission policy of this user (tool: glob over the command line without the program name; * matches anything):\n${sections.join('\n')}`;
}
