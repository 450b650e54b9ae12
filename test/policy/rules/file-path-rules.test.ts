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

describe('file rules written the long way', () => {
  const policy = { ...parsePolicy('deny:\n  - read_file: "x/../secrets/*"\n  - write_file: "./y/./../.env"\n  - read_file: "/ws/keys//*.pem"\nask:\n  - read_file: "a/b/../../held/*"\nallow:\n  - read_file: "z/../open/*"\n', '/ws/.ksa/policy.yaml'), workspace: '/ws' };
  const decide = async (tool: string, filePath: string, mode: 'read' | 'write' = 'write') =>
    (await assessPolicy(PlanSchema.parse({ goal: 'files', steps: [{ id: 'f', tool, args: tool === 'write_file' ? { path: filePath, content: 'x' } : { path: filePath } }] }), policy, mode, options)).decision.steps[0]!;

  it.each([
    ['read_file', 'secrets/a', 'deny'],
    ['read_file', '/ws/secrets/a', 'deny'],
    ['read_file', 'x/../secrets/a', 'deny'],
    ['write_file', '.env', 'deny'],
    ['write_file', '/ws/.env', 'deny'],
    ['read_file', 'keys/k.pem', 'deny'],
    ['read_file', './keys/k.pem', 'deny'],
    ['read_file', 'held/a', 'ask'],
    ['read_file', 'other/secrets/a', 'allow'],
    ['read_file', 'x/secrets/a', 'allow'],
  ])('%s %s → %s, by the rule with its path resolved', async (tool, filePath, expected) => {
    expect((await decide(tool, filePath)).decision).toBe(expected);
  });

  it('a .. after a segment with glob characters is not taken back, and an allow rule covers only its text as written', async () => {
    const globbed = { ...parsePolicy('deny:\n  - read_file: "*/../.env"\n', '/ws/.ksa/policy.yaml'), workspace: '/ws' };
    const step = (filePath: string) => PlanSchema.parse({ goal: 'files', steps: [{ id: 'f', tool: 'read_file', args: { path: filePath } }] });
    expect((await assessPolicy(step('a/../.env'), globbed, 'write', options)).decision.steps[0]!.decision).toBe('deny');
    expect((await assessPolicy(step('b/.env'), globbed, 'write', options)).decision.steps[0]!.decision).toBe('allow');
    expect((await decide('read_file', 'open/a', 'read')).why).not.toMatch(/^allowed by/);
    expect((await decide('read_file', 'z/../open/a', 'read')).why).toMatch(/^allowed by/);
  });
});

describe('absolute file rules with globs', () => {
  const policy = { ...parsePolicy('deny:\n  - read_file: "/w*/**/secrets/*"\n  - read_file: "*ws/keys*"\nask:\n  - write_file: "/ws/**/*.lock"\n', '/ws/.ksa/policy.yaml'), workspace: '/ws' };
  const decide = async (tool: string, filePath: string) =>
    (await assessPolicy(PlanSchema.parse({ goal: 'files', steps: [{ id: 'f', tool, args: tool === 'write_file' ? { path: filePath, content: 'x' } : { path: filePath } }] }), policy, 'write', options)).decision.steps[0]!.decision;

  it.each([
    ['read_file', 'secrets/api', 'deny'],
    ['read_file', './secrets/api', 'deny'],
    ['read_file', 'app/secrets/api', 'deny'],
    ['read_file', '/ws/secrets/api', 'deny'],
    ['write_file', 'deps/x.lock', 'ask'],
    ['read_file', 'secrets', 'allow'],
    ['read_file', 'api', 'allow'],
    // A rule not written with an absolute path is about the path in the workspace, not the workspace's own folder.
    ['read_file', 'keys/a', 'allow'],
  ])('%s %s → %s: the path named from the workspace meets them as its absolute path', async (tool, filePath, expected) => {
    expect(await decide(tool, filePath)).toBe(expected);
  });
});
