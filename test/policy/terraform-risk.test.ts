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

describe('classifyShell: terraform state and the commands that change it', () => {
  it.each<[string, RiskLevel]>([
    ['terraform state list', 'read'],
    ['terraform state show aws_instance.web', 'read'],
    ['terraform state pull', 'read'],
    ['terraform state', 'read'],
    ['terraform state -help', 'read'],
    // push overwrites the remote state with a local file; rm and replace-provider change what it tracks.
    ['terraform state push f.tfstate', 'destroy'],
    ['terraform state push -force f.tfstate', 'destroy'],
    ['terraform state pull | terraform state push -', 'destroy'],
    ['terraform -chdir=infra state push f.tfstate', 'destroy'],
    ['tofu state push f.tfstate', 'destroy'],
    ['sudo terraform state push f.tfstate', 'destroy'],
    ["sh -c 'terraform state push f.tfstate'", 'destroy'],
    ['f() { terraform state push "$1"; }; f f.tfstate', 'destroy'],
    ['terraform state list && terraform state push f.tfstate', 'destroy'],
    ['terraform state rm aws_instance.web', 'destroy'],
    ['terraform state -lock=false rm aws_instance.web', 'destroy'],
    ['terraform state replace-provider a b', 'destroy'],
    ['terraform state "$OP" aws_instance.web', 'destroy'],
    ['terraform state mv a b', 'write'],
    ['terraform state unknown-sub', 'write'],
    ['terraform import aws_instance.web i-123', 'write'],
    ['terraform taint aws_instance.web', 'write'],
    ['terraform untaint aws_instance.web', 'write'],
    ['terraform force-unlock 123', 'write'],
    ['terraform workspace delete staging', 'write'],
    ['terraform workspace list', 'read'],
    ['terraform workspace show', 'read'],
    ['tofu workspace list', 'read'],
    ['sudo terraform workspace list', 'read'],
    ['terraform workspace new staging', 'write'],
    ['terraform workspace select staging', 'write'],
    ['terraform workspace "$W" staging', 'write'],
    ['terraform workspace', 'write'],
    ['terraform workspace list; terraform workspace delete staging', 'write'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });
});

describe('classifyShell: terraform providers', () => {
  it.each<[string, RiskLevel]>([
    ['terraform providers', 'read'],
    ['terraform providers schema -json', 'read'],
    // lock writes .terraform.lock.hcl, mirror fills the directory it is given.
    ['terraform providers lock', 'write'],
    ['terraform providers lock -platform=linux_amd64', 'write'],
    ['terraform providers mirror ./mirror', 'write'],
    ['terraform -chdir=infra providers lock', 'write'],
    ['tofu providers lock', 'write'],
    ['sudo terraform providers lock', 'write'],
    ["sh -c 'terraform providers mirror ./mirror'", 'write'],
    ['terraform providers "$SUB"', 'write'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });
});

describe('classifyShell: terraform with a subcommand chosen at run time', () => {
  it.each<[string, RiskLevel]>([
    // "$X" may be destroy, or apply with -destroy after it.
    ['terraform "$X"', 'destroy'],
    ['terraform "$X" -auto-approve', 'destroy'],
    ['terraform $X', 'destroy'],
    ['tofu "$X"', 'destroy'],
    ['sudo terraform "$X"', 'destroy'],
    ['timeout 600 terraform "$X"', 'destroy'],
    ["sh -c 'terraform \"$X\"'", 'destroy'],
    ['terraform plan && terraform "$X"', 'destroy'],
    ['terraform -chdir="$D" "$X"', 'destroy'],
    // Unquoted, the value splits: -chdir=x destroy.
    ['terraform -chdir=$D plan', 'destroy'],
    // Quoted, the option's value stays one word.
    ['terraform -chdir="$D" plan', 'write'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });

  it('says the subcommand is chosen at run time', async () => {
    expect((await classify('terraform "$X"')).reason).toContain('subcommand chosen at run time');
  });
});
