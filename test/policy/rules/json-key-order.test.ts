import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { sortedJsonPattern } from '../../../src/policy/rules/json-key-order.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// MCP rules over JSON arguments hold whatever order the call gives the keys in.

const options = riskOptions(createBuiltinRegistry());
const POLICY = parsePolicy(
  `deny:\n  - gh__delete_repo: '{"force":true,"repo":"*"}'\n  - gh__archive: '{"repo":"prod","opts":{"b":*,"a":1}}'\nask:\n  - gh__push: '{"ref":"main","remote":*}'\nallow:\n  - gh__list: '\\{"b":1,"a":2\\}'\n`,
  '/ws/.ksa/policy.yaml',
);

async function decide(tool: string, args: Record<string, unknown>, mode: 'read' | 'write' = 'write') {
  return (await assessPolicy(PlanSchema.parse({ goal: 'mcp', steps: [{ id: 'm', tool, args }] }), POLICY, mode, options)).decision.steps[0]!;
}

describe('MCP rules over JSON arguments, whatever the key order', () => {
  it.each([
    ['gh__delete_repo', { repo: 'x', force: true }, 'deny'],
    ['gh__delete_repo', { force: true, repo: 'x' }, 'deny'],
    ['gh__delete_repo', { repo: 'x', force: false }, 'allow'],
    ['gh__archive', { opts: { a: 1, b: [1, 2] }, repo: 'prod' }, 'deny'],
    ['gh__archive', { opts: { a: 2, b: 0 }, repo: 'prod' }, 'allow'],
    ['gh__push', { remote: 'origin', ref: 'main' }, 'ask'],
    ['gh__push', { remote: 'origin', ref: 'dev' }, 'allow'],
  ])('%s %j → %s', async (tool, args, expected) => {
    expect((await decide(tool, args)).decision).toBe(expected);
  });

  it('an allow rule still matches only the JSON as the call shows it', async () => {
    expect((await decide('gh__list', { b: 1, a: 2 })).why).toMatch(/^allowed by/);
    expect((await decide('gh__list', { a: 2, b: 1 })).why).not.toMatch(/^allowed by/);
  });

  it('a rule is read as JSON with * for a whole value, or left as written', () => {
    expect(sortedJsonPattern('{"repo":"*","force":*}')).toBe('{"force":*,"repo":"*"}');
    expect(sortedJsonPattern('{"a":"x\\"y","*":1}')).toBe('{"*":1,"a":"x\\"y"}');
    expect(sortedJsonPattern('*"repo":"prod"*')).toBeUndefined();
    expect(sortedJsonPattern('{"repo":"x"*}')).toBeUndefined();
    expect(sortedJsonPattern('{"a":1}')).toBeUndefined();
  });
});
