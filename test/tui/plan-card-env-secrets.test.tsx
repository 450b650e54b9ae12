import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { ProposedPlan } from '../../src/agent/index.js';
import { PlanSchema } from '../../src/planning/index.js';
import { createRedactor, secretValues } from '../../src/store/redact.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';
import { PlanCard, PlanDecisionLine } from '../../src/tui/PlanCard.js';
import { ShownSecrets } from '../../src/tui/shown-secrets.js';
import { describer } from '../../src/tui/tool-describer.js';

// The card the chat asks approval with hides the secrets of the environment (and the MCP servers') the chat hides
// everywhere else, in the goal, the inputs, the commands and the reasons a plan is held.

const tools = describer(createBuiltinRegistry());
const SECRET = 'tok-5150-env-secret';
const secrets = createRedactor(secretValues({ DEPLOY_TOKEN: SECRET, HOME: '/home/dev' }));

const proposal: ProposedPlan = {
  planId: 'p1',
  plan: PlanSchema.parse({
    goal: `deploy with ${SECRET}`,
    inputs: { header: `Bearer ${SECRET}` },
    steps: [{ id: 'call', tool: 'shell', args: { command: `curl -H "X-Token: ${SECRET}" http://localhost:1` }, rollback: { tool: 'shell', args: { command: `echo undo ${SECRET}` } } }],
  }),
};

function frameOf(element: React.ReactElement): string {
  const app = render(<ShownSecrets.Provider value={secrets}>{element}</ShownSecrets.Provider>);
  const frame = app.lastFrame() ?? '';
  app.unmount();
  return frame;
}

describe('the plan card and the secrets of the environment', () => {
  it('shows *** for a value of a *_TOKEN variable in the goal, an input, a command, a rollback and a held reason', () => {
    const frame = frameOf(<PlanCard proposal={proposal} tools={tools} color={false} held={[`call: curl -H "X-Token: ${SECRET}": always asked by ask rule (policy.yaml:3)`]} />);
    expect(frame).not.toContain(SECRET);
    expect(frame).toContain('Plan: deploy with ***');
    expect(frame).toContain('inputs: header=Bearer ***');
    expect(frame).toContain('shell: curl -H "X-Token: ***" http://localhost:1');
    expect(frame).toContain('rollback: shell: echo undo ***');
    expect(frame).toContain('call: curl -H "X-Token: ***": always asked');
  });

  it('names a decided plan above by its goal with *** too', () => {
    const frame = frameOf(<PlanDecisionLine plan={proposal.plan} decision="approved" color={false} />);
    expect(frame).toBe('✓ approved: the plan above (deploy with ***)');
  });
});
