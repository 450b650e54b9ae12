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

describe('classifyShell: terraform apply of a plan the line saves with plan -destroy', () => {
  it.each<[string, RiskLevel]>([
    // Applying the saved destroy plan destroys what it lists, as terraform destroy does.
    ['terraform plan -destroy -out=p && terraform apply p', 'destroy'],
    ['terraform plan -destroy -out p && terraform apply p', 'destroy'],
    ['terraform plan -out=p -destroy; terraform apply -auto-approve p', 'destroy'],
    ['terraform plan --destroy --out=tfplan && terraform apply tfplan', 'destroy'],
    ['terraform plan -destroy=true -out=p && terraform apply p', 'destroy'],
    ['tofu plan -destroy -out=p && tofu apply p', 'destroy'],
    ['sudo terraform plan -destroy -out=p && sudo terraform apply p', 'destroy'],
    ['timeout 600 terraform plan -destroy -out=p && env TF_LOG=1 terraform apply p', 'destroy'],
    ['terraform -chdir=infra plan -destroy -out=p && terraform -chdir=infra apply p', 'destroy'],
    ['terraform -chdir=infra plan -destroy -out=p && terraform apply infra/p', 'destroy'],
    ["sh -c 'terraform plan -destroy -out=p && terraform apply p'", 'destroy'],
    ['terraform plan -destroy -out=p | tee log; terraform apply p', 'destroy'],
    ['for d in a b; do terraform plan -destroy -out=p; terraform apply p; done', 'destroy'],
    // A plan file named at run time may be the destroy plan; an unquoted word may be -destroy.
    ['terraform plan -destroy -out="$P" && terraform apply "$P"', 'destroy'],
    ['terraform plan -destroy -out=p && terraform apply "$P"', 'destroy'],
    ['terraform plan $MODE -out=p && terraform apply p', 'destroy'],
    // Copied or moved into a folder: it keeps its name there, or takes one known only at run time.
    ['terraform plan -destroy -out=p && cp -t saved p && terraform apply saved/p', 'destroy'],
    ['terraform plan -destroy -out=p && mv --target-directory=saved p && terraform apply saved/p', 'destroy'],
    ['terraform plan -destroy -out=p && cp p saved/ && terraform apply saved/p', 'destroy'],
    ['terraform plan -destroy -out=p && cp -t saved "$F" && terraform apply saved/q', 'destroy'],
    ['terraform plan -destroy -out=p && mv --target-directory "$D" p && terraform apply q', 'write'],
    // Linked, or copied through a command's standard input and output.
    ['terraform plan -destroy -out=p && ln -sf p q && terraform apply q', 'destroy'],
    ['terraform plan -destroy -out=p && cat p > q && terraform apply q', 'destroy'],
    ['terraform plan -destroy -out=p; cat < p > q; terraform apply q', 'destroy'],
    ['terraform plan -destroy -out=p && tee q < p >/dev/null && terraform apply q', 'destroy'],
    ['terraform plan -destroy -out=p && cat p | tee q && terraform apply q', 'destroy'],
    ['terraform plan -destroy -out=p && pv p > q && terraform apply q', 'destroy'],
    ['terraform plan -destroy -out=p && cat p 2> q && terraform apply q', 'write'],
    ['terraform plan -destroy -out=p && cat p | gzip > q && terraform apply q', 'write'],
    ['terraform plan -destroy -out=p && mv --target-directory "$D" p && terraform apply "$D"/p', 'destroy'],
    // Another plan file, a plan that does not destroy, or an apply before the plan keep their level.
    ['terraform plan -destroy -out=p && terraform apply q', 'write'],
    ['terraform plan -destroy=false -out=p && terraform apply p', 'write'],
    ['terraform plan -out=p && terraform apply p', 'write'],
    ['terraform plan "$MODE" -out=p && terraform apply p', 'write'],
    ['terraform apply p && terraform plan -destroy -out=p', 'write'],
    ['terraform apply p', 'write'],
    // An option's value (attached, or the next word of an option that takes one) is neither a plan file nor -destroy.
    ['terraform plan -destroy -out=p && terraform apply -var k=$V', 'write'],
    ['terraform plan -destroy -out=p && terraform apply -auto-approve -target module.$M', 'write'],
    ['terraform plan -destroy -out=p && terraform apply -lock-timeout "$T"', 'write'],
    ['terraform plan -destroy -out=p && terraform apply -var k=$V p', 'destroy'],
    ['terraform plan -var="region=$R" -out=p && terraform apply p', 'write'],
    ['terraform plan -var=region=$R -out=p && terraform apply p', 'write'],
    ['terraform plan -var region=$R -out=p && terraform apply p', 'write'],
    ['terraform plan -var-file $F -out=p && terraform apply p', 'write'],
    ['terraform plan -out $P -lock-timeout=5m && terraform apply p', 'write'],
    ['terraform plan -var region=$R $MODE -out=p && terraform apply p', 'destroy'],
    ['terraform plan -"$M" -out=p && terraform apply p', 'destroy'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });

  it('names the apply and the destroy plan it applies', async () => {
    expect((await classify('tofu plan -destroy -out=p && tofu apply p')).reason).toBe('tofu apply p applies a plan the line saves with tofu plan -destroy');
    expect((await classify('terraform plan -destroy -out=p && terraform apply "$DIR/p"')).reason).toBe('terraform apply "$DIR/p": $DIR/p may be the destroy plan the line saves with terraform plan -destroy');
  });
});

describe('classifyShell: terraform apply with words known only at run time', () => {
  it.each<[string, RiskLevel]>([
    // The shell splits an unquoted value (or a list) into any words: -destroy among them.
    ['terraform apply $X', 'destroy'],
    ['terraform apply -auto-approve $ARGS', 'destroy'],
    ['terraform apply "${ARGS[@]}"', 'destroy'],
    ['terraform apply $(cat mode)', 'destroy'],
    ['terraform apply {-destroy,-auto-approve}', 'destroy'],
    ['tofu -chdir=infra apply $X', 'destroy'],
    ['sudo terraform apply -auto-approve $X p', 'destroy'],
    ['terraform apply $X/tfplan', 'destroy'],
    ['terraform apply -var$X', 'destroy'],
    // One word written as an option that a value may still make -destroy (or -destroy=true).
    ['terraform apply -"$X"', 'destroy'],
    ['terraform apply --"$X"', 'destroy'],
    ['terraform apply -d"$X"', 'destroy'],
    ['terraform apply -destroy="$X"', 'destroy'],
    ['terraform apply "${D:+-destroy}"', 'destroy'],
    // One word: an option's quoted value, or a word after --.
    ['terraform apply -var="region=$REGION"', 'write'],
    ['terraform apply -var "region=$R"', 'write'],
    ['terraform apply "-var=region=$R"', 'write'],
    ['terraform apply -var-file="$F"', 'write'],
    ['terraform apply -state-out="$S" -auto-approve', 'write'],
    ['terraform apply -var"$X"', 'write'],
    // A quoted word is one word, and that word may be -destroy; one whose written text makes it a path is not.
    ['terraform apply "$PLAN"', 'destroy'],
    ['terraform apply "$DIR/tfplan"', 'write'],
    ['terraform apply -auto-approve -- $X', 'write'],
    ['terraform apply -auto-approve', 'write'],
    ['terraform plan $X', 'write'],
    // Written as another option with its value: that option, whatever the value (the step's author sets it).
    ['terraform apply -lock-timeout=$T -auto-approve', 'write'],
    ['terraform apply -parallelism=$(nproc) -auto-approve', 'write'],
    ['terraform apply -parallelism=$N', 'write'],
    ['terraform apply -state=$S', 'write'],
    ['terraform apply -target=module.$M', 'write'],
    ['terraform apply -var=$R', 'write'],
    ['terraform apply -var="region=$R"$X', 'write'],
    ["terraform apply '-var-file='$F", 'write'],
    ['tofu apply --backup=$(date +%s).tfstate', 'write'],
    // A backquoted value after written text is one word with it, as $(…) is.
    ['terraform apply --backup=`date +%s`.tfstate', 'write'],
    ['terraform apply -state-out=state/`date +%s`.tfstate -auto-approve', 'write'],
    ['terraform apply -var=stamp="`date`"', 'write'],
    // The value of an option that takes the next word, or a path that starts with a written name.
    ['terraform apply -var k=$V', 'write'],
    ['terraform apply -target module.$M -auto-approve', 'write'],
    ['terraform apply ~/plans/$P', 'write'],
    ['terraform apply plans/$P', 'write'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });

  it('names the word known only at run time', async () => {
    expect((await classify('terraform apply -auto-approve $ARGS')).reason).toBe('terraform apply with $ARGS known only at run time (may be -destroy)');
  });
});

describe('classifyShell: terraform apply -destroy with a value', () => {
  it.each<[string, RiskLevel]>([
    // Go's flags read 0, f, F, false, FALSE and False as false, and take the last of the flag's settings.
    ['terraform apply -destroy=false', 'write'],
    ['terraform apply --destroy=False -auto-approve', 'write'],
    ['terraform apply -destroy=0', 'write'],
    ['tofu apply -destroy=f', 'write'],
    ['terraform apply -destroy -destroy=FALSE', 'write'],
    ['terraform apply -destroy=true', 'destroy'],
    ['terraform apply -destroy=T', 'destroy'],
    ['terraform apply -destroy=1', 'destroy'],
    ['terraform apply -destroy=false -destroy', 'destroy'],
    ['terraform apply -destroy=false --destroy=true', 'destroy'],
    // Not a spelling Go reads as false.
    ['terraform apply -destroy=no', 'destroy'],
    ['terraform apply -destroy=', 'destroy'],
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
    // workspace delete throws the workspace's state away (-force: even while it tracks resources), as state rm does.
    ['terraform workspace delete staging', 'destroy'],
    ['terraform workspace delete -force staging', 'destroy'],
    ['terraform workspace -force delete staging', 'destroy'],
    ['tofu workspace delete staging', 'destroy'],
    ['terraform -chdir=infra workspace delete staging', 'destroy'],
    ['terraform env delete staging', 'destroy'],
    ['terraform workspace $OP', 'destroy'],
    ['terraform env list', 'write'],
    ['terraform workspace list', 'read'],
    ['terraform workspace show', 'read'],
    ['tofu workspace list', 'read'],
    ['sudo terraform workspace list', 'read'],
    ['terraform workspace new staging', 'write'],
    ['terraform workspace select staging', 'write'],
    ['terraform workspace "$W" staging', 'destroy'],
    ['terraform workspace list; terraform workspace delete staging', 'destroy'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });
});

describe('classifyShell: terraform help', () => {
  it.each<[string, RiskLevel]>([
    // Help flags anywhere before --, terraform alone, terraform help and workspace alone print help and run nothing.
    ['terraform', 'read'],
    ['terraform -help', 'read'],
    ['terraform -h', 'read'],
    ['terraform --help', 'read'],
    ['terraform help', 'read'],
    ['terraform help apply', 'read'],
    ['terraform workspace', 'read'],
    ['terraform workspace -help', 'read'],
    ['terraform workspace delete -help', 'read'],
    ['terraform apply -help', 'read'],
    ['terraform apply -help -auto-approve', 'read'],
    ['terraform apply -auto-approve -help', 'read'],
    ['terraform -chdir=infra apply -help', 'read'],
    ['terraform destroy -help', 'read'],
    ['terraform state rm -help x', 'read'],
    ['tofu destroy --help', 'read'],
    ['sudo terraform apply -help', 'read'],
    ["sh -c 'terraform apply -h'", 'read'],
    // After --, with -install-autocomplete (it edits the shell's start-up file), or with a word known only at run time: as before.
    ['terraform apply -- -help', 'write'],
    // $X may be `-destroy --`, which makes -help a plan file's name.
    ['terraform apply $X -help', 'destroy'],
    ['terraform apply -help "$X"', 'write'],
    ['terraform "$X" -help', 'destroy'],
    ['terraform apply -help -install-autocomplete', 'write'],
    ['terraform -install-autocomplete', 'write'],
    ['terraform workspace "$W"', 'write'],
    ['terraform apply', 'write'],
    ['terraform destroy', 'destroy'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });

  it('says it prints help', async () => {
    expect((await classify('terraform apply -help -auto-approve')).reason).toBe('terraform apply -help only prints help');
    expect((await classify('terraform')).reason).toBe('terraform without a subcommand prints help');
  });

  it('names the subcommand whose help it prints', async () => {
    expect((await classify('terraform workspace delete -help')).reason).toBe('terraform workspace delete -help only prints help');
    expect((await classify('terraform -chdir=infra state rm -help x')).reason).toBe('terraform state rm -help only prints help');
    expect((await classify('terraform workspace -help delete')).reason).toBe('terraform workspace -help only prints help');
    expect((await classify('terraform workspace staging -help')).reason).toBe('terraform workspace -help only prints help');
  });
});

describe('classifyShell: terraform -version', () => {
  it.each<[string, RiskLevel]>([
    // Before any subcommand, -version, -v and --version run terraform version.
    ['terraform -version', 'read'],
    ['terraform -v', 'read'],
    ['terraform --version', 'read'],
    ['tofu -version', 'read'],
    ['sudo terraform -v', 'read'],
    ["sh -c 'terraform --version'", 'read'],
    ['terraform -chdir=infra -version', 'read'],
    ['terraform version', 'read'],
    // With a subcommand, with -install-autocomplete or a word known only at run time: as before.
    ['terraform -v destroy', 'destroy'],
    ['terraform -v "$X"', 'destroy'],
    ['terraform -version -install-autocomplete', 'write'],
    ['TF_CLI_ARGS=destroy terraform -version', 'destroy'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });

  it('names the program and the option as written', async () => {
    expect((await classify('terraform -v')).reason).toBe('terraform -v only prints the version');
    expect((await classify('tofu -help')).reason).toBe('tofu -help only prints help');
    expect((await classify('tofu apply -h')).reason).toBe('tofu apply -h only prints help');
    expect((await classify('tofu')).reason).toBe('tofu without a subcommand prints help');
    expect((await classify('tofu destroy')).reason).toBe('tofu destroy');
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
    ['terraform -chdir=$D $X', 'destroy'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });

  it.each<[string, RiskLevel]>([
    // `-chdir=…` with its folder known only at run time, in any quoting, is an option: the next word is the subcommand.
    ['terraform -chdir="$DIR" destroy -auto-approve', 'destroy'],
    ['terraform "-chdir=$DIR" destroy', 'destroy'],
    ["terraform '-chdir='\"$DIR\" destroy", 'destroy'],
    ['terraform -chdir=$DIR destroy', 'destroy'],
    ['tofu -chdir="$DIR" destroy', 'destroy'],
    ['tofu --chdir="$DIR" destroy', 'destroy'],
    ['terraform -chdir="$DIR" apply -destroy', 'destroy'],
    ['terraform -chdir="$DIR" state rm x', 'destroy'],
    ['terraform -chdir="${DIR}/infra" destroy', 'destroy'],
    ['sudo terraform -chdir="$DIR" destroy', 'destroy'],
    ['terraform -chdir="$DIR" workspace delete prod', 'destroy'],
    ['terraform -chdir="$DIR" apply', 'write'],
    ['terraform -chdir="$DIR" plan', 'read'],
    ['terraform -chdir="$(git rev-parse --show-toplevel)/infra" plan', 'read'],
    ['terraform -chdir="$DIR" -help', 'read'],
    ['terraform -chdir="$DIR" -version', 'read'],
    // Unquoted, the value may split (into -out=p too); the option's value is the step's author's.
    ['terraform -chdir=$DIR plan', 'write'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });

  it('says the subcommand is chosen at run time', async () => {
    expect((await classify('terraform "$X"')).reason).toContain('subcommand chosen at run time');
  });
});
