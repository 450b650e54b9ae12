import { describe, expect, it } from 'vitest';
import { classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// terraform's and tofu's reading commands, and the options and subcommands that make them write or destroy.

const classify = (command: string) => classifyShell(command, parseShell);

describe('classifyShell: terraform plan', () => {
  it.each<[string, RiskLevel]>([
    ['terraform plan', 'read'],
    ['terraform plan -destroy', 'read'],
    ['terraform plan -input=false -var=region=eu', 'read'],
    ['terraform plan -outline', 'read'],
    ['terraform show -json tfplan', 'read'],
    // -out saves the plan (Go flags: one dash or two, the value after = or as the next word).
    ['terraform plan -out=p', 'write'],
    ['terraform plan -out p', 'write'],
    ['terraform plan -out=tfplan', 'write'],
    ['terraform plan --out=tfplan', 'write'],
    ['terraform plan -out=p -destroy', 'write'],
    ['terraform plan -destroy -out=p', 'write'],
    ['terraform -chdir=infra plan -out=p', 'write'],
    ['terraform plan -var="region=$REGION" -out=p', 'write'],
    ['terraform plan -generate-config-out=generated.tf', 'write'],
    ['tofu plan -out=p', 'write'],
    ['sudo terraform plan -out=p', 'write'],
    ['timeout 600 terraform plan -out p', 'write'],
    ["sh -c 'terraform plan -out=p'", 'write'],
    ['f() { terraform plan -out=p; }; f', 'write'],
    ['cd infra && terraform plan -out=tfplan && terraform show tfplan', 'write'],
    ['terraform apply --destroy', 'destroy'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });
});
