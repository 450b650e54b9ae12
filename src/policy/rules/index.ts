export * from './policy-rule.js';
export { compileGlob, globMatches, GlobSyntaxError } from './command-glob.js';
export type { GlobMatcher } from './command-glob.js';
export { parsePolicy, PolicyFileError } from './parse-policy.js';
export { decidePlan, decideStep, denialProblems, highestLevel } from './decide.js';
export type { PlanDecision, StepCall, StepDecision, StepFacts } from './decide.js';
export { policyInstructions } from './policy-prompt.js';
export { canonicalJson } from './canonical-json.js';
