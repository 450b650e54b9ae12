import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit } from '../helpers/durable.js';

// A goal naming a secret input's value is *** in the run list (ksa runs, --json, runs/index.json), as in the run itself.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-runs-goal-secret-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

const PASSWORD = 'GoalPw4455';

describe('ksa runs', () => {
  it('shows *** for a secret input\'s value in a goal, and again once its index is rebuilt', async () => {
    const plan = await sandbox.writePlan('rotate/plan.yaml', `goal: Rotate the db password to ${PASSWORD}\ninputs: { dbPassword: "" }\nsteps:\n  - id: rotate\n    tool: shell\n    args: { command: "echo rotated" }\n`);
    const home = path.join(sandbox.home, 'rotate');
    expectExit(await runKsa(['run', plan, '--yes', '--input', `dbPassword=${PASSWORD}`], { home }), 0);
    const index = readFileSync(path.join(home, 'runs', 'index.json'), 'utf8');
    expect(index).not.toContain(PASSWORD);
    expect(index).toContain('Rotate the db password to ***');
    for (const round of ['indexed', 'rebuilt']) {
      if (round === 'rebuilt') rmSync(path.join(home, 'runs', 'index.json'));
      const listed = await runKsa(['runs'], { home });
      expectExit(listed, 0);
      expect(listed.stdout + listed.stderr, round).not.toContain(PASSWORD);
      expect(listed.stdout, round).toContain('Rotate the db password to ***');
      const json = await runKsa(['runs', '--json'], { home });
      expectExit(json, 0);
      expect(json.stdout, round).not.toContain(PASSWORD);
      expect(JSON.stringify(JSON.parse(json.stdout)), round).toContain('"goal":"Rotate the db password to ***"');
    }
  });
});
