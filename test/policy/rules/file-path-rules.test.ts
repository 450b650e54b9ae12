import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// read_file and write_file rules meet the path as the tool resolves it: relative to the workspace, normalised.

const options = riskOptions(createBuiltinRegistry());
const POLICY = { ...parsePolicy('deny:\n  - write_file: ".env"\n  - read_file: "secrets/*"\n', '/ws/.ksa/policy.yaml'), workspace: '/ws' };

async function decisions(steps: PlanInput['steps']): Promise<Record<string, string>> {
  const { decision } = await assessPolicy(PlanSchema.parse({ goal: 'files', steps }), POLICY, 'write', options);
  return Object.fromEntries(decision.steps.map((step) => [step.stepId, step.decision]));
}

describe('file rules over the path as the tool resolves it', () => {
  it.each([
    ['.env', 'write_file', 'deny'],
    ['./.env', 'write_file', 'deny'],
    ['x/../.env', 'write_file', 'deny'],
    ['.//.env', 'write_file', 'deny'],
    ['/ws/.env', 'write_file', 'deny'],
    ['/ws/./x/../.env', 'write_file', 'deny'],
    ['sub/.env', 'write_file', 'allow'],
    ['/wsx/.env', 'write_file', 'allow'],
    ['/other/.env', 'write_file', 'allow'],
    ['.env.example', 'write_file', 'allow'],
    ['secrets/a', 'read_file', 'deny'],
    ['./secrets/a', 'read_file', 'deny'],
    ['x/../secrets/a', 'read_file', 'deny'],
    ['/ws/secrets/a', 'read_file', 'deny'],
    ['secrets//a', 'read_file', 'deny'],
    ['app/secrets/a', 'read_file', 'allow'],
  ])('%s (%s) → %s', async (filePath, tool, expected) => {
    const args = tool === 'write_file' ? { path: filePath, content: 'x' } : { path: filePath };
    expect(await decisions([{ id: 'f', tool, args }])).toEqual({ f: expected });
  });

  it('say the path as the step wrote it, and the rule', async () => {
    const { decision } = await assessPolicy(PlanSchema.parse({ goal: 'files', steps: [{ id: 'f', tool: 'read_file', args: { path: './secrets/a' } }] }), POLICY, 'write', options);
    expect(decision.denied[0]!.why).toBe('read_file ./secrets/a: denied by deny read_file: "secrets/*" (/ws/.ksa/policy.yaml:3)');
  });
});
