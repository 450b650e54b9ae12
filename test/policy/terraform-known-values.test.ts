import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../src/planning/index.js';
import { assessPlanRisk, classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// terraform's words are judged with the values the line or the step's `env` gives the variables they read.

const classify = (command: string, env: Record<string, string> = {}) => classifyShell(command, parseShell, 0, new Set(), { values: new Map(Object.entries(env)), anything: false });

describe("classifyShell: terraform apply with the step's env and the line's values", () => {
  it.each<[string, Record<string, string>, RiskLevel]>([
    // Values that make a routine apply.
    ['terraform apply -lock-timeout=$T -auto-approve', { T: '5m' }, 'write'],
    ['T=5m; terraform apply -lock-timeout=$T', {}, 'write'],
    ['terraform apply -var-file=envs/$ENV.tfvars', { ENV: 'prod' }, 'write'],
    ['terraform apply $PLAN', { PLAN: 'tfplan' }, 'write'],
    ['PLAN=tfplan; terraform apply $PLAN', {}, 'write'],
    ['terraform apply -auto-approve $EXTRA', { EXTRA: '-input=false -no-color' }, 'write'],
    ['tofu apply ${PLAN}', { PLAN: 'tfplan' }, 'write'],
    // -destroy, quoted or not, alone or among other words.
    ['terraform apply -auto-approve "$MODE"', { MODE: '-destroy' }, 'destroy'],
    ['terraform apply -auto-approve $MODE', { MODE: '-destroy' }, 'destroy'],
    ['terraform apply "${MODE}"', { MODE: '--destroy=true' }, 'destroy'],
    ['terraform apply $ARGS', { ARGS: '-auto-approve -destroy' }, 'destroy'],
    ['sudo terraform apply "$MODE"', { MODE: '-destroy' }, 'destroy'],
    ['terraform "$CMD" -auto-approve', { CMD: 'destroy' }, 'destroy'],
    ['terraform -chdir=infra apply -$FLAG', { FLAG: 'destroy' }, 'destroy'],
    ['X="-var=a -destroy"; terraform apply $X', {}, 'destroy'],
    ['R="a -destroy"; terraform apply -var=$R', {}, 'destroy'],
    // The line sets the variable again before terraform reads it, or may: the step's value is not what is read.
    ['MODE=-auto-approve; terraform apply "$MODE"', { MODE: '-destroy' }, 'write'],
    ['read -r MODE < m; terraform apply "$MODE"', { MODE: '-auto-approve' }, 'destroy'],
    ['read -r MODE < m; terraform apply $MODE', { MODE: '-auto-approve' }, 'destroy'],
  ])('%s with %j is %s', async (command, env, level) => {
    const risk = await classify(command, env);
    expect(risk.level, risk.reason).toBe(level);
  });

  it("rates a plan's step by its env", async () => {
    const plan = PlanSchema.parse({
      goal: 'risk',
      steps: [
        { id: 'teardown', tool: 'shell', args: { command: 'terraform apply -auto-approve "$MODE"', env: { MODE: '-destroy' } } },
        { id: 'routine', tool: 'shell', args: { command: 'terraform apply -lock-timeout=$T -auto-approve', env: { T: '5m' } } },
        { id: 'filled', tool: 'shell', args: { command: 'terraform apply -auto-approve $MODE', env: { MODE: '{{ inputs.mode }}' } } },
      ],
    });
    const risk = await assessPlanRisk(plan, { parseShell });
    expect(risk.steps.teardown).toEqual({ level: 'destroy', reason: 'terraform destroy' });
    expect(risk.steps.routine?.level).toBe('write');
    expect(risk.steps.filled?.level).toBe('destroy');
  });
});
