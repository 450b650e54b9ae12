import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { assessPlanRisk } from '../../src/policy/index.js';
import { assessPolicy, parsePolicy } from '../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../src/tools/index.js';

// A shell that a `-c` string (or `su -c`, `eval`) starts reads the outer shell's stdin: code piped into the
// outer one is the code it runs.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');
const POLICY = parsePolicy('deny:\n  - shell: "rm -rf /srv*"\n', '/srv/app/.ksa/policy.yaml');
const shell = (id: string, command: string, more: Partial<PlanInput['steps'][number]> = {}): PlanInput['steps'][number] => ({ id, tool: 'shell', args: { command }, ...more }) as PlanInput['steps'][number];
const plan = (steps: PlanInput['steps']) => PlanSchema.parse({ goal: 'stdin', steps });
const risk = async (command: string) => (await assessPlanRisk(plan([shell('r', command)]), options)).steps.r;
const decision = async (command: string) => (await assessPolicy(plan([shell('r', command)]), POLICY, 'write', options)).decision.steps[0]!.decision;

const INNER_SHELLS = ['bash -c bash', "bash -c 'bash -s'", "bash -c 'exec bash'", 'bash -c sh', "sh -c 'bash -s'", 'su -c bash', "bash -c 'bash -'", "bash -c 'bash /dev/stdin'", "sudo sh -c 'sudo bash'", "bash -c 'echo go; bash'", "eval 'bash -s'", "bash -c 'bash -c bash'"];

describe('code piped into a shell that a -c string starts', () => {
  it('is rated by what it runs', async () => {
    for (const inner of INNER_SHELLS) expect((await risk(`echo 'rm -rf /srv/data' | ${inner}`))?.level, inner).toBe('destroy');
    expect((await risk("bash -c 'bash' <<'E'\nrm -rf /srv/data\nE"))?.level).toBe('destroy');
    expect((await risk("echo 'delete ns prod' | bash -c 'xargs kubectl'"))?.level).toBe('destroy');
  });

  it('meets the deny rules its commands meet', async () => {
    for (const inner of INNER_SHELLS) expect(await decision(`echo 'rm -rf /srv/data' | ${inner}`), inner).toBe('deny');
    expect(await decision("printf 'rm -rf /srv/data\\n' | bash -c 'bash' --")).toBe('deny');
  });

  it('is not followed where the inner shell runs a script or a string of its own', async () => {
    expect((await risk("echo 'rm -rf /srv/data' | bash -c 'bash deploy.sh'"))?.level).toBe('write');
    expect((await risk("echo 'rm -rf /srv/data' | bash -c \"bash -c 'ls'\""))?.level).toBe('read');
    expect(await decision("echo 'rm -rf /srv/data' | bash -c 'bash deploy.sh'")).not.toBe('deny');
  });

  it('runs a plan script the piped code names', async () => {
    const write: PlanInput['steps'][number] = { id: 'w', tool: 'write_file', args: { path: 'deploy.sh', content: 'rm -rf /tmp/x/victim\n' } };
    for (const line of ["echo 'sh ./deploy.sh' | bash -c bash", "echo './deploy.sh' | bash -c 'bash -s'", "echo './deploy.sh' | su -c sh"]) {
      const found = (await assessPlanRisk(plan([write, shell('r', line, { dependsOn: ['w'] })]), options)).steps.r;
      expect(found, line).toEqual({ level: 'destroy', reason: expect.stringContaining('which step w writes') });
    }
  });
});
