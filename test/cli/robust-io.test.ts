import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, KSA_ARGV, ksaEnv, nonEmptyLines, runKsa, stackTraceLines, startKsa, type CliSandbox } from '../helpers/cli.js';


let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

describe('robust output and input', () => {
  it('ksa run --json whose stdout reader goes away keeps running (or rolls back) without a stack trace', async () => {
    const plan = await sandbox.writePlan(
      'epipe/plan.yaml',
      `goal: Outlive the reader
steps:
  - id: a
    tool: shell
    args: { command: "for i in $(seq 50); do echo line $i; done; sleep 0.5; echo a >> done.log" }
    rollback: { tool: shell, args: { command: "echo undo-a >> done.log" } }
  - id: b
    tool: shell
    dependsOn: [a]
    args: { command: "sleep 0.2; for i in $(seq 50); do echo line $i; done; echo b >> done.log" }
`,
    );
    const dir = path.dirname(plan);
    const ksa = startKsa(['run', plan, '--yes', '--json'], { home: sandbox.home, cwd: dir, timeoutMs: 15_000 });
    // Like `| head -1`: read one line, then close the pipe.
    await ksa.waitForOutput((stdout) => stdout.includes('\n'));
    ksa.child.stdout!.destroy();
    const result = await ksa.result;
    expect(stackTraceLines(result.stderr), describeResult(result)).toEqual([]);
    expect(result.stderr).not.toMatch(/Unhandled 'error' event|EPIPE/);
    const log = existsSync(path.join(dir, 'done.log')) ? nonEmptyLines(readFileSync(path.join(dir, 'done.log'), 'utf8')) : [];
    // Either the run completed or it was undone: never abandoned half-way.
    expect(log.join(',') === 'a,b' || log.includes('undo-a'), `done.log: ${JSON.stringify(log)}\n${describeResult(result)}`).toBe(true);
  });

  it.skipIf(!existsSync('/dev/full'))('stdout on a full disk: the run goes on and is recorded, the command says the output was lost, exit 1, no stack trace', async () => {
    const plan = await sandbox.writePlan('full/plan.yaml', 'goal: Onto a full disk\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo hi > a.done" }\n');
    const dir = path.dirname(plan);
    // /dev/full stands for a file on a full disk: every write fails with ENOSPC.
    const toFullDisk = (args: readonly string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const fd = openSync('/dev/full', 'w');
        const child = spawn(process.execPath, [...KSA_ARGV, ...args], { cwd: dir, env: ksaEnv({ home: sandbox.home }), stdio: ['ignore', fd, 'pipe'] });
        closeSync(fd);
        let stderr = '';
        child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const run = await toFullDisk(['run', plan, '--yes', '--json']);
    expect(stackTraceLines(run.stderr)).toEqual([]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain('ksa: could not write the output to stdout: the disk is full (ENOSPC)');
    expect(existsSync(path.join(dir, 'a.done'))).toBe(true);
    const runs = await runKsa(['runs', '--json'], { home: sandbox.home, cwd: dir });
    expect((JSON.parse(runs.stdout) as { runs: { goal: string; status: string }[] }).runs.find((entry) => entry.goal === 'Onto a full disk')?.status).toBe('succeeded');
    for (const args of [['runs'], ['runs', '--json'], ['schema'], ['validate', '--json', plan]]) {
      const result = await toFullDisk(args);
      expect(stackTraceLines(result.stderr)).toEqual([]);
      expect([result.code, result.stderr.trim()], args.join(' ')).toEqual([1, 'ksa: could not write the output to stdout: the disk is full (ENOSPC)']);
    }
  });

  it('a run whose record cannot be saved at its end says so and exits 1, though its steps succeeded', async () => {
    // The step puts a folder where run.json goes: every save of the record fails from then on.
    const home = path.join(sandbox.home, 'unsaved');
    const plan = await sandbox.writePlan(
      'unsaved/plan.yaml',
      'goal: Lose the record\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "sleep 0.2; for d in \\"$KSA_HOME\\"/runs/*/; do rm -f \\"$d/run.json\\"; mkdir \\"$d/run.json\\"; done" }\n',
    );
    const result = await runKsa(['run', plan, '--yes', '--allow-destroy'], { home, cwd: path.dirname(plan) });
    expect(stackTraceLines(result.stderr)).toEqual([]);
    expect(result.stderr).toContain('✓ Run succeeded');
    expect(result.stderr).toMatch(/ksa: the final state of run \S+ could not be saved \(.+\); ksa status shows it as it was last saved, and the step logs in \S+ have everything/);
    expect(result.code, describeResult(result)).toBe(1);
  });

  it('a current folder that is gone (deleted under the shell): one line saying so, exit 2, no stack trace', async () => {
    const base = path.join(sandbox.dir, 'cwd-gone');
    mkdirSync(base, { recursive: true });
    const result = spawnSync('bash', ['-c', 'mkdir gone && cd gone && rmdir ../gone && exec "$0" "$@"', process.execPath, ...KSA_ARGV, 'validate', 'plan.yaml'], { cwd: base, env: ksaEnv({ home: sandbox.home }), encoding: 'utf8' });
    expect(stackTraceLines(result.stderr)).toEqual([]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('ksa: the current folder cannot be used: it was deleted; cd to another folder and try again');
  });

  it('ksa validate --json on a YAML syntax error still prints one JSON document', async () => {
    await sandbox.writePlan('syntax.yaml', 'goal: x\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo" \n  - id: b\n');
    const result = await runKsa(['validate', '--json', 'syntax.yaml'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(2);
    const doc = JSON.parse(result.stdout) as { valid: boolean; issues: { line?: number; column?: number }[] };
    expect(doc.valid).toBe(false);
    expect(doc.issues[0]).toMatchObject({ line: 6, column: 3 });
  });

  it('a .json plan saved with a UTF-8 byte order mark is valid', async () => {
    await sandbox.writePlan('bom.json', '\uFEFF{"goal":"x","steps":[{"id":"a","tool":"shell","args":{"command":"echo"}}]}\n');
    const result = await runKsa(['validate', 'bom.json'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(0);
  });

  it('ksa run with a config.json whose "redis" it cannot read: one line naming the file, exit 2, nothing run', async () => {
    const plan = await sandbox.writePlan('config/plan.yaml', 'goal: Touch\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "touch ran" }\n');
    const cases: [string, RegExp][] = [
      ['{"redis": "redis://10.0.0.5:6379",', /config\.json: cannot read it \(not valid JSON\)$/],
      ['{"redis": 6379}', /config\.json: "redis" must be a Redis URL such as "redis:\/\/host:6379", got 6379$/],
    ];
    for (const [text, message] of cases) {
      const home = path.join(sandbox.dir, `home-${cases.findIndex(([t]) => t === text)}`);
      mkdirSync(home, { recursive: true });
      writeFileSync(path.join(home, 'config.json'), text);
      const result = await runKsa(['run', plan, '--yes'], { home, cwd: path.dirname(plan), env: { KSA_REDIS_URL: undefined } });
      expect(result.code, describeResult(result)).toBe(2);
      // After the plan card, as a Redis that cannot be reached would be.
      expect(nonEmptyLines(result.stderr).at(-1)).toMatch(message);
      expect(stackTraceLines(result.stderr)).toEqual([]);
      expect(existsSync(path.join(path.dirname(plan), 'ran'))).toBe(false);
    }
  });

  it('a KSA_HOME that cannot be a folder (a file is in the way): one line naming the folder and KSA_HOME, exit 2', async () => {
    const file = path.join(sandbox.dir, 'not-a-folder');
    writeFileSync(file, '');
    for (const home of [file, path.join(file, 'sub')]) {
      const result = await runKsa(['runs'], { home, cwd: sandbox.dir });
      expect(result.code, describeResult(result)).toBe(2);
      expect(nonEmptyLines(result.stderr)).toEqual([`ksa: cannot create the folder ${path.join(home, 'runs')}: a file is in the way (part of the path is not a folder); ksa keeps runs and sessions in KSA_HOME (or the platform's data folder): point it at a folder ksa can write`]);
      expect(stackTraceLines(result.stderr)).toEqual([]);
    }
  });

  // Where mkdir answers ENOENT although the parent exists, Node's recursive mkdir retries forever.
  it.runIf(existsSync('/proc/self'))('a KSA_HOME where no folder can be made (/proc/x): every command that stores fails at once with one line, exit 2', async () => {
    const home = '/proc/ksa-cannot-be-here';
    const plan = await sandbox.writePlan('proc/plan.yaml', 'goal: Touch\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "touch ran" }\n');
    writeFileSync(path.join(path.dirname(plan), '.mcp.json'), JSON.stringify({ mcpServers: { local: { command: 'true' } } }));
    for (const args of [['runs'], ['status'], ['run', plan, '--yes'], ['mcp', 'trust']]) {
      const result = await runKsa(args, { home, cwd: path.dirname(plan), timeoutMs: 10_000 });
      expect(result.timedOut, `ksa ${args.join(' ')} hung\n${describeResult(result)}`).toBe(false);
      expect(result.code, describeResult(result)).toBe(2);
      expect(nonEmptyLines(result.stderr).at(-1)).toMatch(new RegExp(`^ksa: cannot create the folder ${home}\\S*: the file system there does not allow new folders; ksa keeps runs and sessions in KSA_HOME`));
      expect(stackTraceLines(result.stderr)).toEqual([]);
      // Said before the plan is shown for approval, not after the user said yes.
      expect(result.stderr).not.toContain('Plan:');
    }
    expect(existsSync(path.join(path.dirname(plan), 'ran'))).toBe(false);
  });
});
