import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KSA_ARGV, KSA_COMMAND, ksaEnv, REPO_ROOT } from '../helpers/cli.js';

// bin/ksa (the command npm links) starts `ksa validate` from the startup snapshot that the build makes
// (dist/snapshot/). It must answer exactly as the bundle (node bin/ksa.js) does, wherever it is started from.

type Outcome = { code: number; stdout: string; stderr: string };

function run(file: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Outcome> {
  return new Promise((resolve) =>
    execFile(file, [...args], { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? ksaEnv({ home: home }) }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    ),
  );
}

const bundle = (args: readonly string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }) => run(process.execPath, [...KSA_ARGV, ...args], options);
const command = (args: readonly string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }) => run(KSA_COMMAND, args, options);

let dir: string;
let home: string;
const plan = path.join(REPO_ROOT, 'examples/deploy-local/plan.yaml');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ksa-snapshot-test-'));
  home = path.join(dir, 'home');
  await mkdir(home);
  await writeFile(path.join(dir, 'bad.yaml'), 'goal: broken\nsteps:\n  - id: a\n    tool: shell\n    args: { command: 1 }\n  - id: b\n    dependsOn: [nope]\n    tool: no_such_tool\n');
  await writeFile(path.join(dir, 'syntax.yaml'), 'goal: x\nsteps: [\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ksa validate from the startup snapshot', () => {
  it('the build made a snapshot, and bin/ksa starts validate from it with the Node that built it', async () => {
    expect(existsSync(path.join(REPO_ROOT, 'dist/snapshot/ksa.blob'))).toBe(true);
    const traced = await run('sh', ['-x', KSA_COMMAND, 'validate', plan]);
    expect(traced.code).toBe(0);
    expect(traced.stderr).toMatch(/exec \S*dist\/snapshot\/node --liftoff-only --snapshot-blob \S*dist\/snapshot\/ksa\.blob /);
    expect(traced.stdout).toContain('valid plan, 10 steps');
  });

  it('holds validate and none of the other commands (a smaller heap starts faster)', async () => {
    const script = await readFile(path.join(REPO_ROOT, 'dist/snapshot/ksa.cjs'), 'utf8');
    expect(script).toContain('function validateCommand(');
    for (const command of ['runCommand', 'chatCommand', 'statusCommand', 'planCommand', 'workerCommand']) expect(script, command).not.toContain(`function ${command}(`);
  });

  it.each([
    ['a valid plan', [plan]],
    ['a valid plan, --json (risk: the policy modules and the bash parser load from node_modules)', [plan, '--json']],
    ['an invalid plan: every problem, exit 2', ['bad.yaml']],
    ['an invalid plan, --json', ['bad.yaml', '--json']],
    ['a YAML syntax error', ['syntax.yaml']],
    ['a missing file', ['missing.yaml']],
    ['a bad flag value', [plan, '--max-steps', 'x']],
    ['validate --help', ['--help']],
    ['no file: a usage error', []],
    ['an unknown flag, with a suggestion', [plan, '--jsn']],
    ['an input that is not name=value', [plan, '--input', 'port']],
  ])('answers as the bundle does: %s', async (_name, args) => {
    const options = { cwd: dir };
    const [expected, actual] = await Promise.all([bundle(['validate', ...args], options), command(['validate', ...args], options)]);
    expect(actual).toEqual(expected);
  });

  it('reads the environment of the process that runs it, not of the build: colour, KSA_HOME', async () => {
    const env = ksaEnv({ home, env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    const [expected, actual] = await Promise.all([bundle(['validate', plan], { env }), command(['validate', plan], { env })]);
    expect(actual).toEqual(expected);
    expect(actual.stdout).toContain('\u001b[32m');
    // A config.json the build never saw: its broken "redis" is named, as by the bundle.
    const other = path.join(dir, 'other-home');
    await mkdir(other, { recursive: true });
    await writeFile(path.join(other, 'config.json'), '{ "redis": 5 }');
    const withRedis = path.join(dir, 'runs-on.yaml');
    await writeFile(withRedis, 'goal: labels\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "true" }\n    runsOn: [gpu]\n');
    const envOther = ksaEnv({ home: other });
    const [bundled, started] = await Promise.all([bundle(['validate', withRedis], { env: envOther }), command(['validate', withRedis], { env: envOther })]);
    expect(started).toEqual(bundled);
    expect(started.stderr).toContain('config.json');
  });

  it('without KSA_HOME, the home folder is the running user\'s, not the build\'s: its policy.yaml denies', async () => {
    const user = path.join(dir, 'user-home');
    await mkdir(path.join(user, '.local/share/ksa'), { recursive: true });
    await writeFile(path.join(user, '.local/share/ksa/policy.yaml'), 'deny:\n  - shell: "rm -rf /*"\n');
    const nuke = path.join(dir, 'nuke.yaml');
    await writeFile(nuke, 'goal: clean\nsteps:\n  - id: clean\n    tool: shell\n    args: { command: "rm -rf /tmp/ksa-no-such-folder" }\n');
    const env = ksaEnv({ env: { KSA_HOME: undefined, XDG_DATA_HOME: undefined, HOME: user } });
    const [bundled, started] = await Promise.all([bundle(['validate', nuke], { env }), command(['validate', nuke], { env })]);
    expect(started).toEqual(bundled);
    expect(started.code).toBe(2);
    expect(started.stdout).toContain(`denied by deny shell: "rm -rf /*" (${path.join(user, '.local/share/ksa/policy.yaml')}:2)`);
  });

  it('works through a symbolic link from another folder, as npm links it', async () => {
    const binDir = path.join(dir, 'node_modules/.bin');
    await mkdir(binDir, { recursive: true });
    await symlink(path.relative(binDir, KSA_COMMAND), path.join(binDir, 'ksa'));
    const result = await run(path.join(binDir, 'ksa'), ['validate', plan], { cwd: dir });
    expect(result).toEqual({ code: 0, stdout: expect.stringContaining('valid plan, 10 steps') as string, stderr: '' });
  });

  it('without a snapshot (not built, or no hard link possible) validate starts from the bundle', async () => {
    const copy = path.join(dir, 'package');
    await mkdir(path.join(copy, 'dist'), { recursive: true });
    await cp(path.join(REPO_ROOT, 'bin'), path.join(copy, 'bin'), { recursive: true });
    await symlink(path.join(REPO_ROOT, 'dist/cli'), path.join(copy, 'dist/cli'));
    await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    await symlink(path.join(REPO_ROOT, 'package.json'), path.join(copy, 'package.json'));
    // PATH's node: the one running the tests.
    const env = ksaEnv({ home, env: { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` } });
    const traced = await run('sh', ['-x', path.join(copy, 'bin/ksa'), 'validate', plan], { env });
    expect(traced.stderr).toMatch(/exec node --liftoff-only \S*bin\/ksa\.js validate/);
    expect(traced.stdout).toContain('valid plan, 10 steps');
    expect(traced.code).toBe(0);
  });
});
