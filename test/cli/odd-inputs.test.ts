import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, REPO_ROOT, runKsa, type CliSandbox } from '../helpers/cli.js';

// Plans, stores and folders as some machines have them: each gets one line that says what is wrong.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-odd-inputs-');
});
afterAll(() => sandbox.cleanup());

const PLAN = 'goal: Say hello\nsteps:\n  - id: hello\n    tool: shell\n    args: { command: "echo hello" }\n';

describe.concurrent('odd inputs', () => {
  it('a plan saved as UTF-16 or in Latin-1 is refused and the encoding named, not parsed into nonsense', async () => {
    const utf16 = path.join(sandbox.dir, 'u16.yaml');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PLAN, 'utf16le')]));
    const latin1 = path.join(sandbox.dir, 'l1.yaml');
    writeFileSync(latin1, Buffer.from(PLAN.replace('Say', 'S\u00e4y'), 'latin1'));
    const utf32 = path.join(sandbox.dir, 'u32.yaml');
    writeFileSync(utf32, Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from([...PLAN].flatMap((c) => [c.charCodeAt(0), 0, 0, 0]))]));
    const wide = await runKsa(['validate', utf32], { home: sandbox.home, cwd: sandbox.dir });
    expect(wide.stderr).toContain(`${utf32}: is UTF-32 text; save it as UTF-8`);
    const first = await runKsa(['validate', utf16], { home: sandbox.home, cwd: sandbox.dir });
    expect(first.code, describeResult(first)).toBe(2);
    expect(first.stderr).toContain(`${utf16}: is UTF-16 text; save it as UTF-8 (a plan is UTF-8 text)`);
    const second = await runKsa(['run', latin1, '--yes'], { home: sandbox.home, cwd: sandbox.dir });
    expect(second.code, describeResult(second)).toBe(2);
    expect(second.stderr).toContain(`${latin1}: is not UTF-8 text (Latin-1 or Windows-1252, perhaps); save it as UTF-8`);
  });

  it('KSA_HOME a link to a folder that is not there: the line says so; a loop of links: said, not an unexpected error', async () => {
    const plan = path.join(sandbox.dir, 'plan.yaml');
    writeFileSync(plan, PLAN);
    const dangling = path.join(sandbox.dir, 'dangling-home');
    symlinkSync(path.join(sandbox.dir, 'unmounted', 'disk'), dangling);
    const run = await runKsa(['run', plan, '--yes'], { home: dangling, cwd: sandbox.dir });
    expect(run.code, describeResult(run)).toBe(2);
    expect(run.stderr).toContain(`${dangling} is a symbolic link to ${path.join(sandbox.dir, 'unmounted', 'disk')}, which does not exist`);
    const loop = path.join(sandbox.dir, 'loop-home');
    symlinkSync(loop, loop);
    const runs = await runKsa(['runs'], { home: loop, cwd: sandbox.dir });
    expect(runs.code, describeResult(runs)).not.toBe(0);
    expect(runs.stderr).toMatch(/loop of symbolic links/);
    expect(runs.stderr).not.toMatch(/unexpected error/);
    const looped = await runKsa(['run', plan, '--yes'], { home: loop, cwd: sandbox.dir });
    expect(looped.code, describeResult(looped)).toBe(2);
    expect(looped.stderr).toContain(`ksa: KSA_HOME ${loop} cannot be read (a loop of symbolic links), so neither can its policy.yaml; point KSA_HOME at a folder ksa can use\n`);
    expect(looped.stderr).not.toMatch(/ELOOP/);
  });

  // Root reads any folder: the unreadable one is seen as another user (CI runs as root).
  it.skipIf(process.getuid?.() !== 0)('a workspace folder the user cannot read: said so, not "cannot read the policy file"', () => {
    const root = path.join(sandbox.dir, 'locked');
    mkdirSync(path.join(root, 'ws'), { recursive: true });
    mkdirSync(path.join(root, 'store'));
    writeFileSync(path.join(root, 'plan.yaml'), PLAN);
    chmodSync(sandbox.dir, 0o755);
    chmodSync(path.dirname(sandbox.dir), 0o755);
    chmodSync(root, 0o755);
    chmodSync(path.join(root, 'plan.yaml'), 0o644);
    chmodSync(path.join(root, 'store'), 0o777);
    chmodSync(path.join(root, 'ws'), 0o000);
    const result = spawnSync(
      'setpriv',
      ['--reuid=12345', '--regid=12345', '--clear-groups', 'env', '-i', `PATH=${path.dirname(process.execPath)}:/usr/bin:/bin`, `KSA_HOME=${path.join(root, 'store')}`, path.join(REPO_ROOT, 'bin', 'ksa'), 'policy', 'check', path.join(root, 'plan.yaml'), '--workspace', path.join(root, 'ws')],
      { encoding: 'utf8', timeout: 30_000 },
    );
    chmodSync(path.join(root, 'ws'), 0o755);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toBe(`ksa: the workspace folder ${path.join(root, 'ws')} cannot be read (permission denied), so neither can its .ksa/policy.yaml; run ksa from a folder you can read, or give --workspace\n`);
  });
});
