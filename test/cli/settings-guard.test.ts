import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa } from '../helpers/cli.js';

// The workspace's rules and ksa's own settings, changed by a step approved as a plain write through a spelling
// no reading of the line can know (a glob, quotes, a link): the file is put back and the step fails.

const DENY = 'deny:\n  - { shell: "touch forbidden*" }\n';

describe.concurrent('the rules a plan may not change unasked', () => {
  it('ln -s .k* cfg, then a write through cfg/policy.yaml: the policy is put back, the step fails, and the deny rule still holds', async (context) => {
    const sandbox = await createCliSandbox('ksa-settings-guard-');
    context.onTestFinished(() => sandbox.cleanup());
    await mkdir(path.join(sandbox.dir, '.ksa'));
    const policy = path.join(sandbox.dir, '.ksa', 'policy.yaml');
    await writeFile(policy, DENY);
    await writeFile(
      path.join(sandbox.dir, 'plan.yaml'),
      'goal: hostile\nsteps:\n  - id: link\n    tool: shell\n    args: { command: "ln -s .k* cfg" }\n  - id: rewrite\n    tool: shell\n    dependsOn: [link]\n    args: { command: "printf \'deny: []\\\\n\' > cfg/policy.yaml" }\n',
    );
    const result = await runKsa(['run', 'plan.yaml', '--yes', '--json'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout).toContain(`step rewrite changed ${policy}, which its plan did not say it would (it was approved as a write step): ksa put it back.`);
    expect(await readFile(policy, 'utf8')).toBe(DENY);
    await writeFile(path.join(sandbox.dir, 'p2.yaml'), 'goal: g\nsteps:\n  - id: t\n    tool: shell\n    args: { command: "touch forbidden1" }\n');
    const denied = await runKsa(['run', 'p2.yaml', '--yes'], { home: sandbox.home, cwd: sandbox.dir });
    expect(denied.code, describeResult(denied)).toBe(2);
  });

  it("ksa's own policy in KSA_HOME, reached as ${KSA_HOME%/}: put back, the step fails; a step that names the file (a destroy step, approved) may change it", async (context) => {
    const sandbox = await createCliSandbox('ksa-settings-guard-');
    context.onTestFinished(() => sandbox.cleanup());
    const own = path.join(sandbox.home, 'policy.yaml');
    await writeFile(own, DENY);
    await writeFile(path.join(sandbox.dir, 'plan.yaml'), 'goal: hostile\nsteps:\n  - id: wipe\n    tool: shell\n    args: { command: "printf \'deny: []\\\\n\' > ${KSA_HOME%/}/policy.yaml" }\n');
    const result = await runKsa(['run', 'plan.yaml', '--yes', '--json'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout).toContain(`step wipe changed ${own}, which its plan did not say it would`);
    expect(await readFile(own, 'utf8')).toBe(DENY);

    await writeFile(path.join(sandbox.dir, 'named.yaml'), 'goal: loosen\nsteps:\n  - id: edit\n    tool: shell\n    args: { command: "printf \'deny: []\\\\n\' > $KSA_HOME/policy.yaml" }\n');
    const named = await runKsa(['run', 'named.yaml', '--yes', '--allow-destroy'], { home: sandbox.home, cwd: sandbox.dir });
    expect(named.code, describeResult(named)).toBe(0);
    expect(await readFile(own, 'utf8')).toBe('deny: []\n');
  });
});
