import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit } from '../helpers/durable.js';

// A goal holding a credential-shaped text or a secret's value is *** in the summary ksa prints at the end of a run,
// as in the run's record, its --json events and its progress lines.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-summary-goal-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

const TOKEN = 'ghp_' + 'Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc8';
const PASSWORD = 'Hunter2-db-pw';
const ENV_SECRET = 'Zq7pX9wVsecretA1';

const failing = (goal: string) => `goal: "${goal}"
inputs: { dbPassword: "" }
steps:
  - id: push
    tool: shell
    args: { command: "exit 3" }
`;

describe.concurrent('the summary line of a failed run', () => {
  it.each([
    ['a credential-shaped text', `Push with ${TOKEN}`, [] as string[], {}, TOKEN],
    ['a secret input given', `Reset ${PASSWORD} on db`, ['--input', `dbPassword=${PASSWORD}`], {}, PASSWORD],
    ['a secret variable', `Rotate ${ENV_SECRET}`, [] as string[], { DEPLOY_TOKEN: ENV_SECRET }, ENV_SECRET],
  ])('hides %s in the goal', async (name, goal, args, env, secret) => {
    const folder = name.replaceAll(' ', '-');
    const file = await sandbox.writePlan(`${folder}/plan.yaml`, failing(goal));
    const result = await runKsa(['run', file, '--yes', ...args], { home: path.join(sandbox.home, folder), env });
    expectExit(result, 1);
    const summary = result.stderr.split('\n').find((line) => line.includes('Run failed'));
    expect(summary).toBe(`\u2717 Run failed  ${goal.replace(secret, '***')}`);
  });
});
