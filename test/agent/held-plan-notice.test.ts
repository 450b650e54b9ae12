import { describe, expect, it } from 'vitest';
import { HeldPlanNotice } from '../../src/agent/held-plan-notice.js';
import type { ProposedPlan } from '../../src/agent/agent-tools.js';
import { PlanSchema } from '../../src/planning/index.js';
import { parsePolicy } from '../../src/policy/rules/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';

// The chat looks up which ask rules hold a waiting plan (shown on its card) once per plan, not after every turn it waits through.

const deps = { policy: parsePolicy('ask:\n  - shell: "touch marker-*"\n', '/policies/team.yaml'), tools: createBuiltinRegistry() };
const proposal = (planId: string, command: string): ProposedPlan => ({ planId, plan: PlanSchema.parse({ goal: 'Leave a marker', steps: [{ id: 'mark', tool: 'shell', args: { command } }] }) });

describe('the ask rules holding a plan', () => {
  it('is due once per plan, and again for a revised plan an ask rule holds too', async () => {
    const notice = new HeldPlanNotice();
    const first = proposal('p1', 'touch marker-a');
    expect(await notice.dueFor(first, deps, 'write', () => first)).toEqual(['mark: shell touch marker-a: always asked by ask shell: "touch marker-*" (/policies/team.yaml:2)']);
    expect(await notice.dueFor(first, deps, 'write', () => first)).toBeUndefined();
    const revised = proposal('p1r1', 'touch marker-b');
    expect(await notice.dueFor(revised, deps, 'write', () => revised)).toEqual(['mark: shell touch marker-b: always asked by ask shell: "touch marker-*" (/policies/team.yaml:2)']);
  });

  it('is not due for a plan no ask rule holds, nor for one no longer waiting when the policy has been read', async () => {
    const notice = new HeldPlanNotice();
    const free = proposal('p1', 'echo hi');
    expect(await notice.dueFor(free, deps, 'write', () => free)).toBeUndefined();
    const replaced = proposal('p2', 'touch marker-a');
    expect(await notice.dueFor(replaced, deps, 'write', () => undefined)).toBeUndefined();
  });
});
