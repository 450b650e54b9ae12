import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup } from '../helpers/durable.js';
import { startLongRun } from '../helpers/long-run.js';
import { modeOf, walk } from '../helpers/store-fixtures.js';

// What `ksa run` leaves in KSA_HOME: private (0700/0600), free of secrets, outputs bounded.

const TOKEN = 'ghp_SeCrEt0123456789';
const PASSWORD = 'hunter2-correct-horse';

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-durable-secrets-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

/** Every file under home whose content contains `secret`. */
function filesContaining(home: string, entries: { rel: string; dir: boolean }[], secret: string): string[] {
  return entries.filter((entry) => !entry.dir && readFileSync(path.join(home, entry.rel), 'utf8').includes(secret)).map((entry) => entry.rel);
}

const SECRET_PLAN = `goal: Use a token
inputs:
  dbPassword: change-me
steps:
  - id: login
    tool: shell
    args: { command: "echo logging in with $DEPLOY_TOKEN; echo using {{ inputs.dbPassword }}" }
    rollback: { tool: shell, args: { command: "echo logout $DEPLOY_TOKEN" } }
  - id: push
    tool: shell
    dependsOn: [login]
    args: { command: "echo denied for $DEPLOY_TOKEN >&2; exit 1" }
`;

describe.concurrent('secrets and permissions on disk', () => {
  it('a fresh KSA_HOME: directories 0700, files 0600; an env secret appears only as *** in run.json and logs', async () => {
    const home = path.join(sandbox.home, 'fresh', 'ksa-home');
    const plan = await sandbox.writePlan('env-secret/plan.yaml', SECRET_PLAN);
    const result = await runKsa(['run', plan, '--yes'], { home, cwd: path.dirname(plan), env: { DEPLOY_TOKEN: TOKEN } });
    expectExit(result, 1);
    expect(await modeOf(home)).toBe(0o700);
    const entries = await walk(home);
    expect(entries.filter((entry) => entry.rel.endsWith('.log')).map((entry) => path.basename(entry.rel)).sort()).toEqual(['login.log', 'push.log']);
    for (const entry of entries) expect((await modeOf(path.join(home, entry.rel))).toString(8), entry.rel).toBe(entry.dir ? '700' : '600');
    expect(filesContaining(home, entries, TOKEN)).toEqual([]);
    const runJson = entries.find((entry) => entry.rel.endsWith('run.json'))!;
    const record = JSON.parse(readFileSync(path.join(home, runJson.rel), 'utf8'));
    expect(record.state.steps.login.output.stdout).toContain('logging in with ***');
    expect(record.state.steps.push.error).toContain('denied for ***');
    const pushLog = entries.find((entry) => entry.rel.endsWith('push.log'))!;
    expect(readFileSync(path.join(home, pushLog.rel), 'utf8')).toContain('[stderr] denied for ***');
  });

  it('a step output of 3 MB: run.json keeps a bounded output (head and tail, marked truncated), the log keeps all of it', async () => {
    const home = path.join(sandbox.home, 'big-output');
    const plan = await sandbox.writePlan(
      'big-output/plan.yaml',
      `goal: Big output\nsteps:\n  - id: big\n    tool: shell\n    args: { command: "head -c 3000000 /dev/zero | tr '\\\\0' x | fold -w 100; echo done-marker" }\n`,
    );
    expectExit(await runKsa(['run', plan, '--yes'], { home, cwd: path.dirname(plan) }), 0);
    const entries = await walk(home);
    const runJson = path.join(home, entries.find((entry) => entry.rel.endsWith('run.json'))!.rel);
    const output = JSON.parse(readFileSync(runJson, 'utf8')).state.steps.big.output as { stdout: string; truncated?: boolean };
    expect(output.truncated).toBe(true);
    expect(output.stdout.length).toBeLessThan(1.1 * 1024 * 1024);
    expect(output.stdout.endsWith('done-marker')).toBe(true);
    const log = readFileSync(path.join(home, entries.find((entry) => entry.rel.endsWith('big.log'))!.rel), 'utf8');
    expect(log.split('\n').filter((line) => line === 'x'.repeat(100))).toHaveLength(29_999); // + the last 100 x's with done-marker after them
    expect(log).toContain(`${'x'.repeat(100)}done-marker`);
  });

  it('a secret-named --input value never reaches the step logs', async () => {
    const home = path.join(sandbox.home, 'input-secret');
    const plan = await sandbox.writePlan('input-secret/plan.yaml', SECRET_PLAN);
    const result = await runKsa(['run', plan, '--yes', '--input', `dbPassword=${PASSWORD}`], { home, cwd: path.dirname(plan), env: { DEPLOY_TOKEN: TOKEN } });
    expectExit(result, 1);
    const entries = await walk(home);
    expect(filesContaining(home, entries, PASSWORD)).toEqual([]);
  });

  it('a secret input that is all digits (given with --input, or a plan default that is a number) is *** in the output, the card, run.json and the logs', async () => {
    const plan = await sandbox.writePlan(
      'digits/plan.yaml',
      `goal: PIN
inputs:
  dbPassword: ""
  apiKey: 55667788
steps:
  - id: a
    tool: shell
    args: { command: 'echo "pw is $PW"; echo "inline {{ inputs.dbPassword }} {{ inputs.apiKey }}"', env: { PW: "{{ inputs.dbPassword }}" } }
`,
    );
    for (const given of ['98765432', '0098765432']) {
      const home = path.join(sandbox.home, `digits-${given}`);
      const result = await runKsa(['run', plan, '--yes', '--json', '--input', `dbPassword=${given}`], { home, cwd: path.dirname(plan) });
      expectExit(result, 0);
      for (const secret of ['98765432', '55667788']) {
        expect(result.stdout + result.stderr).not.toContain(secret);
        expect(filesContaining(home, await walk(home), secret)).toEqual([]);
      }
      expect(result.stderr).toContain('inputs: dbPassword=***, apiKey=***');
      expect(result.stdout).toContain('"line":"inline *** ***"');
    }
  });

  it('each line of a multi-line secret (a PEM key) is *** in the logs, run.json and --json output; so is MYSQL_PWD', async () => {
    const home = path.join(sandbox.home, 'pem');
    const key = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ', 'QyNTUxOQAAACBq1c0ffee-tail-line', '-----END OPENSSH PRIVATE KEY-----'].join('\n');
    const plan = await sandbox.writePlan('pem/plan.yaml', `goal: Key\nsteps:\n  - id: show\n    tool: shell\n    args: { command: 'echo "$SSH_PRIVATE_KEY"; echo "mysql $MYSQL_PWD"' }\n`);
    const result = await runKsa(['run', plan, '--yes', '--json'], { home, cwd: path.dirname(plan), env: { SSH_PRIVATE_KEY: key, MYSQL_PWD: 'my-sql-pw-31' } });
    expectExit(result, 0);
    const secrets = [...key.split('\n').slice(1, 3), 'my-sql-pw-31'];
    for (const secret of secrets) {
      expect(result.stdout + result.stderr).not.toContain(secret);
      expect(filesContaining(home, await walk(home), secret)).toEqual([]);
    }
    expect(result.stdout).toContain('"line":"***"');
    expect(result.stdout).toContain('"line":"mysql ***"');
  });

  it('the password of a URL given as an input is not stored, and ksa resume asks for it again', async () => {
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'resume-url', leftovers, { inputs: { conn: 'postgres://app:url-pw-8181@db/prod' } });
    ksa.kill('SIGKILL');
    await ksa.result;
    expect(filesContaining(home, await walk(home), 'url-pw-8181')).toEqual([]);
    expect(ksa.stderr()).toContain('inputs: conn=postgres://app:***@db/prod');
    expect(ksa.stdout() + ksa.stderr()).not.toContain('url-pw-8181');
    const record = JSON.parse(readFileSync(path.join(home, 'runs', runId, 'run.json'), 'utf8'));
    expect(record.inputs.conn).toBe('postgres://app:***@db/prod');
    writeFileSync(path.join(dir, 'fast'), '');
    const missing = await runKsa(['resume', runId, '--yes'], { home, cwd: dir });
    expectExit(missing, 2);
    expect(missing.stderr).toMatch(/input conn was not stored \(they hold secrets\); pass --input conn=… again/);
    expectExit(await runKsa(['resume', runId, '--yes', '--input', 'conn=postgres://app:url-pw-8181@db/prod'], { home, cwd: dir }), 0);
    expect(filesContaining(home, await walk(home), 'url-pw-8181')).toEqual([]);
  });

  it('a token under a neutral name (--input creds=sk-…) is not stored or shown, and ksa resume asks for it again', async () => {
    const token = 'sk-' + 'Lv9x2Kq8LmZ4rW7yB3nV6cJ1hF5gD0sA2pE4uR8iO7tYwQ';
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'resume-shaped', leftovers, { inputs: { creds: token } });
    ksa.kill('SIGKILL');
    await ksa.result;
    expect(filesContaining(home, await walk(home), token)).toEqual([]);
    expect(ksa.stderr()).toContain('inputs: creds=***');
    expect(ksa.stdout() + ksa.stderr()).not.toContain(token);
    writeFileSync(path.join(dir, 'fast'), '');
    const missing = await runKsa(['resume', runId, '--yes'], { home, cwd: dir });
    expectExit(missing, 2);
    expect(missing.stderr).toMatch(/input creds was not stored \(they hold secrets\); pass --input creds=… again/);
    expectExit(await runKsa(['resume', runId, '--yes', '--input', `creds=${token}`], { home, cwd: dir }), 0);
    expect(filesContaining(home, await walk(home), token)).toEqual([]);
  });

  it('a secret input given again to ksa resume is not written to run.json or the logs', async () => {
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'resume-secret', leftovers);
    ksa.kill('SIGKILL');
    await ksa.result;
    // Pretend the original run had the secret input: it is stored redacted, resume asks for it again.
    const file = path.join(home, 'runs', runId, 'run.json');
    const record = JSON.parse(readFileSync(file, 'utf8'));
    record.inputs = { dbPassword: '***' };
    record.state.inputs = { dbPassword: '***' };
    // As a run given it records: the input was stored without its value.
    record.masked = { ...record.masked, inputs: ['dbPassword'] };
    record.plan.steps[2].args.command = 'echo connecting with {{ inputs.dbPassword }}';
    writeFileSync(file, JSON.stringify(record));
    writeFileSync(path.join(dir, 'fast'), '');

    const missing = await runKsa(['resume', runId, '--yes'], { home, cwd: dir });
    expectExit(missing, 2);
    expect(missing.stderr).toMatch(/input dbPassword was not stored \(they hold secrets\); pass --input dbPassword=… again/);

    const resume = await runKsa(['resume', runId, '--yes', '--input', `dbPassword=${PASSWORD}`], { home, cwd: dir });
    expectExit(resume, 0);
    expect(filesContaining(home, await walk(home), PASSWORD)).toEqual([]);
  });
});
