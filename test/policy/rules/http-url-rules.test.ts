import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// http rules meet the URL as the request really goes out, not only as the plan spells it.

const options = riskOptions(createBuiltinRegistry());
const POLICY = parsePolicy('deny:\n  - http: "* http://127.0.0.1:18940/admin*"\nallow:\n  - http: "GET http://127.0.0.1:18940/ok"\n', '/ws/.ksa/policy.yaml');

async function decision(url: string, method = 'POST'): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'http', steps: [{ id: 'h', tool: 'http', args: { url, method } }] });
  return (await assessPolicy(plan, POLICY, 'write', options)).decision.steps[0]!.decision;
}

describe('http rules over the URL as requested', () => {
  it.each([
    ['http://127.0.0.1:18940/admin/reset', 'deny'],
    ['http://127.0.0.1:18940/./admin/reset', 'deny'],
    ['HTTP://127.0.0.1:18940/admin/reset', 'deny'],
    ['http://127.0.0.1:18940/x/../admin/reset', 'deny'],
    ['http://127.0.0.1:18940/%2e/admin/reset', 'deny'],
    ['http://127.0.0.1:18940//admin/reset', 'deny'],
    ['http://127.0.0.1:18940/%61dmin/reset', 'deny'],
    ['http://u@127.0.0.1:18940/admin/reset', 'deny'],
    ['http://u:p@127.0.0.1:18940/admin', 'deny'],
    ['http://127.0.0.1:18940/public/admin', 'write'],
    ['http://127.0.0.1:18940/%2Fadmin', 'write'],
    ['http://127.0.0.1:18941/admin', 'write'],
  ])('%s → %s', async (url, expected) => {
    expect(await decision(url)).toBe(expected === 'write' ? 'allow' : expected);
  });

  it('a method in lower case is the method; allow rules still match only the URL as written', async () => {
    expect(await decision('http://127.0.0.1:18940/admin', 'post')).toBe('deny');
    const plan = (url: string) => PlanSchema.parse({ goal: 'http', steps: [{ id: 'h', tool: 'http', args: { url } }] });
    expect((await assessPolicy(plan('http://127.0.0.1:18940/ok'), POLICY, 'read', options)).decision.steps[0]!.why).toMatch(/^allowed by/);
    expect((await assessPolicy(plan('http://127.0.0.1:18940/./ok'), POLICY, 'read', options)).decision.steps[0]!.why).not.toMatch(/^allowed by/);
  });
});
