import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, readRunFile } from '../helpers/durable.js';
import { crashedWhileS2Runs } from '../helpers/long-run.js';

// A step that printed a secret (a credential-shaped token, the value of a secret variable) has its output stored as
// ***. Within the run the real value goes to the steps that read it; after a crash, ksa resume and ksa cancel refuse
// to feed the stored *** to a step or a rollback that reads it, naming both, instead of running with three stars.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-resume-masked-output-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

const TOKEN_RUN = 'Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc8';
const DEPLOY_TOKEN = 'Zq7pX9wVdeploy';

/** s1 prints a secret (`print`, no credential written into the plan), s2 waits for a `go` file, s3 reads s1's output; s1's rollback reads it too. */
const planPrinting = (print: string) => `goal: Token for the pod
steps:
  - id: s1
    tool: shell
    args: { command: "${print}" }
    rollback: { tool: shell, args: { command: "echo {{ steps.s1.output.stdout }} > undone.txt" } }
  - id: s2
    tool: shell
    dependsOn: [s1]
    args: { command: "echo $$ >> long.pids; while [ ! -f go ]; do sleep 0.1; done" }
  - id: s3
    tool: shell
    dependsOn: [s2]
    args: { command: "echo \\"$POD\\" > pod.txt", env: { POD: "{{ steps.s1.output.stdout }}" } }
`;

async function crashed(name: string, plan: string, env: Record<string, string> = {}) {
  const run = await crashedWhileS2Runs(sandbox, name, plan, leftovers, { env });
  writeFileSync(path.join(run.dir, 'go'), '');
  return run;
}

describe.concurrent('a crashed run whose done step printed a secret that later steps read', () => {
  it('ksa resume refuses, naming the step and the output it reads (exit 2); nothing runs', async () => {
    const { file, dir, home, runId } = await crashed('shape-resume', planPrinting(`printf 'ghp_%s' ${TOKEN_RUN}`));
    const stored = readRunFile(home, runId) as unknown as { state: { steps: { s1: { output: { stdout: string } } } }; masked?: { outputs?: string[] } };
    expect(stored.state.steps.s1.output.stdout).toBe('***');
    expect(stored.masked?.outputs).toEqual(['s1']);
    const resumed = await runKsa(['resume', runId, '--yes'], { home, cwd: dir });
    expectExit(resumed, 2);
    expect(resumed.stderr.trim()).toBe(
      `ksa: run ${runId} cannot be resumed: the rollback of step s1 reads the output of step s1 and step s3 reads the output of step s1, which held a secret and was stored as ***; nothing was run. ksa run ${file} starts it afresh`,
    );
    expect(existsSync(path.join(dir, 'pod.txt'))).toBe(false);
    expect(readRunFile(home, runId)?.state.status).toBe('running');
  });

  it("ksa cancel refuses a rollback reading the value of a secret variable the step printed (exit 2); nothing is rolled back", async () => {
    const env = { DEPLOY_TOKEN };
    const { dir, home, runId } = await crashed('env-cancel', planPrinting('echo $DEPLOY_TOKEN'), env);
    const cancelled = await runKsa(['cancel', runId, '--yes'], { home, cwd: dir, env });
    expectExit(cancelled, 2);
    expect(cancelled.stderr.trim()).toBe(`ksa: run ${runId} cannot be rolled back here: the rollback of step s1 reads the output of step s1, which held a secret and was stored as ***; nothing was rolled back. Undo s1 by hand`);
    expect(existsSync(path.join(dir, 'undone.txt'))).toBe(false);
    const resumed = await runKsa(['resume', runId, '--yes'], { home, cwd: dir, env });
    expectExit(resumed, 2);
    expect(resumed.stderr).toContain('step s3 reads the output of step s1');
  });

  it('an output holding *** of its own (no secret printed) is passed on: the run resumes and finishes', async () => {
    const { dir, home, runId } = await crashed('own-stars', planPrinting("echo 'rating: ***'"));
    const resumed = await runKsa(['resume', runId, '--yes'], { home, cwd: dir });
    expectExit(resumed, 0);
    expect(readFileSync(path.join(dir, 'pod.txt'), 'utf8')).toBe('rating: ***\n');
  });
});
