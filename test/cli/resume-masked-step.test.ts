import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, readRunFile } from '../helpers/durable.js';
import { crashedWhileS2Runs } from '../helpers/long-run.js';

// A secret typed literally into a step (a token in env, a secret input's value written by hand) is stored as ***:
// after a crash, ksa resume and ksa cancel refuse to run that step or rollback from the record, instead of running
// the three stars (a shell would even expand them as a glob) in place of the secret.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-resume-masked-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

const SECRET = 'Zq7pX9wVsecretA1';
const TOKEN = 'ghp_AbCdEf0123456789AbCdEf0123456789Ab';

const planWith = (step: string, rollback: string) => `goal: Typed secrets
inputs: { apiToken: "" }
steps:
  - id: s1
    tool: shell
    args: { command: "echo s1" }
    rollback: { tool: shell, args: { command: "echo ${rollback} > undone.txt" } }
  - id: s2
    tool: shell
    dependsOn: [s1]
    args: { command: "echo $$ >> long.pids; sleep 30" }
  - id: push
    tool: shell
    dependsOn: [s2]
    args: { command: "echo ${step} > pushed.txt" }
`;

/** `ksa run` of the plan killed with SIGKILL while s2 runs (s1 succeeded). */
function crashed(name: string, plan: string, env: Record<string, string> = {}) {
  return crashedWhileS2Runs(sandbox, name, plan, leftovers, { args: ['--input', `apiToken=${SECRET}`], env });
}

describe.concurrent('a run holding a secret typed into a step, after a crash', () => {
  it('ksa resume refuses in one line naming the step and how to start afresh (exit 2); nothing runs', async () => {
    const { file, dir, home, runId } = await crashed('resume-input', planWith(`push-${SECRET}`, 'undo'));
    const result = await runKsa(['resume', runId, '--yes', '--input', `apiToken=${SECRET}`], { home, cwd: dir });
    expectExit(result, 2);
    expect(result.stderr.trim()).toBe(`ksa: run ${runId} cannot be resumed: step push holds a secret written into the plan, stored as *** and not kept; nothing was run. ksa run ${file} starts it afresh`);
    expect(existsSync(path.join(dir, 'pushed.txt'))).toBe(false);
    expect(readRunFile(home, runId)?.state.status).toBe('running');
  });

  it('ksa resume refuses a rollback holding one (an environment token typed into the plan), as ksa cancel does', async () => {
    const { dir, home, runId } = await crashed('rollback-env', planWith('push', `undo-${TOKEN}`), { DEPLOY_TOKEN: TOKEN });
    const env = { DEPLOY_TOKEN: TOKEN };
    const resumed = await runKsa(['resume', runId, '--yes', '--input', `apiToken=${SECRET}`], { home, cwd: dir, env });
    expectExit(resumed, 2);
    expect(resumed.stderr).toContain(`ksa: run ${runId} cannot be resumed: the rollback of step s1 holds a secret written into the plan, stored as *** and not kept; nothing was run.`);
    const cancelled = await runKsa(['cancel', runId, '--yes', '--input', `apiToken=${SECRET}`], { home, cwd: dir, env });
    expectExit(cancelled, 2);
    expect(cancelled.stderr.trim()).toBe(`ksa: run ${runId} cannot be rolled back here: the rollback of step s1 holds a secret written into the plan, stored as *** and not kept; nothing was rolled back. Undo s1 by hand`);
    expect(existsSync(path.join(dir, 'undone.txt'))).toBe(false);
    expect(existsSync(path.join(dir, 'pushed.txt'))).toBe(false);
    expect(readRunFile(home, runId)?.state.status).toBe('running');
  });
});
