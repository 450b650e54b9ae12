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

describe('http rules written with the URL the long way', () => {
  const policy = parsePolicy(
    'deny:\n  - http: "GET https://API.example.com/*"\n  - http: "* HTTPS://Admin.Example.com:443/x/../reset*"\n  - http: "DELETE https://api.example.com//v1/%75sers/*"\nask:\n  - http: "POST http://Hold.example.com:80"\n',
    '/ws/.ksa/policy.yaml',
  );
  const decide = async (url: string, method: string) => (await assessPolicy(PlanSchema.parse({ goal: 'http', steps: [{ id: 'h', tool: 'http', args: { url, method } }] }), policy, 'write', options)).decision.steps[0]!.decision;

  it.each([
    ['https://api.example.com/v1', 'GET', 'deny'],
    ['https://API.EXAMPLE.COM/v1', 'GET', 'deny'],
    ['https://api.example.com:443/v1', 'GET', 'deny'],
    ['https://admin.example.com/reset', 'POST', 'deny'],
    ['https://admin.example.com/a/../reset/all', 'PUT', 'deny'],
    ['https://api.example.com/v1/users/7', 'DELETE', 'deny'],
    ['https://api.example.com//v1/users/7', 'DELETE', 'deny'],
    ['http://hold.example.com/', 'POST', 'ask'],
    ['http://hold.example.com', 'POST', 'ask'],
    ['https://api.example.com/v1', 'POST', 'allow'],
    ['https://api.example.org/v1', 'GET', 'allow'],
    ['https://admin.example.com/x/reset', 'POST', 'allow'],
  ])('%s %s → %s, by the rule with its URL normalised', async (url, method, expected) => {
    expect(await decide(url, method)).toBe(expected);
  });
});

describe('a host written with its trailing dot', () => {
  const policy = parsePolicy('deny:\n  - http: "* https://api.example.com/*"\n', '/ws/.ksa/policy.yaml');
  const decide = async (url: string) => (await assessPolicy(PlanSchema.parse({ goal: 'http', steps: [{ id: 'h', tool: 'http', args: { url, method: 'GET' } }] }), policy, 'write', options)).decision.steps[0]!.decision;

  it.each([
    ['https://api.example.com./v1', 'deny'],
    ['https://API.example.com.:443/v1', 'deny'],
    ['https://api.example.com./', 'deny'],
    ['https://api.example.com.evil.test/v1', 'allow'],
    ['https://api.example.co./v1', 'allow'],
  ])('%s → %s', async (url, expected) => {
    expect(await decide(url)).toBe(expected);
  });
});

describe('http rules written with a trailing dot, a user name or a long IPv6 address', () => {
  const decide = async (rule: string, url: string, method = 'GET') => {
    const policy = parsePolicy(`deny:\n  - http: ${JSON.stringify(rule)}\n`, '/ws/.ksa/policy.yaml');
    return (await assessPolicy(PlanSchema.parse({ goal: 'http', steps: [{ id: 'h', tool: 'http', args: { url, method } }] }), policy, 'write', options)).decision.steps[0]!.decision;
  };

  it.each([
    ['DELETE http://localhost.:18731/*', 'http://localhost:18731/items/1', 'DELETE', 'deny'],
    ['* https://api.example.com./*', 'https://api.example.com/v1', 'GET', 'deny'],
    ['* HTTPS://API.EXAMPLE.COM./*', 'https://api.example.com/v1', 'GET', 'deny'],
    ['* https://api.example.com.:443/*', 'https://api.example.com/v1', 'GET', 'deny'],
    ['* https://api.example.com:443./*', 'https://api.example.com/v1', 'GET', 'deny'],
    ['* https://*.example.com./*', 'https://api.example.com/v1', 'GET', 'deny'],
    ['* http://[0:0:0:0:0:0:0:1]/*', 'http://[::1]/x', 'GET', 'deny'],
    ['* http://[0:0:0:0:0:0:0:1]:8080/*', 'http://[::1]:8080/x', 'GET', 'deny'],
    ['* http://[::1]/*', 'http://[0::1]/x', 'GET', 'deny'],
    ['* http://127.1/*', 'http://127.0.0.1/x', 'GET', 'deny'],
    ['* https://ops@api.example.com/*', 'https://api.example.com/x', 'GET', 'deny'],
    ['* https://ops:pw@API.example.com:443/*', 'https://dev@api.example.com/x', 'GET', 'deny'],
    ['* https://@(api|www).example.com./*', 'https://www.example.com/x', 'GET', 'deny'],
    ['* https://api.example.com./*', 'https://api.example.com.evil.test/v1', 'GET', 'allow'],
    ['* http://[0:0:0:0:0:0:0:1]/*', 'http://[::2]/x', 'GET', 'allow'],
    ['* https://ops@api.example.com/*', 'https://api.example.org/x', 'GET', 'allow'],
    // A DELETE is a destroy step: asked, not denied.
    ['DELETE http://localhost.:18731/*', 'http://localhost:18732/items/1', 'DELETE', 'ask'],
  ])('%s, %s %s → %s', async (rule, url, method, expected) => {
    expect(await decide(rule, url, method)).toBe(expected);
  });
});
