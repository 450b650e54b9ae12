import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit } from '../helpers/durable.js';

// The plan shown before approval hides a secret of the environment as what the run prints and keeps does: a plan
// copied from a shell history or written by hand may hold one.

const SECRET = 'tok-5150-env-secret';

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-plan-card-env-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

describe('the plan card and the secrets of the environment', () => {
  it('ksa run shows the goal and the command with *** for the value of a *_TOKEN variable, as does --dry-run and its --json', async () => {
    const plan = await sandbox.writePlan('env/plan.yaml', `goal: deploy with ${SECRET}\nsteps:\n  - id: call\n    tool: shell\n    args: { command: 'curl -H "Authorization: ${SECRET}" http://localhost:1' }\n`);
    const options = { home: sandbox.home, cwd: sandbox.dir, env: { DEPLOY_TOKEN: SECRET } };

    const asked = await runKsa(['run', plan], options);
    expectExit(asked, 2);
    expect(asked.stderr).toContain('Plan: deploy with ***');
    expect(asked.stderr).toContain('shell: curl -H "Authorization: ***" http://localhost:1');

    const dry = await runKsa(['run', plan, '--dry-run'], options);
    expectExit(dry, 0);
    expect(dry.stdout).toContain('Plan: deploy with ***');

    const json = await runKsa(['run', plan, '--dry-run', '--json'], options);
    expectExit(json, 0);
    expect((JSON.parse(json.stdout) as { goal: string }).goal).toBe('deploy with ***');

    for (const result of [asked, dry, json]) expect(result.stdout + result.stderr).not.toContain(SECRET);
  });
});
