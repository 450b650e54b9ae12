import { existsSync, symlinkSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// A workspace reached through a symbolic link (macOS: /tmp is /private/tmp): a path named through
// the link or through the folder it points to is the same workspace file for the deny rules.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-symlinked-ws-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

/** `real` holds the workspace's files, `link` points to it; the home's policy denies reading .env and touching `denied*` in `marks`. */
async function setUp(name: string): Promise<{ real: string; link: string; home: string; marks: string }> {
  const root = path.join(sandbox.dir, name);
  const real = path.join(root, 'real');
  const link = path.join(root, 'link');
  const home = path.join(root, 'home');
  const marks = path.join(root, 'marks');
  for (const dir of [real, home, marks]) await mkdir(dir, { recursive: true });
  symlinkSync(real, link);
  await writeFile(path.join(real, '.env'), 'SECRET=symlinked-secret-value\n');
  await writeFile(path.join(home, 'policy.yaml'), `deny:\n  - read_file: ".env"\n  - shell: "touch ${marks}/denied*"\n`);
  return { real, link, home, marks };
}

describe('deny rules in a workspace reached through a symbolic link', () => {
  it.each([
    ['opened through the link, the file named by the real path', 'link', 'real'],
    ['opened by the real path, the file named through the link', 'real', 'link'],
  ] as const)('read_file of .env by its absolute path is denied and not read: %s', async (name, opened, named) => {
    const dirs = await setUp(`env-${opened}`);
    const plan = path.join(dirs.real, 'plan.yaml');
    await writeFile(plan, `goal: read env\nsteps:\n  - { id: r, tool: read_file, args: { path: ${JSON.stringify(path.join(dirs[named], '.env'))} } }\n`);
    const run = await runKsa(['run', plan, '--workspace', dirs[opened], '--yes', '--json'], { home: dirs.home });
    expect(run.code, `${name}: ${describeResult(run)}`).toBe(2);
    expect(run.stderr).toContain('denied by deny read_file: ".env"');
    expect(run.stdout + run.stderr).not.toContain('symlinked-secret-value');
  });

  it.each([
    ['the rule names the file through the link, the workspace is opened by the real path', 'link', 'real'],
    ['the rule names the file by the real path, the workspace is opened through the link', 'real', 'link'],
  ] as const)('a deny rule with the workspace file by its absolute path holds for the relative path: %s', async (name, ruled, opened) => {
    const dirs = await setUp(`rule-${ruled}`);
    await writeFile(path.join(dirs.home, 'policy.yaml'), `deny:\n  - read_file: ${JSON.stringify(path.join(dirs[ruled], '.env'))}\n`);
    const plan = path.join(dirs[opened], 'plan.yaml');
    await writeFile(plan, 'goal: read env\nsteps:\n  - { id: r, tool: read_file, args: { path: .env } }\n');
    const run = await runKsa(['run', plan, '--workspace', dirs[opened], '--yes', '--json'], { home: dirs.home });
    expect(run.code, `${name}: ${describeResult(run)}`).toBe(2);
    expect(run.stderr).toContain(`denied by deny read_file: ${JSON.stringify(path.join(dirs[ruled], '.env'))}`);
    expect(run.stdout + run.stderr).not.toContain('symlinked-secret-value');
  });

  it('a script the plan writes, run by its absolute path through the folder the workspace link points to, is denied and not run', async () => {
    const { real, link, home, marks } = await setUp('script');
    const plan = path.join(real, 'plan.yaml');
    await writeFile(
      plan,
      `goal: script through the link
steps:
  - id: w
    tool: write_file
    args: { path: deploy.sh, content: "#!/bin/sh\\ntouch ${marks}/denied1\\n" }
  - id: r
    tool: shell
    args: { command: "sh ${real}/deploy.sh" }
    dependsOn: [w]
`,
    );
    const run = await runKsa(['run', plan, '--workspace', link, '--yes'], { home });
    expect(run.code, describeResult(run)).toBe(2);
    expect(existsSync(path.join(marks, 'denied1'))).toBe(false);
  });

  it.each([
    ['.env', 'e2', 'dotenv'],
    ['**/.env', 'e2', 'globstar'],
    ['secrets/*', 's2/api', 'folder'],
  ])('a relative deny rule %s holds for %s, a link in the workspace to that file: denied and not read', async (rule, named, name) => {
    const { real, home } = await setUp(`relative-${name}`);
    await mkdir(path.join(real, 'secrets'));
    await writeFile(path.join(real, 'secrets', 'api'), 'SECRET=symlinked-secret-value\n');
    symlinkSync('.env', path.join(real, 'e2'));
    symlinkSync('secrets', path.join(real, 's2'));
    await mkdir(path.join(real, '.ksa'));
    await writeFile(path.join(real, '.ksa', 'policy.yaml'), `deny:\n  - { read_file: ${JSON.stringify(rule)} }\n`);
    await writeFile(path.join(home, 'policy.yaml'), '');
    const plan = path.join(real, 'plan.yaml');
    await writeFile(plan, `goal: read through a link\nsteps:\n  - { id: s, tool: read_file, args: { path: ${named} } }\n`);
    const run = await runKsa(['run', plan, '--yes', '--json'], { home });
    expect(run.code, describeResult(run)).toBe(2);
    expect(run.stderr).toContain(`denied by deny read_file: ${JSON.stringify(rule)}`);
    expect(run.stdout + run.stderr).not.toContain('symlinked-secret-value');
  });
});
