import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialRunState, PlanSchema } from '../../src/planning/index.js';
import { RunStore } from '../../src/store/index.js';
import { describeResult, runKsa } from '../helpers/cli.js';
import { useCliSandbox } from '../helpers/cli-sandbox.js';

// A comparison CEL always answers the same way is warned of wherever a plan is shown: by ksa validate, ksa run,
// its dry run and ksa resume, and without a secret input's value in it.

const sandbox = useCliSandbox('ksa-comparison-warnings-');

const plan = (inputs: string, when: string) => `goal: Compare\ninputs: ${inputs}\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo ok" }\n    when: '${when}'\n`;

describe.concurrent('comparison warnings', () => {
  it('do not show a secret input\'s value, given as a number and compared with text, or declared as text and compared with a number', async () => {
    const given = await sandbox.writePlan('secret-given/plan.yaml', plan('{ dbPassword: }', 'inputs.dbPassword == "24681357"'));
    const declared = await sandbox.writePlan('secret-declared/plan.yaml', plan('{ dbPassword: "" }', 'inputs.dbPassword == 24681357'));
    const results = await Promise.all([
      runKsa(['validate', given, '--input', 'dbPassword=24681357'], { home: path.join(sandbox.home, 'v1'), cwd: path.dirname(given) }),
      runKsa(['run', given, '--yes', '--input', 'dbPassword=24681357'], { home: path.join(sandbox.home, 'r1'), cwd: path.dirname(given) }),
      runKsa(['validate', declared], { home: path.join(sandbox.home, 'v2'), cwd: path.dirname(declared) }),
      runKsa(['run', declared, '--yes'], { home: path.join(sandbox.home, 'r2'), cwd: path.dirname(declared) }),
      runKsa(['run', declared, '--yes', '--input', 'dbPassword=24681357'], { home: path.join(sandbox.home, 'r3'), cwd: path.dirname(declared) }),
    ]);
    for (const result of results) {
      expect(result.code, describeResult(result)).toBe(0);
      expect(result.stderr, describeResult(result)).toMatch(/ksa: warning: \S*plan\.yaml:7:11 steps\[0\]\.when: inputs\.dbPassword is (a number|text) \((given with --input|the plan's default)\); an expression in step "a" compares it/);
      // The card hides the value given (`== "***"`), not a literal unlike the value run with: the warnings hide both.
      expect(result.stderr.split('\n').filter((line) => line.startsWith('ksa: warning:')).join('\n')).not.toContain('24681357');
    }
  });

  it('are said for an in test against a list of another kind, by ksa validate and ksa run', async () => {
    const file = await sandbox.writePlan('among/plan.yaml', plan('{ env: 3 }', "inputs.env in [\"prod\", \"staging\"]"));
    const said = `plan.yaml:7:11 steps[0].when: inputs.env is a number (the plan's default 3); "inputs.env in ["prod", "staging"]" in step "a" compares it with text, which CEL finds equal to no number (always false)`;
    const [validated, ran] = await Promise.all([
      runKsa(['validate', file], { home: path.join(sandbox.home, 'among'), cwd: path.dirname(file) }),
      runKsa(['run', file, '--yes'], { home: path.join(sandbox.home, 'among-run'), cwd: path.dirname(file) }),
    ]);
    for (const result of [validated, ran]) {
      expect(result.code, describeResult(result)).toBe(0);
      expect(result.stderr).toContain(said);
    }
  });

  it('are said on stderr by ksa run --dry-run, as by ksa run', async () => {
    const file = await sandbox.writePlan('dry/plan.yaml', plan('{ replicas: "3" }', 'inputs.replicas == 3'));
    const said = "plan.yaml:7:11 steps[0].when: inputs.replicas is text (the plan's default \"3\"); \"inputs.replicas == 3\" in step \"a\" compares it with a number";
    const [dry, json] = await Promise.all([
      runKsa(['run', file, '--dry-run'], { home: path.join(sandbox.home, 'dry'), cwd: path.dirname(file) }),
      runKsa(['run', file, '--dry-run', '--json'], { home: path.join(sandbox.home, 'dry-json'), cwd: path.dirname(file) }),
    ]);
    expect(dry.code, describeResult(dry)).toBe(0);
    expect(dry.stderr).toContain(said);
    expect(json.code, describeResult(json)).toBe(0);
    expect(json.stderr).toContain(said);
    expect(JSON.parse(json.stdout)).toMatchObject({ steps: 1 });
  });

  it('are said on stderr by ksa resume for the inputs it goes on with', async () => {
    const home = path.join(sandbox.home, 'resume');
    const runId = '20260101-000000-abcd';
    const parsed = PlanSchema.parse({ goal: 'Compare', inputs: { mode: null }, steps: [{ id: 'a', tool: 'shell', args: { command: 'echo ok' }, when: 'inputs.mode == "3"' }] });
    const runs = new RunStore(home);
    const run = await runs.create(
      { runId, goal: parsed.goal, createdAt: new Date().toISOString(), workspace: sandbox.dir, plan: parsed, inputs: { mode: 3 }, allowedEnv: [], state: initialRunState(runId, parsed.goal, ['a'], { mode: 3 }) },
      'test',
    );
    await run.close();
    const resumed = await runKsa(['resume', runId, '--yes'], { home, cwd: sandbox.dir });
    expect(resumed.code, describeResult(resumed)).toBe(0);
    expect(resumed.stderr).toContain(`ksa: warning: run ${runId} steps[0].when: inputs.mode is a number (given with --input 3); "inputs.mode == "3"" in step "a" compares it with text`);
  });
});
