import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { assessPlanRisk, classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// terraform (and tofu) adds the words of TF_CLI_ARGS, and of TF_CLI_ARGS_<command> to that command, after its subcommand.

const classify = (command: string) => classifyShell(command, parseShell);
const plan = (steps: PlanInput['steps']) => PlanSchema.parse({ goal: 'risk', steps });

describe('classifyShell: terraform with TF_CLI_ARGS', () => {
  it.each<[string, RiskLevel]>([
    ['TF_CLI_ARGS="destroy -auto-approve" terraform', 'destroy'],
    ["TF_CLI_ARGS='apply -destroy' terraform", 'destroy'],
    ['TF_CLI_ARGS=-destroy terraform apply', 'destroy'],
    ['TF_CLI_ARGS_apply=-destroy terraform apply -auto-approve', 'destroy'],
    ['TF_CLI_ARGS_workspace="delete -force doomed" terraform workspace', 'destroy'],
    ['TF_CLI_ARGS=destroy terraform -help', 'destroy'],
    ['TF_CLI_ARGS=destroy tofu', 'destroy'],
    ['export TF_CLI_ARGS="destroy -auto-approve"; terraform', 'destroy'],
    ['export TF_CLI_ARGS=destroy && terraform workspace', 'write'],
    ['env TF_CLI_ARGS=destroy terraform', 'destroy'],
    ['sudo env TF_CLI_ARGS=destroy terraform', 'destroy'],
    ['timeout 60 env TF_CLI_ARGS_apply=-destroy terraform apply', 'destroy'],
    ["sh -c 'TF_CLI_ARGS=destroy terraform'", 'destroy'],
    ["TF_CLI_ARGS=destroy sh -c 'terraform'", 'destroy'],
    ['f() { terraform; }; TF_CLI_ARGS=destroy f', 'destroy'],
    ['for d in a; do TF_CLI_ARGS=destroy terraform; done', 'destroy'],
    // A plan saved as a destroy plan, then applied.
    ['TF_CLI_ARGS_plan=-destroy terraform plan -out=p && terraform apply p', 'destroy'],
    ['env TF_CLI_ARGS_plan=-destroy terraform plan -out=p; terraform apply p', 'destroy'],
    ['export TF_CLI_ARGS=-destroy; terraform plan -out=p && terraform apply p', 'destroy'],
    // A value known only at run time may be any words.
    ['TF_CLI_ARGS=$MODE terraform', 'destroy'],
    ['TF_CLI_ARGS="$MODE" terraform plan', 'write'],
    ['TF_CLI_ARGS=$MODE terraform apply', 'destroy'],
    ['TF_CLI_ARGS_apply="$X" terraform apply', 'destroy'],
    ['read -r TF_CLI_ARGS_apply < mode; export TF_CLI_ARGS_apply; terraform apply -auto-approve', 'destroy'],
    ['export $(cat tf.env | xargs); terraform apply -auto-approve', 'destroy'],
    ['TF_CLI_ARGS_plan="$X" terraform apply', 'write'],
    // Words that change nothing, or another command's variable.
    ['TF_CLI_ARGS=-no-color terraform plan', 'read'],
    ['TF_CLI_ARGS_apply=-destroy terraform plan', 'read'],
    ['TF_CLI_ARGS=-no-color terraform', 'write'],
    ['terraform', 'read'],
    ['terraform workspace', 'read'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });

  it('says the words come from TF_CLI_ARGS', async () => {
    expect((await classify('TF_CLI_ARGS="destroy -auto-approve" terraform')).reason).toBe('terraform destroy (with the words of TF_CLI_ARGS)');
  });

  it('names the value known only at run time', async () => {
    expect((await classify('TF_CLI_ARGS_apply="$X" terraform apply')).reason).toBe('terraform apply with $TF_CLI_ARGS_apply known only at run time (may be -destroy) (with the words of TF_CLI_ARGS)');
  });

  it("reads TF_CLI_ARGS from the step's env", async () => {
    const risk = await assessPlanRisk(
      plan([
        { id: 'bare', tool: 'shell', args: { command: 'terraform', env: { TF_CLI_ARGS: 'destroy -auto-approve' } } },
        { id: 'workspace', tool: 'shell', args: { command: 'terraform workspace', env: { TF_CLI_ARGS_workspace: 'delete -force doomed' } } },
        { id: 'filled', tool: 'shell', args: { command: 'terraform', env: { TF_CLI_ARGS: '{{ inputs.mode }}' } } },
        { id: 'saved', tool: 'shell', args: { command: 'terraform plan -out=p && terraform apply p', env: { TF_CLI_ARGS_plan: '-destroy' } } },
        { id: 'quiet', tool: 'shell', args: { command: 'terraform plan', env: { TF_CLI_ARGS: '-no-color' } } },
        { id: 'applied', tool: 'shell', args: { command: 'terraform apply -auto-approve', env: { TF_CLI_ARGS_apply: '{{ inputs.mode }}' } } },
      ]),
      { parseShell },
    );
    expect(risk.steps.bare?.level).toBe('destroy');
    expect(risk.steps.workspace?.level).toBe('destroy');
    expect(risk.steps.filled?.level).toBe('destroy');
    expect(risk.steps.saved?.level).toBe('destroy');
    expect(risk.steps.quiet?.level).toBe('read');
    expect(risk.steps.applied?.level).toBe('destroy');
  });
});
