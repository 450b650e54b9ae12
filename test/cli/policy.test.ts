import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, stackTraceLines, type CliSandbox } from '../helpers/cli.js';
import { labStdio, writeUserConfig } from '../helpers/mcp.js';

// The permission policy end to end: policy files, deny (even with --yes), approval modes,
// --allow-destroy, `ksa policy check`, and the approval kept in the run record.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-policy-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

const WORKSPACE_POLICY = `# team rules
deny:
  - shell: "rm -rf /*"
  - kubectl: "delete *"
ask:
  - shell: "* --prod*"
allow:
  - shell: "touch allowed-*"
`;

/** A workspace of its own (the plan's folder) with .ksa/policy.yaml, and a KSA_HOME of its own. */
async function workspace(name: string, plan: string, policy = WORKSPACE_POLICY): Promise<{ dir: string; home: string; plan: string; policyFile: string }> {
  const planFile = await sandbox.writePlan(`${name}/ws/plan.yaml`, plan);
  const dir = path.dirname(planFile);
  const home = path.join(sandbox.dir, name, 'home');
  await mkdir(home, { recursive: true });
  const policyFile = path.join(dir, '.ksa', 'policy.yaml');
  await mkdir(path.dirname(policyFile), { recursive: true });
  await writeFile(policyFile, policy);
  return { dir, home, plan: planFile, policyFile };
}

const DENIED_PLAN = `goal: Wipe everything
steps:
  - id: hello
    tool: shell
    args: { command: "touch marker-hello" }
  - id: wipe
    tool: shell
    dependsOn: [hello]
    args: { command: "cd / && rm -rf /var/tmp/nothing-here" }
`;

const READ_PLAN = `goal: Look around
steps:
  - id: list
    tool: shell
    args: { command: "ls -la" }
  - id: where
    tool: shell
    args: { command: "pwd" }
`;

const WRITE_PLAN = `goal: Leave a marker
steps:
  - id: list
    tool: shell
    args: { command: "ls" }
  - id: mark
    tool: shell
    args: { command: "touch marker-write" }
`;

const DESTROY_PLAN = `goal: Clean up
steps:
  - id: make
    tool: shell
    args: { command: "mkdir -p build && touch build/old" }
  - id: clean
    tool: shell
    dependsOn: [make]
    args: { command: "rm -rf build" }
`;

describe.concurrent('permission policy', { timeout: 120_000 }, () => {
  it('ksa validate: a denied step makes the plan invalid, exit 2, naming the step line and the rule with its file:line', async () => {
    const ws = await workspace('validate-deny', DENIED_PLAN);
    const result = await runKsa(['validate', ws.plan], { home: ws.home, cwd: ws.dir });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stdout).toContain('invalid plan, 1 problem');
    expect(result.stdout).toMatch(/plan\.yaml:6:5 steps\[1\]: shell cd \/ && rm -rf \/var\/tmp\/nothing-here: denied by deny shell: "rm -rf \/\*"/);
    expect(result.stdout).toContain(`(${ws.policyFile}:3)`);

    const json = await runKsa(['validate', ws.plan, '--json'], { home: ws.home, cwd: ws.dir });
    expect(json.code, describeResult(json)).toBe(2);
    const doc = JSON.parse(json.stdout) as { valid: boolean; issues: { code: string; path: string; line: number; message: string }[]; risk: string; stepRisks: unknown[] };
    expect(doc.valid).toBe(false);
    expect(doc.issues).toEqual([expect.objectContaining({ code: 'policy_denied', path: 'steps[1]', line: 6 })]);
    // The plan is well-formed: each step keeps its risk, as policy check gives it, where it matters most.
    expect(doc.risk).toBe('destroy');
    expect(doc.stepRisks).toEqual([
      { id: 'hello', risk: 'write', riskReason: 'touch is not known to be read-only' },
      { id: 'wipe', risk: 'destroy', riskReason: 'rm -rf' },
    ]);
  });

  it('ksa run --yes: a denied plan is refused before anything runs, exit 2 with the rule; $KSA_HOME/policy.yaml counts too', async () => {
    const ws = await workspace('run-deny', DENIED_PLAN, '');
    await writeFile(path.join(ws.home, 'policy.yaml'), 'deny:\n  - shell: "rm -rf /*"\n');
    const result = await runKsa(['run', ws.plan, '--yes', '--allow-destroy', '--approve', 'write'], { home: ws.home, cwd: ws.dir });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain(`denied by deny shell: "rm -rf /*" (${path.join(ws.home, 'policy.yaml')}:2)`);
    expect(stackTraceLines(result.stderr)).toEqual([]);
    expect(existsSync(path.join(ws.dir, 'marker-hello'))).toBe(false);
    expect(existsSync(path.join(ws.home, 'runs'))).toBe(false);
  });

  it('ksa run --yes: a file rule starting with **/ covers a file at the top of the workspace (**/*.pem, **/.env): refused, nothing written', async () => {
    const plan = `goal: t\nsteps:\n  - { id: w, tool: write_file, args: { path: key.pem, content: "MARKER" } }\n  - { id: r, tool: read_file, args: { path: .env } }\n`;
    const ws = await workspace('run-deny-globstar', plan, '');
    await writeFile(path.join(ws.dir, '.env'), 'SECRET=1\n');
    await writeFile(path.join(ws.home, 'policy.yaml'), 'deny:\n  - write_file: "**/*.pem"\n  - read_file: "**/.env"\n');
    const result = await runKsa(['run', ws.plan, '--yes'], { home: ws.home, cwd: ws.dir });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain('denied by deny write_file: "**/*.pem"');
    expect(result.stderr).toContain('denied by deny read_file: "**/.env"');
    expect(existsSync(path.join(ws.dir, 'key.pem'))).toBe(false);
  });

  it('a command made of inputs is rated and matched as it will run: --input verb=delete is denied, --input cmd="rm -rf …" is a destroy step', async () => {
    const plan = `goal: From inputs\ninputs: { verb: get, cmd: "echo hi" }\nsteps:\n  - id: pods\n    tool: kubectl\n    args: { args: ["{{ inputs.verb }}", "pod", "web"] }\n  - id: run\n    tool: shell\n    args: { command: "{{ inputs.cmd }}" }\n`;
    const ws = await workspace('from-inputs', plan);
    const denied = await runKsa(['run', ws.plan, '--yes', '--allow-destroy', '--input', 'verb=delete'], { home: ws.home, cwd: ws.dir });
    expect(denied.code, describeResult(denied)).toBe(2);
    expect(denied.stderr).toContain(`kubectl delete pod web: denied by deny kubectl: "delete *" (${ws.policyFile}:4)`);
    await mkdir(path.join(ws.dir, 'victim'));
    const destroy = await runKsa(['run', ws.plan, '--yes', '--input', 'cmd=rm -rf victim'], { home: ws.home, cwd: ws.dir });
    expect(destroy.code, describeResult(destroy)).toBe(2);
    expect(destroy.stderr).toMatch(/not approved: run is a destroy step/);
    expect(existsSync(path.join(ws.dir, 'victim'))).toBe(true);
    const check = await runKsa(['policy', 'check', ws.plan, '--input', 'cmd=rm -rf /etc'], { home: ws.home, cwd: ws.dir });
    expect(check.code, describeResult(check)).toBe(2);
    expect(check.stdout).toMatch(/run +destroy +deny +deny shell: "rm -rf \/\*"/);
  });

  it("a command built from a step's output is matched against the deny rules when it is built: denied, it fails its step and nothing of it runs", async () => {
    const kubectl = `goal: Built at run time\nsteps:\n  - id: pick\n    tool: shell\n    args: { command: "echo delete" }\n  - id: act\n    tool: kubectl\n    dependsOn: [pick]\n    args: { args: ["{{ steps.pick.output.stdout }}", "pod", "web"] }\n`;
    const shell = `goal: Built at run time\nsteps:\n  - id: how\n    tool: shell\n    args: { command: "echo rm -rf /var/ksa-none" }\n  - id: wipe\n    tool: shell\n    dependsOn: [how]\n    args: { command: "{{ steps.how.output.stdout }}; touch wiped" }\n`;
    const ws = await workspace('built-at-run-time', kubectl);
    const shellPlan = path.join(ws.dir, 'shell.yaml');
    await writeFile(shellPlan, shell);
    const failure = async (file: string, stepId: string) => {
      const result = await runKsa(['run', file, '--yes', '--allow-destroy', '--json'], { home: ws.home, cwd: ws.dir });
      expect(result.code, describeResult(result)).toBe(1);
      const failed = result.stdout.split('\n').filter((line) => line.includes('"step_failed"')).map((line) => JSON.parse(line) as { stepId: string; error: string });
      return failed.find((event) => event.stepId === stepId)?.error;
    };
    expect(await failure(ws.plan, 'act')).toBe(`step act as built at run time, kubectl delete pod web: denied by deny kubectl: "delete *" (${ws.policyFile}:4); nothing was run`);
    expect(await failure(shellPlan, 'wipe')).toMatch(/^step wipe as built at run time, shell rm -rf \/var\/ksa-none\n?; touch wiped: denied by deny shell: "rm -rf \/\*"/);
    expect(existsSync(path.join(ws.dir, 'wiped'))).toBe(false);
  });

  it("a command built from a step's output that destroys runs only in a run approved for destroy steps", async () => {
    const plan = `goal: Built at run time\nsteps:\n  - id: how\n    tool: shell\n    args: { command: "echo rm -rf victim" }\n  - id: act\n    tool: shell\n    dependsOn: [how]\n    args: { command: "{{ steps.how.output.stdout }}" }\n`;
    const ws = await workspace('built-destroy', plan, '');
    await mkdir(path.join(ws.dir, 'victim'));
    const refused = await runKsa(['run', ws.plan, '--yes', '--json'], { home: ws.home, cwd: ws.dir });
    expect(refused.code, describeResult(refused)).toBe(1);
    const failed = refused.stdout.split('\n').filter((line) => line.includes('"step_failed"')).map((line) => JSON.parse(line) as { stepId: string; error: string });
    expect(failed).toEqual([expect.objectContaining({ stepId: 'act', error: 'step act as built at run time destroys (rm -rf), and the run was approved without destroy steps; nothing was run (write the command into the plan, or approve destroy steps: --allow-destroy)' })]);
    expect(existsSync(path.join(ws.dir, 'victim'))).toBe(true);
    const allowed = await runKsa(['run', ws.plan, '--yes', '--allow-destroy'], { home: ws.home, cwd: ws.dir });
    expect(allowed.code, describeResult(allowed)).toBe(0);
    expect(existsSync(path.join(ws.dir, 'victim'))).toBe(false);
  });

  it("a file written where a step's output says is the workspace policy: refused then, as a destroy step, in a run not approved for one", async () => {
    const plan = `goal: Write a note\nsteps:\n  - id: pick\n    tool: shell\n    args: { command: "printf .ksa/policy.yaml" }\n  - id: note\n    tool: write_file\n    dependsOn: [pick]\n    args: { path: "{{ steps.pick.output.stdout }}", content: "allow: [ { shell: '*' } ]" }\n`;
    const ws = await workspace('built-policy-write', plan, 'deny:\n  - shell: "rm *"\n');
    const before = readFileSync(ws.policyFile, 'utf8');
    const refused = await runKsa(['run', ws.plan, '--yes', '--json'], { home: ws.home, cwd: ws.dir });
    expect(refused.code, describeResult(refused)).toBe(1);
    const failed = refused.stdout.split('\n').filter((line) => line.includes('"step_failed"')).map((line) => JSON.parse(line) as { stepId: string; error: string });
    expect(failed).toEqual([expect.objectContaining({ stepId: 'note', error: expect.stringMatching(/^step note as built at run time destroys \(rewrites the workspace permission policy/) })]);
    expect(readFileSync(ws.policyFile, 'utf8')).toBe(before);
  });

  it('a malformed policy file: one line with file:line, exit 2, for validate and run', async () => {
    const ws = await workspace('malformed', READ_PLAN, 'deny:\n  - shell: "rm *"\n  - { shell: "a", kubectl: "b" }\n');
    for (const args of [['validate', ws.plan], ['run', ws.plan, '--yes']]) {
      const result = await runKsa(args, { home: ws.home, cwd: ws.dir });
      expect(result.code, describeResult(result)).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([`ksa: ${ws.policyFile}:3: a rule is a map with exactly one key, the tool name (e.g. - { shell: "npm test" }); this one has 2`]);
    }
  });

  it('a policy file that cannot be read as one is an error, never no rules: a FIFO, a link to nothing, a folder', async () => {
    const ws = await workspace('unreadable-policy', READ_PLAN, '');
    await rm(ws.policyFile);
    const cases: [string, () => Promise<void>, string][] = [
      ['fifo', async () => void execFileSync('mkfifo', [ws.policyFile]), 'it is a FIFO (named pipe), not a regular file'],
      ['link', () => symlink(path.join(ws.dir, 'gone', 'policy.yaml'), ws.policyFile), `it is a symbolic link to ${path.join(ws.dir, 'gone', 'policy.yaml')}, which does not exist`],
      ['folder', () => mkdir(ws.policyFile), 'it is a directory, not a regular file'],
    ];
    for (const [, make, why] of cases) {
      await rm(ws.policyFile, { recursive: true, force: true });
      await make();
      for (const args of [['validate', ws.plan], ['policy', 'check', ws.plan], ['run', ws.plan, '--yes']]) {
        const result = await runKsa(args, { home: ws.home, cwd: ws.dir, timeoutMs: 15_000 });
        expect(result.code, describeResult(result)).toBe(2);
        expect(result.stderr).toBe(`ksa: ${ws.policyFile}: cannot read the policy file: ${why}\n`);
      }
    }
  });

  it('policy check knows the tools ksa run has (MCP servers too), and --json is one document for an invalid plan', async () => {
    const plan = 'goal: Use a server\nsteps:\n  - id: hello\n    tool: lab__echo\n    args: { text: hi }\n';
    const ws = await workspace('check-mcp', plan, 'ask:\n  - lab__*: "*"\n');
    await writeUserConfig(ws.home, { lab: labStdio() });
    const check = await runKsa(['policy', 'check', ws.plan, '--json'], { home: ws.home, cwd: ws.dir, timeoutMs: 60_000 });
    expect(check.code, describeResult(check)).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ decision: 'ask', steps: [{ id: 'hello', decision: 'ask', rule: { effect: 'ask', tool: 'lab__*' } }] });
    await writeFile(ws.plan, plan.replace('lab__echo', 'lab__nope'));
    const invalid = await runKsa(['policy', 'check', ws.plan, '--json'], { home: ws.home, cwd: ws.dir, timeoutMs: 60_000 });
    expect(invalid.code, describeResult(invalid)).toBe(2);
    expect(JSON.parse(invalid.stdout)).toMatchObject({ valid: false, issues: [{ path: 'steps[0].tool' }] });
  });

  it("policy check takes validate's --max-steps and --allow-env, which its messages point to, and lists them in --help", async () => {
    const big = `goal: Many\nsteps:\n${Array.from({ length: 201 }, (_, i) => `  - { id: s${i}, tool: sleep, args: { ms: 0 } }\n`).join('')}`;
    const ws = await workspace('check-options', big, '');
    const refused = await runKsa(['policy', 'check', ws.plan], { home: ws.home, cwd: ws.dir });
    expect(refused.code, describeResult(refused)).toBe(2);
    expect(refused.stderr).toContain('the limit is 200 (raise it with --max-steps)');
    const raised = await runKsa(['policy', 'check', ws.plan, '--max-steps', '201', '--json'], { home: ws.home, cwd: ws.dir });
    expect(raised.code, describeResult(raised)).toBe(0);
    expect((JSON.parse(raised.stdout) as { steps: unknown[] }).steps).toHaveLength(201);

    await writeFile(ws.plan, 'goal: Env\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo hi" }\n    when: \'env.DEPLOY == "yes"\'\n');
    const unlisted = await runKsa(['policy', 'check', ws.plan], { home: ws.home, cwd: ws.dir });
    expect(unlisted.code, describeResult(unlisted)).toBe(2);
    expect(unlisted.stderr).toContain('(allow it with --allow-env DEPLOY)');
    const allowed = await runKsa(['policy', 'check', ws.plan, '--allow-env', 'DEPLOY', '--json'], { home: ws.home, cwd: ws.dir });
    expect(allowed.code, describeResult(allowed)).toBe(0);
    expect(JSON.parse(allowed.stdout)).toMatchObject({ steps: [{ id: 'a', risk: 'read' }] });

    const help = await runKsa(['policy', 'check', '--help'], { home: ws.home });
    expect(help.stdout).toMatch(/--max-steps <n>/);
    expect(help.stdout).toMatch(/--allow-env <NAME>/);
  });

  it('validate --json rates steps with the --input values filled in, as policy check does', async () => {
    const plan = 'goal: List\ninputs: { dir: "." }\nsteps:\n  - id: list\n    tool: shell\n    args: { command: "ls {{ inputs.dir }}" }\n';
    const ws = await workspace('validate-inputs', plan, '');
    const given = ['--input', 'dir=.; rm -rf victim'];
    const validate = JSON.parse((await runKsa(['validate', ws.plan, '--json', ...given], { home: ws.home, cwd: ws.dir })).stdout) as { stepRisks: { risk: string }[] };
    const check = JSON.parse((await runKsa(['policy', 'check', ws.plan, '--json', ...given], { home: ws.home, cwd: ws.dir })).stdout) as { steps: { risk: string }[] };
    expect(validate.stepRisks[0]!.risk).toBe('destroy');
    expect(check.steps[0]!.risk).toBe('destroy');
  });

  it('--approve read: a read-only plan runs without a terminal and without --yes; the run records "policy" as the approver', async () => {
    const ws = await workspace('approve-read', READ_PLAN);
    const result = await runKsa(['run', ws.plan, '--approve', 'read'], { home: ws.home, cwd: ws.dir });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stderr).toContain('Approved by the policy: every step is read-only or allowed by a rule (--approve read).');
    const status = await runKsa(['status', '--json'], { home: ws.home });
    const doc = JSON.parse(status.stdout) as { approvals: Record<string, unknown>[] };
    expect(doc.approvals).toEqual([
      expect.objectContaining({ approvedBy: 'policy', mode: 'read', command: `ksa run ${ws.plan}`, planHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), user: expect.stringContaining('@') }),
    ]);
    const text = await runKsa(['status'], { home: ws.home });
    expect(text.stdout).toMatch(/approved by policy \(run by .+@.+\) · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · --approve read · ksa run .*plan\.yaml · plan sha256:[0-9a-f]{12}…/);
  });

  it('--approve read: a plan that writes needs a terminal or --yes (exit 2), unless an allow rule covers the step', async () => {
    const ws = await workspace('approve-read-write', WRITE_PLAN);
    const refused = await runKsa(['run', ws.plan, '--approve', 'read'], { home: ws.home, cwd: ws.dir });
    expect(refused.code, describeResult(refused)).toBe(2);
    expect(refused.stderr).toContain('not approved: this plan runs commands, and there is no terminal to ask for approval; mark needs approval (--approve read)');
    expect(existsSync(path.join(ws.dir, 'marker-write'))).toBe(false);

    const allowed = await workspace('approve-read-allowed', WRITE_PLAN.replace('touch marker-write', 'touch allowed-marker'));
    const result = await runKsa(['run', allowed.plan, '--approve', 'read'], { home: allowed.home, cwd: allowed.dir });
    expect(result.code, describeResult(result)).toBe(0);
    expect(existsSync(path.join(allowed.dir, 'allowed-marker'))).toBe(true);
  });

  it('--approve write: a plan that writes runs unasked; an ask rule still forces the question', async () => {
    const ws = await workspace('approve-write', WRITE_PLAN);
    const result = await runKsa(['run', ws.plan, '--approve', 'write'], { home: ws.home, cwd: ws.dir });
    expect(result.code, describeResult(result)).toBe(0);
    expect(existsSync(path.join(ws.dir, 'marker-write'))).toBe(true);

    const asked = await workspace('approve-write-ask', WRITE_PLAN.replace('touch marker-write', 'touch marker-write --prod'));
    const refused = await runKsa(['run', asked.plan, '--approve', 'write'], { home: asked.home, cwd: asked.dir });
    expect(refused.code, describeResult(refused)).toBe(2);
    expect(refused.stderr).toContain(`! mark: shell touch marker-write --prod: always asked by ask shell: "* --prod*" (${asked.policyFile}:6)`);
  });

  it('--yes never approves a destroy step without --allow-destroy (exit 2, saying so); with it the plan runs and the run says so', async () => {
    const ws = await workspace('destroy', DESTROY_PLAN);
    for (const mode of ['ask', 'write']) {
      const refused = await runKsa(['run', ws.plan, '--yes', '--approve', mode], { home: ws.home, cwd: ws.dir });
      expect(refused.code, describeResult(refused)).toBe(2);
      expect(refused.stderr).toMatch(/ksa: not approved: clean is a destroy step \(.*rm -rf.*\), and --yes alone never approves those\. Add --allow-destroy/);
      expect(existsSync(path.join(ws.dir, 'build'))).toBe(false);
    }
    const result = await runKsa(['run', ws.plan, '--yes', '--allow-destroy'], { home: ws.home, cwd: ws.dir });
    expect(result.code, describeResult(result)).toBe(0);
    const status = await runKsa(['status', '--json'], { home: ws.home });
    expect((JSON.parse(status.stdout) as { approvals: unknown[] }).approvals).toEqual([expect.objectContaining({ approvedBy: '--yes', mode: 'ask', allowDestroy: true })]);
  });

  it('a command named by a variable the line sets is rated as what it names, or destroy when its value is computed: --yes and --approve write refuse both', async () => {
    const plan = `goal: Clean up
steps:
  - id: computed
    tool: shell
    args: { command: "x=$(printf r%s m); $x -rf victim" }
  - id: named
    tool: shell
    args: { command: "k=kubectl; $k delete namespace prod" }
`;
    const ws = await workspace('variable-name', plan, 'deny: []\n');
    await mkdir(path.join(ws.dir, 'victim'));
    await writeFile(path.join(ws.dir, 'victim', 'data'), 'precious');
    const check = await runKsa(['policy', 'check', ws.plan, '--json'], { home: ws.home, cwd: ws.dir });
    const steps = (JSON.parse(check.stdout) as { steps: { id: string; risk: string; riskReason: string }[] }).steps;
    expect(steps.find((step) => step.id === 'computed')).toMatchObject({ risk: 'destroy', riskReason: 'command name computed at run time' });
    expect(steps.find((step) => step.id === 'named')).toMatchObject({ risk: 'destroy', riskReason: 'kubectl delete (named by $k)' });
    for (const approval of [['--yes'], ['--approve', 'write']]) {
      const refused = await runKsa(['run', ws.plan, ...approval], { home: ws.home, cwd: ws.dir });
      expect(refused.code, describeResult(refused)).toBe(2);
      expect(refused.stderr).toMatch(/ksa: not approved: .*computed, named/);
      expect(existsSync(path.join(ws.dir, 'victim', 'data'))).toBe(true);
    }
  });

  it('ksa policy check: per step the level, the reason, the rule (file:line) and the outcome; JSON too; exit 2 on a deny', async () => {
    const ws = await workspace('check', `${WRITE_PLAN}  - id: nuke\n    tool: kubectl\n    args: { args: [delete, ns, shop] }\n`);
    const text = await runKsa(['policy', 'check', ws.plan], { home: ws.home, cwd: ws.dir });
    expect(text.code, describeResult(text)).toBe(2);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toMatch(/plan\.yaml: deny — a step is denied by the policy \(nuke\); highest risk destroy/);
    expect(lines).toContain(`  policy files: ${ws.policyFile}`);
    expect(text.stdout).toMatch(/ {2}list +read +ask +–/);
    expect(text.stdout).toMatch(new RegExp(`  nuke +destroy +deny +deny kubectl: "delete \\*" \\(${ws.policyFile.replace(/[.]/g, '\\.')}:4\\)`));

    const json = await runKsa(['policy', 'check', ws.plan, '--json', '--approve', 'write'], { home: ws.home, cwd: ws.dir });
    expect(json.code, describeResult(json)).toBe(2);
    const doc = JSON.parse(json.stdout) as { decision: string; mode: string; risk: string; steps: Record<string, unknown>[] };
    expect(doc).toMatchObject({ decision: 'deny', mode: 'write', risk: 'destroy' });
    expect(doc.steps).toEqual([
      expect.objectContaining({ id: 'list', risk: 'read', decision: 'allow', rule: null }),
      expect.objectContaining({ id: 'mark', risk: 'write', decision: 'allow', rule: null }),
      expect.objectContaining({ id: 'nuke', risk: 'destroy', riskReason: expect.any(String), decision: 'deny', rule: { effect: 'deny', tool: 'kubectl', command: 'delete *', file: ws.policyFile, line: 4 } }),
    ]);

    const fine = await workspace('check-fine', READ_PLAN);
    const ok = await runKsa(['policy', 'check', fine.plan, '--approve', 'read'], { home: fine.home, cwd: fine.dir });
    expect(ok.code, describeResult(ok)).toBe(0);
    expect(ok.stdout.split('\n')[0]).toMatch(/plan\.yaml: allow — every step is read-only or allowed by a rule \(--approve read\); highest risk read/);
  });

  it('ksa policy check: a rule whose tool matches no tool is a warning naming its file:line and the likely tool', async () => {
    const { dir, home, plan, policyFile } = await workspace('typo', READ_PLAN, 'deny:\n  - kubect: "delete *"\n  - github__*\nallow:\n  - shell: "ls *"\n');
    const result = await runKsa(['policy', 'check', plan], { home, cwd: dir });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stderr).toBe(`ksa: warning: ${policyFile}:2: the deny rule for "kubect" matches no tool, so it never applies (did you mean "kubectl"?)\n`);
    const json = await runKsa(['policy', 'check', plan, '--json'], { home, cwd: dir });
    expect(JSON.parse(json.stdout).warnings).toEqual([`${policyFile}:2: the deny rule for "kubect" matches no tool, so it never applies (did you mean "kubectl"?)`]);
  });

  it('--approve with an unknown mode is a usage error', async () => {
    const ws = await workspace('bad-mode', READ_PLAN);
    const result = await runKsa(['run', ws.plan, '--approve', 'sometimes'], { home: ws.home, cwd: ws.dir });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr.trim()).toBe('ksa: --approve expects one of ask, read, write, got "sometimes"');
    expect(readFileSync(ws.plan, 'utf8')).toBe(READ_PLAN);
  });
});
