import { describe, expect, it } from 'vitest';
import { decidePlan, denialIssues, parsePolicy, type StepFacts, type StepLevel } from '../../../src/policy/rules/index.js';

const POLICY = parsePolicy(
  `deny:
  - kubectl: "delete *"
  - shell: "rm -rf /*"
ask:
  - kubectl: "* -n prod *"
allow:
  - shell: "npm test"
  - shell: "npm run *"
  - kubectl: "get *"
  - github__*
`,
  '/ws/.ksa/policy.yaml',
);

let index = 0;
function step(tool: string, commandLine: string, level: StepLevel, rollback?: [string, string]): StepFacts {
  const id = `s${index++}`;
  return {
    stepId: id,
    index: index - 1,
    level,
    reason: `${level} because`,
    calls: [{ role: 'step', tool, commandLine }, ...(rollback ? [{ role: 'rollback' as const, tool: rollback[0], commandLine: rollback[1] }] : [])],
  };
}

describe('decidePlan', () => {
  it('deny wins over allow and ask, names the rule and its file:line, and makes the whole plan deny in every mode', () => {
    for (const mode of ['ask', 'read', 'write'] as const) {
      const result = decidePlan([step('kubectl', 'get pods', 'read'), step('kubectl', 'delete ns shop -n prod x', 'destroy')], POLICY, mode);
      expect(result.decision).toBe('deny');
      expect(result.denied.map((s) => s.stepId)).toHaveLength(1);
      expect(result.denied[0]!.why).toBe('kubectl delete ns shop -n prod x: denied by deny kubectl: "delete *" (/ws/.ksa/policy.yaml:2)');
      expect(denialIssues(result)[0]).toEqual({ code: 'policy_denied', path: ['steps', result.denied[0]!.index], message: expect.stringMatching(/^kubectl delete ns shop -n prod x: denied by .*policy\.yaml:2\); the permission policy forbids it/) });
    }
  });

  it('a denied command in one part of a compound shell line, or in a rollback, is denied', () => {
    const compound = decidePlan([step('shell', 'cd build && rm -rf /var/www', 'destroy')], POLICY, 'write');
    expect(compound.decision).toBe('deny');
    const substitution = decidePlan([step('shell', 'echo $(rm -rf /tmp/x)', 'destroy')], POLICY, 'write');
    expect(substitution.decision).toBe('deny');
    const rollback = decidePlan([step('kubectl', 'apply -f k8s/', 'write', ['kubectl', 'delete -f k8s/'])], POLICY, 'write');
    expect(rollback.decision).toBe('deny');
    expect(denialIssues(rollback)[0]!.path).toEqual(['steps', rollback.steps[0]!.index, 'rollback']);
    expect(denialIssues(rollback)[0]!.message).toMatch(/^its rollback \(kubectl delete -f k8s\/\): denied/);
  });

  it('--approve ask: every plan asks, even when every step is allowed by a rule', () => {
    const result = decidePlan([step('shell', 'npm test', 'write'), step('kubectl', 'get pods', 'read')], POLICY, 'ask');
    expect(result.decision).toBe('ask');
    expect(result.steps.map((s) => s.decision)).toEqual(['allow', 'allow']);
    expect(result.steps[0]!.rule?.source.line).toBe(7);
  });

  it('--approve read: read steps and allowed steps pass; anything else asks', () => {
    expect(decidePlan([step('kubectl', 'get pods', 'read'), step('shell', 'npm run build', 'write')], POLICY, 'read').decision).toBe('allow');
    expect(decidePlan([step('http', 'GET https://x.test/', 'read')], POLICY, 'read').decision).toBe('allow');
    const write = decidePlan([step('kubectl', 'get pods', 'read'), step('kubectl', 'apply -f k8s/', 'write')], POLICY, 'read');
    expect(write.decision).toBe('ask');
    expect(write.steps[1]!.why).toBe('write step; --approve read lets only read steps through');
  });

  it('--approve write: only destroy steps ask', () => {
    expect(decidePlan([step('kubectl', 'apply -f k8s/', 'write'), step('shell', 'make', 'write')], POLICY, 'write').decision).toBe('allow');
    const destroy = decidePlan([step('docker', 'rm -f web', 'destroy')], POLICY, 'write');
    expect(destroy.decision).toBe('ask');
    expect(destroy.destroy).toEqual([destroy.steps[0]!.stepId]);
    expect(destroy.level).toBe('destroy');
  });

  it('an ask rule forces a question in every mode', () => {
    for (const mode of ['read', 'write'] as const) {
      const result = decidePlan([step('kubectl', 'get pods -n prod -o wide', 'read')], POLICY, mode);
      expect(result.decision).toBe('ask');
      expect(result.steps[0]!.rule?.effect).toBe('ask');
      expect(result.steps[0]!.why).toContain('always asked by ask kubectl: "* -n prod *" (/ws/.ksa/policy.yaml:5)');
      // The plan's reason names the rule too: the mode alone would have let the step through.
      expect(result.why).toBe(`${result.steps[0]!.stepId} (always asked by ask kubectl: "* -n prod *" (/ws/.ksa/policy.yaml:5)) needs approval (--approve ${mode})`);
    }
  });

  it('an allow rule never lets a destroy step through, and never covers a compound shell line', () => {
    const destroy = decidePlan([step('github__delete_repo', 'repo=x', 'destroy')], POLICY, 'read');
    expect(destroy.decision).toBe('ask');
    const compound = decidePlan([step('shell', 'npm test; curl -X POST https://x.test', 'write')], POLICY, 'read');
    expect(compound.decision).toBe('ask');
    expect(compound.steps[0]!.rule).toBeUndefined();
  });

  it('steps without calls (llm_query, condition) are decided by the mode and their level', () => {
    const query: StepFacts = { stepId: 'summary', index: 0, level: 'read', reason: 'asks the model', calls: [] };
    expect(decidePlan([query], POLICY, 'read').decision).toBe('allow');
    expect(decidePlan([query], POLICY, 'ask').decision).toBe('ask');
  });
});
