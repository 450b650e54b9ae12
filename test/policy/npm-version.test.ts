import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { assessPlanRisk, classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { createBuiltinRegistry, parseShell, riskOptions } from '../../src/tools/index.js';

// `npm version <new version>` rewrites package.json, commits and tags it, and runs the version scripts.

const options = riskOptions(createBuiltinRegistry());
const plan = (steps: PlanInput['steps']) => PlanSchema.parse({ goal: 'version', steps });
const write = (content: string): PlanInput['steps'][number] => ({ id: 'script', tool: 'write_file', args: { path: 'package.json', content } });
const run = (command: string): PlanInput['steps'][number] => ({ id: 'run', tool: 'shell', args: { command }, dependsOn: ['script'] });

async function runRisk(steps: PlanInput['steps']) {
  return (await assessPlanRisk(plan(steps), options)).steps.run;
}

describe('classifyShell: npm version', () => {
  it.each<[string, RiskLevel]>([
    ['npm version patch', 'write'],
    ['npm version 1.2.0', 'write'],
    ['npm version "$V"', 'write'],
    ['npm version $V', 'write'],
    ['npm version -m "release %s" minor', 'write'],
    ['npm version --no-git-tag-version patch', 'write'],
    ['sudo npm version patch', 'write'],
    ['timeout 60 npm version patch', 'write'],
    ["sh -c 'npm version patch'", 'write'],
    ['npm version patch && git push --follow-tags', 'write'],
    // Without a version it prints the versions.
    ['npm version', 'read'],
    ['npm version --json', 'read'],
    ['npm --version', 'read'],
    ['npm -v', 'read'],
  ])('%s is %s', async (command, level) => {
    const risk = await classifyShell(command, parseShell);
    expect(risk.level, risk.reason).toBe(level);
  });

  it('says it rewrites package.json', async () => {
    expect((await classifyShell('npm version patch', parseShell)).reason).toBe('npm version patch rewrites package.json and runs its version scripts');
  });
});

describe('npm version of a package.json the plan writes', () => {
  it('is rated by the version scripts it runs', async () => {
    const destroying = JSON.stringify({ name: 'a', version: '1.0.0', scripts: { preversion: 'rm -rf /srv/data' } });
    for (const line of ['npm version patch', 'sudo npm version 1.2.0', "sh -c 'npm version minor'", 'npm version --no-git-tag-version patch']) {
      expect(await runRisk([write(destroying), run(line)]), line).toEqual({ level: 'destroy', reason: 'runs package.json, which step script writes: rm -rf /srv/data' });
    }
    const tested = JSON.stringify({ scripts: { version: 'npm test', test: 'vitest run', clean: 'rm -rf dist' } });
    expect((await runRisk([write(tested), run('npm version patch')]))?.level).toBe('write');
    expect((await runRisk([write(destroying), run('npm version')]))?.level).toBe('read');
  });

  it('is rated by the version scripts of the package.json in the folder an option names, in each spelling npm takes', async () => {
    const destroying = JSON.stringify({ name: 'a', version: '1.0.0', scripts: { preversion: 'rm -rf /srv/data' } });
    const inApp = { id: 'script', tool: 'write_file', args: { path: 'app/package.json', content: destroying } } as const;
    for (const line of ['npm --prefix app version patch', 'npm -C app version patch', 'npm --prefix=app version patch', 'npm version patch --prefix app', 'npm --prefix app --loglevel warn version patch', 'npm --prefix app verison patch', 'cd app && echo patch | xargs npm --prefix . version']) {
      expect(await runRisk([inApp, run(line)]), line).toEqual({ level: 'destroy', reason: 'runs app/package.json, which step script writes: rm -rf /srv/data' });
    }
    for (const line of ['npm verison patch', 'npm --loglevel warn version patch', 'echo patch | xargs npm version', 'npm version "$(cat v)"']) {
      expect(await runRisk([write(destroying), run(line)]), line).toEqual({ level: 'destroy', reason: 'runs package.json, which step script writes: rm -rf /srv/data' });
    }
    expect((await runRisk([inApp, run('npm --prefix app version')]))?.level).not.toBe('destroy');
  });

  it("is rated by a workspace's version scripts when yarn runs version in the workspace it names", async () => {
    const root = { id: 'root', tool: 'write_file', args: { path: 'package.json', content: JSON.stringify({ private: true, workspaces: ['packages/*'] }) } } as const;
    const web = { id: 'script', tool: 'write_file', args: { path: 'packages/web/package.json', content: JSON.stringify({ name: 'web', version: '1.0.0', scripts: { version: 'rm -rf /srv/data' } }) } } as const;
    for (const line of ['yarn workspace web version patch', 'yarn workspace web version', 'yarn --cwd packages/web version patch', 'cd packages && yarn workspace web version --patch']) {
      expect((await runRisk([root, web, { ...run(line), dependsOn: ['root', 'script'] }]))?.level, line).toBe('destroy');
    }
    const tested = { ...web, args: { ...web.args, content: JSON.stringify({ name: 'web', scripts: { version: 'npm test', test: 'vitest run' } }) } };
    expect((await runRisk([root, tested, { ...run('yarn workspace web version patch'), dependsOn: ['root', 'script'] }]))?.level).toBe('write');
  });
});
