import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventsOf, parseNdjson, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, ksaJson, lineCounts, readPids, type StatusDoc } from '../helpers/durable.js';

// Write-ahead: once a step_succeeded line is out, the success is on disk. A kill -9 the
// moment those lines are printed (well inside the 50 ms group-commit window of run.json)
// must not make `ksa resume` run the steps again.

const PLAN = `goal: Write-ahead
steps:
${['a', 'b', 'c', 'd']
  .map((id) => `  - id: ${id}\n    tool: shell\n    args: { command: "echo ${id} >> ran.log; echo out-${id}" }\n`)
  .join('')}  - id: e
    tool: shell
    dependsOn: [a]
    args: { command: "echo e >> ran.log" }
  - id: long
    tool: shell
    dependsOn: [a, b, c, d]
    args: { command: "echo $$ >> long.pids; if [ ! -f fast ]; then sleep 30; fi; echo 'long {{ steps.a.output.stdout }}' >> ran.log" }
`;

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-write-ahead-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

describe('write-ahead of step successes', () => {
  it.each([1, 2, 3])('kill -9 as soon as step_succeeded lines are printed (trial %i): resume runs none of them again', async (trial) => {
    const planFile = await sandbox.writePlan(`trial-${trial}/plan.yaml`, PLAN);
    const dir = path.dirname(planFile);
    const home = path.join(sandbox.home, `trial-${trial}`);
    mkdirSync(home);
    const ksa = startKsa(['run', planFile, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    let printed: string[] = [];
    await ksa.waitForOutput((stdout) => {
      printed = eventsOf(parseNdjson(stdout.slice(0, stdout.lastIndexOf('\n') + 1)), 'step_succeeded').map((event) => event.stepId!);
      return printed.length > 0;
    }, 15_000);
    ksa.kill('SIGKILL');
    await ksa.result;
    for (const pid of readPids(dir, 'long.pids')) leftovers.add(pid);
    expect(printed.length).toBeGreaterThan(0);

    const status = await ksaJson<StatusDoc>(['status'], { home });
    const succeeded = status.steps.filter((step) => step.status === 'succeeded').map((step) => step.id);
    for (const id of printed) expect(succeeded, `${id} was announced as succeeded`).toContain(id);

    writeFileSync(path.join(dir, 'fast'), '');
    const resume = await runKsa(['resume', status.runId, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(resume, 0);
    const restarted = eventsOf(parseNdjson(resume.stdout), 'step_started').map((event) => event.stepId);
    for (const id of printed) expect(restarted, `${id} was announced before the kill and ran again`).not.toContain(id);
    const counts = lineCounts(dir);
    for (const id of printed) expect(counts.get(id), `${id} ran twice`).toBe(1);
    // Outputs recorded through the journal still feed templates.
    expect([...counts.keys()]).toContain('long out-a');
  });
});
