/** The permission policy: rules written by the user, and what they decide for a plan's steps. */

/** What a rule does to a step it matches. Deny wins over ask, ask over allow. */
export type PolicyEffect = 'allow' | 'ask' | 'deny';

export const POLICY_EFFECTS: readonly PolicyEffect[] = ['allow', 'ask', 'deny'];

/** How much a plan may do without a question (`--approve`, the chat's `/approve`). */
export type ApprovalMode = 'ask' | 'read' | 'write';

export const APPROVAL_MODES: readonly ApprovalMode[] = ['ask', 'read', 'write'];

/** A step's risk level, as the risk assessment gives it. */
export type StepLevel = 'read' | 'write' | 'destroy';

/** Where a rule was written: shown with every decision it makes. */
export type RuleSource = { readonly file: string; readonly line: number };

export type PolicyRule = {
  readonly effect: PolicyEffect;
  /** Glob over the tool name (`shell`, `github__*`). */
  readonly tool: string;
  /** Glob over the step's command line without the program name (`get *`, `npm run *`). */
  readonly command: string;
  readonly source: RuleSource;
};

/** Every rule that applies, from every policy file, in file order. */
export type Policy = {
  readonly rules: readonly PolicyRule[];
  readonly files: readonly string[];
  /** The workspace the plan's file tools resolve paths in: rules meet `<workspace>/.env` as `.env`. */
  readonly workspace?: string;
};

export const EMPTY_POLICY: Policy = { rules: [], files: [] };

export function isApprovalMode(value: unknown): value is ApprovalMode {
  return typeof value === 'string' && (APPROVAL_MODES as readonly string[]).includes(value);
}

/** `deny kubectl: "delete *"`, as written in the file. */
export function describeRule(rule: PolicyRule): string {
  return `${rule.effect} ${rule.tool}: ${JSON.stringify(rule.command)}`;
}

/** `deny kubectl: "delete *" (/home/me/.ksa/policy.yaml:3)`. */
export function describeRuleWithSource(rule: PolicyRule): string {
  return `${describeRule(rule)} (${rule.source.file}:${rule.source.line})`;
}

export function combinePolicies(policies: readonly Policy[]): Policy {
  return { rules: policies.flatMap((policy) => policy.rules), files: policies.flatMap((policy) => policy.files) };
}
