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

describe('code a line runs later or beside itself', () => {
  it('trap strings and coproc commands meet the deny rules, behind wrappers and in sh -c too', async () => {
    const denied = [
      "trap 'touch /tmp/denied110' EXIT",
      "trap -- 'touch /tmp/denied110' EXIT INT",
      'trap "rm -rf /var/x" EXIT',
      "sh -c \"trap 'touch /tmp/denied1' EXIT\"",
      "trap 'sh -c \"kubectl delete pod web\"' EXIT",
      'coproc X { touch /tmp/denied118; }; wait',
      'coproc { touch /tmp/denied118; }',
      'coproc touch /tmp/denied118',
      'coproc kubectl delete pod web',
      'coproc X { echo hi; kubectl delete pod web; }',
      'coproc X while true; do touch /tmp/denied2; done',
      'coproc sudo rm -rf /var/x',
      'f() { coproc touch /tmp/denied3; }; f',
    ];
    for (const line of denied) expect((await decisions([shell('s', line)])).s, line).toBe('deny');
  });

  it('touch -- and parallel\'s inputs are the commands they run', async () => {
    const denied = ['touch -- /tmp/denied1', 'sudo touch -- /tmp/denied1', 'parallel touch ::: /tmp/denied1 /tmp/ok', 'parallel touch {}.x ::: /tmp/denied1', 'parallel -j2 rm -rf ::: /var/x'];
    for (const line of denied) expect((await decisions([shell('s', line)])).s, line).toBe('deny');
  });

  it('a trap that only lists or resets, and a coproc of something else, are let through', async () => {
    for (const line of ['trap - EXIT', 'trap -p', "trap 'touch /tmp/ok' EXIT", 'coproc X { touch /tmp/ok; }', 'touch -- /tmp/ok', 'parallel touch ::: /tmp/ok']) expect((await decisions([shell('s', line)])).s, line).toBe('allow');
  });
});

describe('a quoted ;, && or | is text', () => {
  it('a line that only prints it is not denied', async () => {
    for (const line of ["echo 'cleanup; rm -rf /tmp/x'", "printf '%s\\n' 'a && rm -rf /tmp/y'", 'echo "$(date); rm -rf /var"', 'echo "a | rm -rf /x"', "grep 'a; rm -rf /x' notes.txt"]) {
      expect((await decisions([shell('s', line)])).s, line).toBe('allow');
    }
  });

  it('a line that really runs rm -rf /x, or may run the quoted text, is still denied', async () => {
    const denied = [
      "echo 'a; rm -rf /x' | sh",
      "echo 'a; rm -rf /x' > d.sh && sh d.sh",
      "echo 'a; rm -rf /x' > d.sh",
      "echo 'a; rm -rf /x' > d.sh; chmod +x d.sh; ./d.sh",
      "ssh host 'cd /; rm -rf /x'",
      "docker exec c sh -c 'cd /; rm -rf /x'",
      "awk 'BEGIN{system(\"ls; rm -rf /x\")}'",
      "git rebase -x 'ls; rm -rf /x' main",
      "python3 -c 'import os; os.system(\"ls; rm -rf /x\")'",
      'echo $(rm -rf /x)',
      'echo "$(rm -rf /x)"',
      'echo `rm -rf /x`',
      "echo 'a'; rm -rf /x",
      'echo hi && rm -rf /x',
      "bash <<< 'ls; rm -rf /x'",
      "eval 'ls; rm -rf /x'",
      "x='ls; rm -rf /x'; eval \"$x\"",
    ];
    for (const line of denied) expect((await decisions([shell('s', line)])).s, line).toBe('deny');
  });

  it('a script of the plan run by path is split at its quoted ; too', async () => {
    expect((await decisions([write('deploy.sh', "echo 'a; rm -rf /x' | sh\n"), shell('r', './deploy.sh', { dependsOn: ['w'] })])).r).toBe('deny');
  });
});

describe('a command with option words between the program and what it acts on', () => {
  it('meets a deny rule written without them, behind wrappers, in sh -c, lists, functions and loops', async () => {
    const denied = [
      'touch -c /tmp/denied1',
      'sudo touch -c -- /tmp/denied1',
      'sudo -u root touch -c /tmp/denied1',
      'touch --no-create /tmp/denied1',
      'touch -d 2020-01-01 /tmp/denied1',
      'touch -r ref -c /tmp/denied1',
      "env A=1 timeout 5 touch -m '/tmp/denied1'",
      "sh -c 'touch -c /tmp/denied1'",
      'true; touch -a /tmp/denied1',
      'echo x | sudo touch -c /tmp/denied1',
      'f() { touch -c /tmp/denied1; }; f',
      'for i in 1; do touch -c /tmp/denied1; done',
    ];
    for (const line of denied) expect((await decisions([shell('s', line)])).s, line).toBe('deny');
    expect((await decisions([shell('s', 'touch -c /tmp/other')])).s).toBe('allow');
  });

  it('an ask rule holds it too, and an allow rule still covers only the line as written', async () => {
    const policy = parsePolicy('ask:\n  - shell: "touch /tmp/held*"\nallow:\n  - shell: "touch /tmp/ok"\n', '/srv/app/.ksa/policy.yaml');
    const decide = async (line: string) => (await assessPolicy(plan([shell('s', line)]), policy, 'read', options)).decision.steps[0]!;
    expect((await decide('sudo touch -c -- /tmp/held1')).decision).toBe('ask');
    expect((await decide('sudo touch -c -- /tmp/held1')).rule?.command).toBe('touch /tmp/held*');
    expect((await decide('touch /tmp/ok')).decision).toBe('allow');
    const widened = await decide('touch -r /etc/shadow /tmp/ok');
    expect(widened.decision).toBe('ask');
    expect(widened.rule).toBeUndefined();
  });
});

describe('options whose value is a separate word', () => {
  const rules = parsePolicy('deny:\n  - shell: "touch /tmp/dmark*"\n  - shell: "tail /etc/shadow"\n  - shell: "grep /etc/shadow"\n  - shell: "git push origin main"\n', '/srv/app/.ksa/policy.yaml');
  const decide = async (line: string) => (await assessPolicy(plan([shell('s', line)]), rules, 'write', options)).decision.steps[0]!.decision;

  it.each([
    'touch --date 2020-01-01 /tmp/dmark1',
    'touch -mt 202001010000 /tmp/dmark1',
    'touch --reference /etc/hostname /tmp/dmark1',
    'sudo touch --date 2020-01-01 -c /tmp/dmark1',
    "sh -c 'touch -mt 202001010000 /tmp/dmark1'",
    'true && env A=1 touch --time atime --date now /tmp/dmark1',
    'tail --lines 5 /etc/shadow',
    'tail -qn 5 /etc/shadow',
    'timeout 5 tail -n 5 --sleep-interval 2 /etc/shadow',
    'grep --regexp root /etc/shadow',
    'grep -ie root /etc/shadow',
    'cat x | grep -i --regexp root --max-count 1 /etc/shadow',
    'git push --push-option ci.skip origin main',
    'git push -o ci.skip --force origin main',
    // --s may be --sleep-interval or --silent: read both ways.
    'tail --s 2 /etc/shadow',
  ])('%s is denied: a long option or a cluster may take the next word as its value', async (line) => {
    expect(await decide(line)).toBe('deny');
  });

  it.each(['touch --date 2020-01-01 /tmp/other', 'tail --lines 5 /etc/passwd', 'grep --regexp root /etc/group', 'git push --push-option ci.skip origin dev'])('%s is not', async (line) => {
    expect(await decide(line)).toBe('allow');
  });

  it.each([
    'git push -o a -o b -o c --atomic origin main',
    'git push -o a -o b -o c --force origin main',
    'git -C . push -o a -o b --force origin main',
    'git -c x=1 -C . push -o a --force origin main',
    'git push --push-option a --push-option b --push-option c --no-verify origin main',
    'git --git-dir .git --no-pager push -fo a --push b --verify --no-thin origin main',
    'git push -o a --end-of-options origin main',
  ])('%s is denied: git and its push read their options the same way whatever their number', async (line) => {
    expect(await decide(line)).toBe('deny');
  });

  it.each([
    'git push --repo origin main',
    'git push --repo=origin main',
    'git push --rep origin main',
    'git push main --repo origin',
    'git push -o a --repo origin --force main',
    'git -C . push --repo=elsewhere --repo=origin main',
    "sh -c 'git push --repo=origin main'",
  ])('%s is denied: --repo names the repository the push goes to', async (line) => {
    expect(await decide(line)).toBe('deny');
  });

  it('--repo alone is the repository: a rule about pushing anything to origin meets it', async () => {
    const anyBranch = parsePolicy('deny:\n  - shell: "git push origin*"\n', '/srv/app/.ksa/policy.yaml');
    for (const line of ['git push --repo origin', 'git push --repo=origin --force', 'git push --repo=origin']) {
      expect((await assessPolicy(plan([shell('s', line)]), anyBranch, 'write', options)).decision.steps[0]!.decision, line).toBe('deny');
    }
  });

  it.each(['git push -o a -o b -o c --atomic origin dev', 'git -C main push -o main --atomic origin dev', 'git push --repo origin dev', 'git push --repo=backup main', 'git push --no-repo main'])('%s is not', async (line) => {
    expect(await decide(line)).toBe('allow');
  });
});

describe('options not known, written many times or many of them', () => {
  const rules = parsePolicy('deny:\n  - shell: "release deploy prod"\n  - shell: "release prod now"\n', '/srv/app/.ksa/policy.yaml');
  const decide = async (line: string) => (await assessPolicy(plan([shell('s', line)]), rules, 'write', options)).decision.steps[0]!.decision;

  it.each([
    // An option takes a value or not wherever it is written: -v four times is one choice.
    'release -v a -v b -v c -v d -q deploy prod',
    // Past the options read every way, each one alone may be the one that takes no value.
    'release -a 1 -b 2 -c 3 -d 4 --yes prod now',
  ])('%s is denied', async (line) => {
    expect(await decide(line)).toBe('deny');
  });

  it('a line no reading makes the rule is not', async () => {
    expect(await decide('release -v a -v b -v c -v d -q deploy staging')).toBe('allow');
  });
});

describe('an extended glob rule over a long line', () => {
  const rules = parsePolicy('deny:\n  - shell: "*kubectl * -n @(prod|live)*"\n', '/srv/app/.ksa/policy.yaml');
  const decide = async (line: string) => (await assessPolicy(plan([shell('s', line)]), rules, 'write', options)).decision.steps[0]!.decision;
  const script = (namespace: string) =>
    [
      'set -euo pipefail',
      ...Array.from({ length: 8 }, (_, i) => `kubectl apply -f k8s/part-${i}.yaml -n ${namespace} --server-side --field-manager=deploy-script`),
      `kubectl rollout status deployment/web -n ${namespace} --timeout=120s`,
      `echo "${'x'.repeat(20_000)}"`,
    ].join('\n');

  it('is matched, not taken to match: a long script for staging is let through, the same for prod or live is denied', async () => {
    expect(script('staging').length).toBeGreaterThan(20_000);
    expect(await decide(script('staging'))).toBe('allow');
    expect(await decide(script('prod'))).toBe('deny');
    expect(await decide(`kubectl get pods -n staging # ${'x'.repeat(20_000)}`)).toBe('allow');
    expect(await decide(`kubectl get pods -wn live # ${'x'.repeat(20_000)}`)).toBe('deny');
    expect(await decide(`sudo kubectl delete pod web -n prod # ${'x'.repeat(20_000)}`)).toBe('deny');
  });
});

describe('options known to take a value', () => {
  const rules = parsePolicy('deny:\n  - shell: "ssh prod*"\n  - shell: "touch /tmp/x*"\n', '/srv/app/.ksa/policy.yaml');
  const decide = async (line: string) => (await assessPolicy(plan([shell('s', line)]), rules, 'write', options)).decision.steps[0]!.decision;

  it.each([
    'ssh -i prod.pem staging-1 uptime',
    'ssh -F prod.config staging-1 uptime',
    'sudo ssh -o User=prod -l prod staging-1',
    'touch -r /tmp/x-ref /tmp/y',
    'touch --reference /tmp/x-ref -c /tmp/y',
    // A cluster with a digit, a long option shortened as far as it names one option.
    'ssh -4i prod.pem staging-1 uptime',
    'ssh -6F prod.config staging-1 uptime',
    'ssh -46Ai prod.pem staging-1',
    'touch --ref /tmp/x-ref /tmp/y',
    'touch --refer /tmp/x-ref --no-c /tmp/y',
  ])('%s is not denied: the option value is not read as what the command acts on', async (line) => {
    expect(await decide(line)).toBe('allow');
  });

  it.each([
    'ssh -i prod.pem prod-db uptime',
    'ssh -p 22 prod-db',
    'sudo ssh -v prod-db',
    'touch -r /tmp/y /tmp/x1',
    'touch -t 202001010000 -c /tmp/x1',
    'ssh -4i prod.pem prod-db uptime',
    'touch --ref /tmp/y /tmp/x1',
    'touch --da 2020-01-01 -c /tmp/x1',
  ])('%s is denied', async (line) => {
    expect(await decide(line)).toBe('deny');
  });

  it('a program not listed with a digit in a cluster may take the next word as its value', async () => {
    const held = parsePolicy('deny:\n  - shell: "ping prod*"\n', '/srv/app/.ksa/policy.yaml');
    expect((await assessPolicy(plan([shell('s', 'ping -4c 3 prod-db')]), held, 'write', options)).decision.steps[0]!.decision).toBe('deny');
  });
});

describe('code a shell reads from a pipe or a here-document', () => {
  it('meets the deny rules its commands meet, as bash -c code does', async () => {
    const lines = [
      "echo 'kubectl delete ns prod' | bash",
      "printf 'touch /tmp/denied7\\n' | sh -s",
      "bash <<< 'touch /tmp/denied7'",
      "bash <<'E'\ntouch /tmp/denied7\nE",
      "sudo bash -s <<E\nkubectl delete ns prod\nE",
    ];
    for (const line of lines) expect((await decisions([shell('r', line)])).r, line).toBe('deny');
    // Text that only looks like a command and is not run stays allowed.
    expect((await decisions([shell('r', "echo 'kubectl delete ns prod' | cat")])).r).not.toBe('deny');
  });
});
