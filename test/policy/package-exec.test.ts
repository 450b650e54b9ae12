import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { assessPlanRisk } from '../../src/policy/index.js';
import { assessPolicy, parsePolicy } from '../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../src/tools/index.js';

// A package manager's exec runs the command behind it: that command is rated and meets the deny rules.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');
const POLICY = parsePolicy('deny:\n  - shell: "rm -rf /srv*"\n', '/srv/app/.ksa/policy.yaml');
const plan = (command: string) => PlanSchema.parse({ goal: 'exec', steps: [{ id: 'r', tool: 'shell', args: { command } } as PlanInput['steps'][number]] });
const risk = async (command: string) => (await assessPlanRisk(plan(command), options)).steps.r;
const decision = async (command: string) => (await assessPolicy(plan(command), POLICY, 'write', options)).decision.steps[0]!.decision;

const EXECS = [
  'pnpm exec rm -rf /srv/data',
  'npm exec -- rm -rf /srv/data',
  'npm exec --package=x -- rm -rf /srv/data',
  'yarn exec rm -rf /srv/data',
  'pnpm -r exec rm -rf /srv/data',
  'pnpm --filter web exec rm -rf /srv/data',
  'yarn workspace web exec rm -rf /srv/data',
  'yarn workspaces foreach -A exec rm -rf /srv/data',
  'pnpm dlx rm -rf /srv/data',
  'yarn dlx -q rm -rf /srv/data',
  'npm x -- rm -rf /srv/data',
  'npx -y rm -rf /srv/data',
  'bunx rm -rf /srv/data',
  'bun x rm -rf /srv/data',
  "npx -c 'rm -rf /srv/data'",
  "npm exec --call='rm -rf /srv/data'",
  'pnpm exec -c rm -rf /srv/data',
  'sudo pnpm exec env X=1 rm -rf /srv/data',
];

describe("a package manager's exec", () => {
  it('is rated by the command it runs', async () => {
    for (const line of EXECS) expect((await risk(line))?.level, line).toBe('destroy');
    expect((await risk('pnpm exec kubectl delete ns prod'))?.level).toBe('destroy');
  });

  it('meets the deny rules the command behind it meets', async () => {
    for (const line of EXECS) expect(await decision(line), line).toBe('deny');
  });

  it('is never rated lower than the package manager itself', async () => {
    for (const line of ['npx ls', 'pnpm exec ls', 'npm exec -- cat README.md', 'yarn dlx cowsay hi']) expect((await risk(line))?.level, line).toBe('write');
    expect((await risk('npm install'))?.level).toBe('write');
    expect(await decision('pnpm exec ls /srv/data')).not.toBe('deny');
  });
});
