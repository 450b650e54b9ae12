import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import { readPlanFile } from '../../src/cli/plan-file.js';
import { createCliSandbox, describeResult, KSA_ARGV, ksaEnv, nonEmptyLines, REPO_ROOT, runKsa, stackTraceLines, type CliSandbox } from '../helpers/cli.js';

// `-` as the plan reads it from stdin, as `kubectl apply -f -` does: `ksa plan … | ksa validate -`.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const ksa = (stdin: string, ...args: string[]) => runKsa(args, { home: sandbox.home, cwd: sandbox.dir, stdin });

const WRITE_PLAN = `goal: Write a marker where ksa runs
steps:
  - id: mark
    tool: write_file
    args: { path: marker.txt, content: "from stdin" }
`;

describe.concurrent('a plan read from stdin (-)', () => {
  it('ksa validate - checks the piped plan: the example is valid, exit 0', async () => {
    const example = await readFile(path.join(REPO_ROOT, 'examples/deploy-local/plan.yaml'), 'utf8');
    const result = await ksa(example, 'validate', '-');
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toMatch(/^✓ <stdin>: valid plan, 10 steps/);
  });

  it('problems point at <stdin>:line:col, exit 2', async () => {
    const result = await ksa('goal: x\nsteps:\n  - id: a\n    tool: shel\n    args: { command: "true" }\n', 'validate', '-');
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stdout).toContain('<stdin>:4:11 steps[0].tool: unknown tool "shel" (did you mean "shell"?)');
  });

  it('piped JSON is read as strict JSON, and --json names the source <stdin>', async () => {
    const broken = await ksa('{"goal": "x",', 'validate', '-');
    expect(broken.code, describeResult(broken)).toBe(2);
    expect(nonEmptyLines(broken.stderr)).toEqual([expect.stringMatching(/^ksa: <stdin>:1:\d+: JSON syntax error: /)]);
    const valid = await ksa('{"goal":"x","steps":[{"id":"a","tool":"sleep","args":{"ms":1}}]}', 'validate', '-', '--json');
    expect(valid.code, describeResult(valid)).toBe(0);
    expect(JSON.parse(valid.stdout)).toMatchObject({ valid: true, file: '<stdin>', steps: 1 });
  });

  it('nothing piped in: exit 2, one line, no stack trace', async () => {
    const result = await ksa('', 'validate', '-');
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stdout).toBe('');
    expect(nonEmptyLines(result.stderr)).toEqual(['ksa: <stdin>: nothing was piped in; a plan needs "goal" and "steps"']);
    expect(stackTraceLines(result.stderr)).toEqual([]);
  });

  it('ksa run - --yes runs the piped plan with the current directory as its workspace, and records no plan file', async () => {
    const result = await ksa(WRITE_PLAN, 'run', '-', '--yes');
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stderr).toContain(`workspace: ${sandbox.dir}`);
    expect(await readFile(path.join(sandbox.dir, 'marker.txt'), 'utf8')).toBe('from stdin');
    const status = await runKsa(['status', '--json'], { home: sandbox.home, cwd: sandbox.dir });
    const doc = JSON.parse(status.stdout) as { status: string; workspace: string; planFile?: string };
    expect(doc).toMatchObject({ status: 'succeeded', workspace: sandbox.dir });
    expect(doc.planFile).toBeUndefined();
  });

  it('a plan read from a stream (<(…) as /dev/fd/N, /dev/stdin) gets the current directory as its workspace too, not /dev/fd or /dev', async () => {
    await sandbox.writePlan('streamed.yaml', WRITE_PLAN.replace('marker.txt', 'from-stream.txt'));
    // A user's shell: process substitution and a real pipe (a test's stdin is a socket, which /dev/stdin cannot open).
    const ksaLine = [process.execPath, ...KSA_ARGV].map((word) => `'${word}'`).join(' ');
    // Its own home: the concurrent test above reads the latest run of the shared one.
    const home = await mkdtemp(path.join(sandbox.dir, 'home-'));
    const shell = (line: string) => promisify(execFile)('bash', ['-c', line], { cwd: sandbox.dir, env: ksaEnv({ home }) });
    for (const line of [`${ksaLine} run <(cat streamed.yaml) --yes`, `cat streamed.yaml | ${ksaLine} run /dev/stdin --yes`]) {
      await rm(path.join(sandbox.dir, 'from-stream.txt'), { force: true });
      const { stderr } = await shell(line);
      expect(stderr).toContain(`workspace: ${sandbox.dir}\n`);
      expect(await readFile(path.join(sandbox.dir, 'from-stream.txt'), 'utf8')).toBe('from stdin');
    }
    const { stdout } = await shell(`${ksaLine} validate <(cat streamed.yaml) --json`);
    expect(JSON.parse(stdout)).toMatchObject({ valid: true });
    const socket = await runKsa(['run', '/dev/stdin', '--yes'], { home, cwd: sandbox.dir, stdin: WRITE_PLAN });
    expect(socket.code, describeResult(socket)).toBe(2);
    expect(nonEmptyLines(socket.stderr)).toEqual(['ksa: /dev/stdin: cannot be opened (no such device or address); give the plan as "-" to read it from stdin']);
  });

  it('ksa run - without --yes: stdin holds the plan, so nobody can answer; refused, exit 2, nothing runs', async () => {
    const plan = WRITE_PLAN.replace('marker.txt', 'not-approved.txt');
    const result = await ksa(plan, 'run', '-');
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toMatch(/not approved: this plan runs commands, and stdin holds the plan, so it cannot also answer the question; .*pass --yes/);
    await expect(readFile(path.join(sandbox.dir, 'not-approved.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('ksa policy check - rates the piped plan', async () => {
    const result = await ksa(WRITE_PLAN, 'policy', 'check', '-', '--json');
    expect(result.code, describeResult(result)).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ file: '<stdin>', decision: 'ask' });
  });
});

describe('readPlanFile("-")', () => {
  it('refuses a terminal as stdin (nobody types a plan there) with a hint, instead of waiting', async () => {
    const terminal = Object.assign(Readable.from([]), { isTTY: true });
    const error = await readPlanFile('-', terminal).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(/^<stdin>: "-" reads the plan from stdin, which is a terminal here; pipe a plan in/);
  });

  it('a command without stdin says so', async () => {
    await expect(readPlanFile('-')).rejects.toThrow(/cannot read a plan from stdin; give a plan file/);
  });
});
