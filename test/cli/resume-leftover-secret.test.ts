import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventually, parseNdjson, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, readPids, readRunFile } from '../helpers/durable.js';

// ksa resume names the process groups a killed run left running by their command lines:
// those hold the step's arguments as run, so a secret input must show as *** there too.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-resume-leftover-secret-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

const SECRET = 'Hunter9Leftover';

describe('ksa resume after a kill -9', () => {
  it('names the leftover process group with its secret input masked', async () => {
    const plan = await sandbox.writePlan(
      'leftover-secret/plan.yaml',
      'goal: Secret leftover\ninputs: { dbPassword: "" }\nsteps:\n  - id: long\n    tool: shell\n    args: { command: "echo $$ >> long.pids; echo using {{ inputs.dbPassword }}; if [ -f fast ]; then sleep 0.05; else sleep 30; fi; echo done" }\n',
    );
    const dir = path.dirname(plan);
    const home = path.join(sandbox.home, 'leftover-secret');
    mkdirSync(home, { recursive: true });
    const ksa = startKsa(['run', plan, '--yes', '--json', '--input', `dbPassword=${SECRET}`], { home, cwd: dir, timeoutMs: 25_000 });
    leftovers.add(ksa.pid);
    await ksa.waitForOutput((stdout) => stdout.includes('"run_started"'), 10_000);
    const runId = parseNdjson(ksa.stdout().split('\n')[0]! + '\n')[0]!.runId;
    const longPid = await eventually(() => readPids(dir, 'long.pids')[0], 10_000);
    leftovers.add(longPid);
    await eventually(() => (readRunFile(home, runId)?.state.steps.long?.status === 'running' ? true : undefined), 10_000);
    ksa.kill('SIGKILL');
    await ksa.result;

    writeFileSync(path.join(dir, 'fast'), '');
    const resume = await runKsa(['resume', runId, '--yes', '--input', `dbPassword=${SECRET}`], { home, cwd: dir });
    expectExit(resume, 0);
    expect(resume.stderr).toMatch(new RegExp(`stopped 1 process group left running by the interrupted run: ${longPid} \\(.*using \\*\\*\\*`));
    expect(resume.stderr + resume.stdout).not.toContain(SECRET);
  });
});
