import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { EMPTY_POLICY, renderedCallCheck } from '../../src/policy/rules/index.js';
import { parseShell } from '../../src/tools/index.js';

// A call built from a step's output is rated again when built, with what the plan's other steps do to plan files:
// `terraform apply {{ steps.get.output.stdout }}` built as `terraform apply d.tfplan` applies another step's destroy plan.

type Steps = PlanInput['steps'];
const shell = (id: string, command: string, more: Record<string, unknown> = {}): Steps[number] => ({ id, tool: 'shell', args: { command, ...more } });
const STEPS: Steps = [shell('save', 'terraform plan -destroy -out=d.tfplan'), shell('get', 'echo d.tfplan'), { ...shell('j', 'terraform apply -auto-approve {{ steps.get.output.stdout }}'), dependsOn: ['get'] }];

async function check(steps: Steps, command: string, allowDestroy = false, phase: 'run' | 'rollback' = 'run') {
  const plan = PlanSchema.parse({ goal: 'teardown', steps });
  const refuse = renderedCallCheck(plan, EMPTY_POLICY, { parseShell, workspace: '/srv/app' }, {}, { allowDestroy, asked: true });
  return refuse({ stepId: 'j', phase, tool: 'shell', args: { command } });
}

describe('renderedCallCheck: a built call that applies a destroy plan another step saves', () => {
  it('is refused in a run not approved for destroy steps, naming the step that saves it', async () => {
    expect(await check(STEPS, 'terraform apply -auto-approve d.tfplan')).toBe(
      'step j as built at run time destroys (terraform apply d.tfplan applies a destroy plan step save saves (terraform plan -destroy)), and the run was approved without destroy steps; nothing was run (write the command into the plan, or approve destroy steps: --allow-destroy)',
    );
  });

  it('follows copies by other steps and the folders the calls run in', async () => {
    const steps: Steps = [shell('save', 'terraform plan -destroy -out=d.tfplan', { cwd: 'infra' }), shell('keep', 'cp infra/d.tfplan saved/'), ...STEPS.slice(1)];
    expect(await check(steps, 'terraform apply -auto-approve saved/d.tfplan')).toMatch(/^step j as built at run time destroys \(terraform apply saved\/d\.tfplan applies a destroy plan step save saves/);
    expect(await check(steps, 'terraform apply -auto-approve d.tfplan')).toBeUndefined();
  });

  it('reads a built rollback with the plan too', async () => {
    const steps: Steps = [STEPS[0]!, STEPS[1]!, { id: 'j', tool: 'shell', args: { command: 'true' }, dependsOn: ['get'], rollback: { tool: 'shell', args: { command: 'terraform apply {{ steps.get.output.stdout }}' } } }];
    expect(await check(steps, 'terraform apply d.tfplan', false, 'rollback')).toMatch(/^step j's rollback as built at run time destroys/);
  });

  it('lets it run when the run was approved for destroy steps, or it applies another plan', async () => {
    expect(await check(STEPS, 'terraform apply -auto-approve d.tfplan', true)).toBeUndefined();
    expect(await check(STEPS, 'terraform apply -auto-approve other.tfplan')).toBeUndefined();
    expect(await check([shell('save', 'terraform plan -out=d.tfplan'), ...STEPS.slice(1)], 'terraform apply -auto-approve d.tfplan')).toBeUndefined();
  });
});
