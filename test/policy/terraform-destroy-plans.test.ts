import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { assessPlanRisk } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// A destroy plan saved by one step (terraform plan -destroy -out=f) and applied by another destroys what it lists.

type Steps = PlanInput['steps'];
const shell = (id: string, command: string, more: Record<string, unknown> = {}, dependsOn: string[] = []): Steps[number] => ({ id, tool: 'shell', args: { command, ...more }, ...(dependsOn.length > 0 ? { dependsOn } : {}) });
const levelOf = async (steps: Steps, id = 'apply') => {
  const risk = await assessPlanRisk(PlanSchema.parse({ goal: 'teardown', steps }), { parseShell, workspace: '/srv/app' });
  return risk.steps[id];
};

describe('assessPlanRisk: terraform apply of a destroy plan another step saves', () => {
  it.each<[string, 'destroy' | 'write', Steps]>([
    ['saved, then applied', 'destroy', [shell('plan', 'terraform plan -destroy -out=teardown.tfplan'), shell('apply', 'terraform apply teardown.tfplan', {}, ['plan'])]],
    ['applied in a step listed first', 'destroy', [shell('apply', 'tofu apply p'), shell('plan', 'tofu plan -destroy -out p')]],
    ['moved by a step between', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('move', 'mv p final.tfplan'), shell('apply', 'terraform apply -auto-approve final.tfplan')]],
    ['copied twice', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cp p q'), shell('again', 'cp q r'), shell('apply', 'terraform apply r')]],
    ['in the same cwd', 'destroy', [shell('plan', 'terraform plan -destroy -out=p', { cwd: 'infra' }), shell('apply', 'terraform apply p', { cwd: './infra/' })]],
    ['from the root by its path', 'destroy', [shell('plan', 'terraform plan -destroy -out=p', { cwd: 'infra' }), shell('apply', 'terraform apply infra/p')]],
    ['after a cd', 'destroy', [shell('plan', 'cd infra && terraform plan -destroy -out=p'), shell('apply', 'terraform apply p', { cwd: 'infra' })]],
    ['by -chdir', 'destroy', [shell('plan', 'terraform -chdir=infra plan -destroy -out=p'), shell('apply', 'terraform -chdir=infra apply p')]],
    ['by its absolute path', 'destroy', [shell('plan', 'terraform plan -destroy -out=/srv/app/p'), shell('apply', 'terraform apply p')]],
    ['in a cwd known only at run time', 'destroy', [shell('plan', 'terraform plan -destroy -out=p', { cwd: '{{ inputs.dir }}' }), shell('apply', 'terraform apply p', { cwd: 'infra' })]],
    ['saved under a name known only at run time', 'destroy', [shell('plan', 'terraform plan -destroy -out="$PLAN"'), shell('apply', 'terraform apply q')]],
    ['applied by a name known only at run time', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('apply', 'terraform apply "$PLAN"')]],
    ["made a destroy plan by the step's env", 'destroy', [shell('plan', 'terraform plan -out=p', { env: { TF_CLI_ARGS_plan: '-destroy' } }), shell('apply', 'terraform apply p')]],
    ['made a destroy plan by the line', 'destroy', [shell('plan', 'export TF_CLI_ARGS=-destroy; terraform plan -out=p'), shell('apply', 'terraform apply p')]],
    ['by the rollback', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), { id: 'apply', tool: 'shell', args: { command: 'true' }, rollback: { tool: 'shell', args: { command: 'terraform apply p' } } }]],
    ['applied by a quoted name known only at run time', 'destroy', [shell('plan', 'terraform -chdir=infra plan -destroy -out=p'), shell('apply', 'terraform apply -auto-approve "$PLAN"', { cwd: 'other' })]],
    // Copied or moved into a folder, where it keeps its name.
    ['copied into a folder by -t', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cp -t saved p'), shell('apply', 'terraform apply saved/p')]],
    ['moved into a folder by -t', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('move', 'mv -t saved p'), shell('apply', 'terraform apply saved/p')]],
    ['moved by --target-directory=', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('move', 'mv --target-directory=saved p'), shell('apply', 'terraform apply saved/p')]],
    ['copied by --target-directory DIR', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cp --target-directory saved p'), shell('apply', 'terraform apply saved/p')]],
    ['copied by a prefix of --target-directory', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cp --target=saved p'), shell('apply', 'terraform apply saved/p')]],
    ['copied by -t in a group of flags', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cp -vt saved p other'), shell('apply', 'terraform apply saved/p')]],
    ['copied by -tDIR', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cp -tsaved p'), shell('apply', 'terraform apply saved/p')]],
    ['installed by -t after -m', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'sudo install -m 600 -t saved p'), shell('apply', 'terraform apply saved/p')]],
    ['copied by -t from its cwd', 'destroy', [shell('plan', 'terraform plan -destroy -out=p', { cwd: 'infra' }), shell('copy', 'cp -t /srv/app/saved p', { cwd: 'infra' }), shell('apply', 'terraform apply saved/p')]],
    ['copied into a folder named at run time', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cp -t "$DIR" p'), shell('apply', 'terraform apply saved/p')]],
    ['copied into a folder by a trailing /', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cp p saved/'), shell('apply', 'terraform apply saved/p')]],
    ['moved with another file into a folder', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('move', 'mv other p saved'), shell('apply', 'terraform apply saved/p')]],
    // Linked, or copied through a command's standard input and output.
    ['linked by ln -s', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('link', 'ln -s p q'), shell('apply', 'terraform apply q')]],
    ['linked by ln', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('link', 'ln p q'), shell('apply', 'terraform apply q')]],
    ['linked by ln -sf', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('link', 'ln -sf p q'), shell('apply', 'terraform apply q')]],
    ['copied by rsync', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'rsync p q'), shell('apply', 'terraform apply q')]],
    ['copied by cat p > q', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cat p > q'), shell('apply', 'terraform apply q')]],
    ['copied by cat < p > q', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cat < p > q'), shell('apply', 'terraform apply q')]],
    ['appended by cat p >> q', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'sudo cat p >> q'), shell('apply', 'terraform apply q')]],
    ['copied by dd if=p of=q', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'dd if=p of=q bs=1M'), shell('apply', 'terraform apply q')]],
    ['copied by dd if=p > q', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'dd if=p > q'), shell('apply', 'terraform apply q')]],
    ['copied by tee q < p', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'tee q < p'), shell('apply', 'terraform apply q')]],
    ['copied through a pipe into tee', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cat p | tee q >/dev/null'), shell('apply', 'terraform apply q')]],
    ['copied through a pipe into a redirection', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cat p | cat > q'), shell('apply', 'terraform apply q')]],
    ['copied by a group redirected', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', '{ cat p; } > q'), shell('apply', 'terraform apply q')]],
    ['copied in bash -c', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', "bash -c 'cat p > q'"), shell('apply', 'terraform apply q')]],
    ['copied to a name known only at run time', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cat p > "$OUT"'), shell('apply', 'terraform apply q')]],
    // Applied by code handed to a shell.
    ['applied in bash -c', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('apply', "bash -c 'terraform apply p'")]],
    ['applied in sh -c', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('apply', 'sh -c "terraform apply -auto-approve p"')]],
    ['applied in sudo bash -c', 'destroy', [shell('plan', 'terraform plan -destroy -out=p', { cwd: 'infra' }), shell('apply', "sudo bash -c 'cd infra && terraform apply p'")]],
    ['applied in su -c', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('apply', "su -c 'terraform apply p' deploy")]],
    ['applied in bash -c after a save on the line', 'destroy', [shell('apply', "terraform plan -destroy -out=p && bash -c 'terraform apply p'")]],
    // Plans the plan cannot tie to a destroy plan keep their level.
    ['another file applied in bash -c', 'write', [shell('plan', 'terraform plan -destroy -out=p'), shell('apply', "bash -c 'terraform apply q'")]],
    ['the error stream redirected', 'write', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cat p 2> q'), shell('apply', 'terraform apply q')]],
    ['changed on its way', 'write', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'gzip -c p > q'), shell('apply', 'terraform apply q')]],
    ['changed in a pipe', 'write', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cat p | gzip > q'), shell('apply', 'terraform apply q')]],
    ['another file redirected', 'write', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cat other > q'), shell('apply', 'terraform apply q')]],
    ['another file', 'write', [shell('plan', 'terraform plan -destroy -out=p'), shell('apply', 'terraform apply q')]],
    ['the same name in another folder', 'write', [shell('plan', 'terraform plan -destroy -out=p', { cwd: 'infra' }), shell('apply', 'terraform apply p', { cwd: 'other' })]],
    ['a plan that does not destroy', 'write', [shell('plan', 'terraform plan -out=p'), shell('apply', 'terraform apply p')]],
    ['another file copied', 'write', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cp other q'), shell('apply', 'terraform apply q')]],
    ['another file copied into a folder', 'write', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cp -t saved other'), shell('apply', 'terraform apply saved/p')]],
    ['copied into another folder', 'write', [shell('plan', 'terraform plan -destroy -out=p'), shell('copy', 'cp -t saved p'), shell('apply', 'terraform apply kept/p')]],
    // A quoted name starting with ./ is a plan file; "$PLAN" alone may be -destroy itself.
    ['a quoted name known only at run time, no destroy plan', 'write', [shell('plan', 'terraform plan -out=p'), shell('apply', 'terraform apply "./$PLAN"')]],
    // An option's value (attached, or the next word of an option that takes one) is neither a plan file nor -destroy.
    ['a -var value known only at run time', 'write', [shell('plan', 'terraform plan -destroy -out=p'), shell('apply', 'terraform apply -var k=$V')]],
    ['a -target value known only at run time', 'write', [shell('plan', 'terraform plan -destroy -out=p'), shell('apply', 'terraform apply -target "module.$M" -auto-approve')]],
    ['a -state file', 'write', [shell('plan', 'terraform plan -destroy -out=p'), shell('apply', 'terraform apply -state p')]],
    ['a -var value beside the plan file', 'destroy', [shell('plan', 'terraform plan -destroy -out=p'), shell('apply', 'terraform apply -var k=$V p')]],
    ['a plan with a quoted -var value', 'write', [shell('plan', 'terraform plan -var="region=$R" -out=p'), shell('apply', 'terraform apply p')]],
    ['a plan with an unquoted -var value', 'write', [shell('plan', 'terraform plan -var=region=$R -out=p'), shell('apply', 'terraform apply p')]],
    ['a plan with a -var value as the next word', 'write', [shell('plan', 'terraform plan -var region=$R -out p'), shell('apply', 'terraform apply p')]],
    ['a plan saved by -out $P', 'write', [shell('plan', 'terraform plan -out $P'), shell('apply', 'terraform apply p')]],
    ['a plan with a word that may be -destroy', 'destroy', [shell('plan', 'terraform plan -var region=$R $MODE -out=p'), shell('apply', 'terraform apply p')]],
    // Saved or copied by code a line hands to a shell, then applied by the same line.
    ['saved in bash -c, applied after it', 'destroy', [shell('apply', "bash -c 'terraform plan -destroy -out=c5.p'; terraform apply c5.p")]],
    ['saved in sh -c, applied after it by &&', 'destroy', [shell('apply', "sh -c 'cd infra && terraform plan -destroy -out=c6.p' && terraform -chdir=infra apply c6.p")]],
    ['saved in eval, applied after it', 'destroy', [shell('apply', "eval 'terraform plan -destroy -out=c7.p' && terraform apply c7.p")]],
    ['copied in bash -c after a save on the line', 'destroy', [shell('apply', "terraform plan -destroy -out=b6.p; bash -c 'cat b6.p > b6.q'; terraform apply b6.q")]],
    ['copied by bash -c to its redirection', 'destroy', [shell('apply', "terraform plan -destroy -out=b7.p; bash -c 'cat b7.p' > b7.q; terraform apply b7.q")]],
    ['copied by sudo sh -c from its pipe', 'destroy', [shell('apply', "terraform plan -destroy -out=b8.p; cat b8.p | sudo sh -c 'cat > b8.q'; terraform apply b8.q")]],
    ['saved in bash -c, another file applied', 'write', [shell('apply', "bash -c 'terraform plan -destroy -out=c8.p'; terraform apply other.p")]],
    ['saved in bash -c, applied before it', 'write', [shell('apply', "terraform apply c9.p; bash -c 'terraform plan -destroy -out=c9.p'")]],
    // A value the shell splits gives more words: one may be the plan file.
    ['a -var value the line splits into the plan file', 'destroy', [shell('plan', 'terraform plan -destroy -out=d.tfplan'), shell('apply', "V='1 d.tfplan'; terraform apply -var k=$V")]],
    ["a -var value the step's env splits into the plan file", 'destroy', [shell('plan', 'terraform plan -destroy -out=d.tfplan'), shell('apply', 'terraform apply -var k=$V', { env: { V: '1 d.tfplan' } })]],
    ['a -var value from an unquoted $(…)', 'destroy', [shell('plan', 'terraform plan -destroy -out=d.tfplan'), shell('apply', 'terraform apply -var k=$(cat vars)')]],
    ['a -target value from backquotes', 'destroy', [shell('plan', 'terraform plan -destroy -out=d.tfplan'), shell('apply', 'terraform apply -target `cat targets`')]],
    ['a -var value the line keeps one word', 'write', [shell('plan', 'terraform plan -destroy -out=d.tfplan'), shell('apply', "V='1 d.tfplan'; terraform apply -var \"k=$V\"")]],
    ['a -var value from a quoted $(…)', 'write', [shell('plan', 'terraform plan -destroy -out=d.tfplan'), shell('apply', 'terraform apply -var "k=$(cat vars)"')]],
    ['a -var value of one word', 'write', [shell('plan', 'terraform plan -destroy -out=d.tfplan'), shell('apply', 'V=1; terraform apply -var k=$V')]],
    // The line saves the plan it applies, one that does not destroy, just before.
    ['a plan the line saves under the same name', 'write', [shell('other', 'terraform plan -destroy -out=teardown.tfplan'), shell('apply', 'terraform plan -out "./$PLANFILE" -var-file=prod.tfvars && terraform apply "./$PLANFILE"')]],
    ['a plan the line saves by -out= under the same name', 'write', [shell('other', 'terraform plan -destroy -out=teardown.tfplan'), shell('apply', 'terraform plan -out="./${PLANFILE}" && terraform apply -auto-approve "./$PLANFILE"')]],
    ['a plan the line saves over the destroy plan', 'write', [shell('other', 'terraform plan -destroy -out=p'), shell('apply', 'terraform plan -out=p && terraform apply p')]],
    ['a plan saved in bash -c, applied after it', 'write', [shell('other', 'terraform plan -destroy -out=p'), shell('apply', "bash -c 'terraform plan -out=p' && terraform apply p")]],
    ['a plan saved before ; (a failed plan leaves the old file)', 'destroy', [shell('other', 'terraform plan -destroy -out=teardown.tfplan'), shell('apply', 'terraform plan -out "$PLANFILE"; terraform apply "$PLANFILE"')]],
    ['a plan saved before ||', 'destroy', [shell('other', 'terraform plan -destroy -out=teardown.tfplan'), shell('apply', 'terraform plan -out "$P" || terraform apply "$P"')]],
    ['a plan saved in a pipe', 'destroy', [shell('other', 'terraform plan -destroy -out=teardown.tfplan'), shell('apply', 'terraform plan -out "$P" | tee log && terraform apply "$P"')]],
    ['a plan saved under another name', 'destroy', [shell('other', 'terraform plan -destroy -out=teardown.tfplan'), shell('apply', 'terraform plan -out "$Q" && terraform apply "$P"')]],
    ['a plan saved, then a cd', 'destroy', [shell('other', 'terraform plan -destroy -out=teardown.tfplan'), shell('apply', 'terraform plan -out "$P" && cd infra && terraform apply "$P"')]],
    ['a plan saved, then a copy over it', 'destroy', [shell('other', 'terraform plan -destroy -out=teardown.tfplan'), shell('apply', 'terraform plan -out "$P" && cp teardown.tfplan "$P" && terraform apply "$P"')]],
    ['a plan saved, then its name changed', 'destroy', [shell('other', 'terraform plan -destroy -out=teardown.tfplan'), shell('apply', 'terraform plan -out "$P" && P=teardown.tfplan && terraform apply "$P"')]],
    ['a plan saved under a name from $(…)', 'destroy', [shell('other', 'terraform plan -destroy -out=teardown.tfplan'), shell('apply', 'terraform plan -out "$(mktemp)" && terraform apply "$(mktemp)"')]],
    ['a plan saved under a name from $RANDOM', 'destroy', [shell('other', 'terraform plan -destroy -out=teardown.tfplan'), shell('apply', 'terraform plan -out "p$RANDOM" && terraform apply "p$RANDOM"')]],
    ['a plan saved in another -chdir', 'destroy', [shell('other', 'terraform plan -destroy -out=p'), shell('apply', 'terraform -chdir=infra plan -out=p && terraform apply p')]],
  ])('%s: %s', async (_name, level, steps) => {
    const risk = await levelOf(steps);
    expect(risk?.level, risk?.reason).toBe(level);
  });

  it('names the step that saves the destroy plan', async () => {
    const risk = await levelOf([shell('plan', 'terraform plan -destroy -out=teardown.tfplan'), shell('apply', 'terraform apply teardown.tfplan', {}, ['plan'])]);
    expect(risk?.reason).toBe('terraform apply teardown.tfplan applies a destroy plan step plan saves (terraform plan -destroy)');
  });

  it('names the plan file known only at run time and the step that may have saved it', async () => {
    const risk = await levelOf([shell('plan', 'terraform plan -destroy -out=teardown.tfplan'), shell('apply', 'terraform apply "./$P"')]);
    expect(risk?.reason).toBe('terraform apply "./$P": ./$P may be the destroy plan saved by step plan (terraform plan -destroy)');
  });
});
