import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../../src/planning/index.js';
import { assessPlanRisk } from '../../../src/policy/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// Deny rules see every command a line runs: a plan's script however it is named, code run by trap or coproc,
// and only the commands a line really has (a quoted `;` is text).

const WORKSPACE = '/srv/app';
const options = riskOptions(createBuiltinRegistry(), process.env, WORKSPACE);
const POLICY = parsePolicy('deny:\n  - shell: "touch /tmp/denied*"\n  - shell: "rm -rf /*"\n  - kubectl: "delete *"\n', '/srv/app/.ksa/policy.yaml');

const plan = (steps: PlanInput['steps']) => PlanSchema.parse({ goal: 'reach', steps });
const shell = (id: string, command: string, more: Partial<PlanInput['steps'][number]> = {}): PlanInput['steps'][number] => ({ id, tool: 'shell', args: { command }, ...more }) as PlanInput['steps'][number];
const write = (path: string, content: string): PlanInput['steps'][number] => ({ id: 'w', tool: 'write_file', args: { path, content } });

async function decisions(steps: PlanInput['steps']): Promise<Record<string, string>> {
  const { decision } = await assessPolicy(plan(steps), POLICY, 'write', options);
  return Object.fromEntries(decision.steps.map((step) => [step.stepId, step.decision]));
}

describe('a script the plan writes, named by its absolute path in the workspace', () => {
  const script = '#!/bin/sh\ntouch /tmp/denied96\n';
  const runs = ['sh /srv/app/deploy.sh', 'bash /srv/app/./deploy.sh', '. /srv/app/deploy.sh', '/srv/app/deploy.sh', 'sudo sh /srv/app/x/../deploy.sh', 'cd /srv/app && sh deploy.sh'];

  it('meets the deny rules its lines meet, written by a relative path and run by the absolute one, or the other way', async () => {
    for (const line of runs) expect((await decisions([write('deploy.sh', script), shell('r', line, { dependsOn: ['w'] })])).r, line).toBe('deny');
    for (const line of ['sh deploy.sh', './deploy.sh', 'sh /srv/app/deploy.sh']) expect((await decisions([write('/srv/app/deploy.sh', script), shell('r', line, { dependsOn: ['w'] })])).r, line).toBe('deny');
    expect((await decisions([write('deploy.sh', script), shell('r', 'sh deploy.sh', { dependsOn: ['w'], args: { command: 'sh deploy.sh', cwd: '/srv/app' } })])).r).toBe('deny');
  });

  it('is rated by its lines, naming the line that decides', async () => {
    const risk = await assessPlanRisk(plan([write('deploy.sh', '#!/bin/sh\nrm -rf /tmp/x\n'), shell('r', 'sh /srv/app/deploy.sh', { dependsOn: ['w'] })]), options);
    expect(risk.steps.r).toEqual({ level: 'destroy', reason: 'runs /srv/app/deploy.sh, which step w writes: rm -rf /tmp/x' });
    const back = await assessPlanRisk(plan([write('/srv/app/deploy.sh', '#!/bin/sh\nrm -rf /tmp/x\n'), shell('r', 'sh deploy.sh', { dependsOn: ['w'] })]), options);
    expect(back.steps.r?.level).toBe('destroy');
  });

  it('outside the workspace, a file of the same name is another file', async () => {
    expect((await decisions([write('deploy.sh', script), shell('r', 'sh /srv/other/deploy.sh', { dependsOn: ['w'] })])).r).toBe('allow');
    expect((await decisions([write('deploy.sh', script), shell('r', 'sh /srv/app2/deploy.sh', { dependsOn: ['w'] })])).r).toBe('allow');
  });
});
