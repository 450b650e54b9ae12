import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventually, runKsa, startKsa, type CliResult, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, readPids, readRunFile } from '../helpers/durable.js';
import { walk } from '../helpers/store-fixtures.js';

// A secret input that is a list or a mapping, one shorter than 4 characters, and a secret the plan writes
// itself: nothing of them in what ksa prints (the plan card, --json) or keeps (run.json, logs).

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-structured-secrets-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

/** The files under the KSA_HOME tree that hold `secret`. */
async function filesHolding(home: string, secret: string): Promise<string[]> {
  if (!existsSync(home)) return [];
  return (await walk(home)).filter((entry) => !entry.dir && readFileSync(path.join(home, entry.rel), 'utf8').includes(secret)).map((entry) => entry.rel);
}

async function expectNowhere(secrets: readonly string[], home: string, ...results: CliResult[]): Promise<void> {
  for (const secret of secrets) {
    for (const result of results) expect(result.stdout + result.stderr, secret).not.toContain(secret);
    expect(await filesHolding(home, secret), secret).toEqual([]);
  }
}

const STRUCTURED = ['--input', 'apiKeys=[zzkey-998877]', '--input', 'dbCredentials={user: app, password: s3cr3t-pw-77}'];

describe.concurrent('secret inputs that are lists or mappings', () => {
  it('are *** in the plan card, step output, --json, run.json and logs; the step gets the values; ksa resume asks for them again', async () => {
    const plan = await sandbox.writePlan(
      'structured/plan.yaml',
      `goal: g
inputs: { apiKeys: [], dbCredentials: {} }
steps:
  - { id: a, tool: shell, args: { command: 'echo "{{ inputs.apiKeys[0] }} {{ inputs.dbCredentials.password }}"' } }
  - id: b
    dependsOn: [a]
    tool: shell
    args:
      command: 'echo $$ >> b.pids; for i in $(seq 300); do [ -e go ] && break; sleep 0.1; done; echo "{{ inputs.apiKeys[0] }}/{{ inputs.dbCredentials.password }}" > seen.txt'
`,
    );
    const dir = path.dirname(plan);
    const home = path.join(dir, 'ksa-home');
    const ksa = startKsa(['run', plan, '--yes', '--json', ...STRUCTURED], { home, cwd: dir, timeoutMs: 25_000 });
    leftovers.add(ksa.pid);
    await ksa.waitForOutput((stdout) => stdout.includes('"step_started"') && stdout.includes('"stepId":"b"'), 15_000);
    for (const pid of await eventually(() => (readPids(dir, 'b.pids').length > 0 ? readPids(dir, 'b.pids') : undefined), 10_000)) leftovers.add(pid);
    const runId = (JSON.parse(ksa.stdout().split('\n')[0]!) as { runId: string }).runId;
    await eventually(() => (readRunFile(home, runId)?.state.steps.a?.status === 'succeeded' ? true : undefined), 10_000);
    ksa.kill('SIGKILL');
    const first = await ksa.result;
    expect(first.stdout).toContain('"line":"*** ***"');
    expect(first.stderr).toContain('inputs: apiKeys=***, dbCredentials=***');
    const stored = readRunFile(home, runId) as unknown as { inputs: unknown };
    expect(stored.inputs).toEqual({ apiKeys: ['***'], dbCredentials: { user: '***', password: '***' } });
    expect(readFileSync(path.join(home, 'runs', runId, 'logs', 'a.log'), 'utf8')).toContain('*** ***');

    const refused = await runKsa(['resume', runId, '--yes'], { home, cwd: dir });
    expectExit(refused, 2);
    expect(refused.stderr).toContain('inputs apiKeys, dbCredentials were not stored (they hold secrets); pass --input apiKeys=… --input dbCredentials=… again');

    writeFileSync(path.join(dir, 'go'), '');
    const resumed = await runKsa(['resume', runId, '--yes', '--json', ...STRUCTURED], { home, cwd: dir });
    expectExit(resumed, 0);
    // The step ran with the values given again, not with what was stored.
    expect(readFileSync(path.join(dir, 'seen.txt'), 'utf8')).toBe('zzkey-998877/s3cr3t-pw-77\n');
    await expectNowhere(['zzkey-998877', 's3cr3t-pw-77'], home, first, refused, resumed);
  });

  it("a plan's default list is *** in the card and run.json, and a secret input shorter than 4 characters is stored as ***", async () => {
    const plan = await sandbox.writePlan(
      'default/plan.yaml',
      `goal: g
inputs: { dbPassword: [Hunter2pw], apiKey: abc }
steps:
  - { id: a, tool: shell, args: { command: 'echo "{{ inputs.dbPassword[0] }}"; test "{{ inputs.apiKey }}" = abc' } }
`,
    );
    const home = path.join(path.dirname(plan), 'ksa-home');
    const result = await runKsa(['run', plan, '--yes', '--json'], { home, cwd: path.dirname(plan) });
    expectExit(result, 0);
    expect(result.stderr).toContain('inputs: dbPassword=***, apiKey=***');
    await expectNowhere(['Hunter2pw'], home, result);
    const runId = (JSON.parse(result.stdout.split('\n')[0]!) as { runId: string }).runId;
    const record = JSON.parse(readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8'));
    expect(record.plan.inputs).toEqual({ dbPassword: ['***'], apiKey: '***' });
    expect(record.state.inputs).toEqual({ dbPassword: ['***'], apiKey: '***' });
    expect(record.runId).toBe(runId);
  });

  it("a refused tag in a secret list or mapping given with --input is not shown, on stderr or in --json", async () => {
    const plan = await sandbox.writePlan('tags/plan.yaml', `goal: g\ninputs: { dbPasswords: [], tokens: {} }\nsteps:\n  - { id: a, tool: shell, args: { command: 'echo hi' } }\n`);
    for (const given of ['dbPasswords=[!Hunter2pw, b]', 'tokens={a: !S3cretVal}', 'tokens={!S3cretVal: x}']) {
      for (const json of [[], ['--json']]) {
        const result = await runKsa(['validate', plan, ...json, '--input', given], { cwd: path.dirname(plan) });
        expectExit(result, 2);
        expect(result.stdout + result.stderr, given).toContain('a YAML tag');
        for (const secret of ['Hunter2pw', 'S3cretVal']) expect(result.stdout + result.stderr, given).not.toContain(secret);
      }
    }
  });

  it('the plan card ksa run prints hides a secret input the plan writes in a command or a condition', async () => {
    const plan = await sandbox.writePlan(
      'card/plan.yaml',
      `goal: g
inputs: { dbPassword: "" }
steps:
  - { id: a, tool: shell, args: { command: 'echo mysql -pHunter22-x' }, when: "inputs.dbPassword == 'Hunter22-x'" }
`,
    );
    const home = path.join(path.dirname(plan), 'ksa-home');
    const result = await runKsa(['run', plan, '--yes', '--json', '--input', 'dbPassword=Hunter22-x'], { home, cwd: path.dirname(plan) });
    expectExit(result, 0);
    expect(result.stderr).toContain('shell: echo mysql -p***');
    expect(result.stderr).toContain("when: inputs.dbPassword == '***'");
    const dry = await runKsa(['run', plan, '--dry-run', '--input', 'dbPassword=Hunter22-x'], { home, cwd: path.dirname(plan) });
    expectExit(dry, 0);
    expect(dry.stdout).toContain('shell: echo mysql -p***');
    await expectNowhere(['Hunter22-x'], home, result, dry);
  });
});
