import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventsOf, eventually, parseNdjson, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, waitForStoredStatus } from '../helpers/durable.js';

// A deploy killed (kill -9) while its "start" step ran: the new app was in place, the run never
// heard so. On resume "start" runs again and fails (the place is taken, as podman's "name already
// in use"); undoing only the steps that had succeeded would try to put the old app back where
// the new one still is. The cut-short step's own rollback runs first.
const PLAN = `goal: swap the app
steps:
  - id: retire
    tool: shell
    args: { command: mv app.current app.previous }
    rollback:
      tool: shell
      args: { command: "test ! -e app.current && mv app.previous app.current" }
  - id: start
    dependsOn: [retire]
    tool: shell
    args: { command: "test ! -e app.current && echo new > app.current && echo $$ > start.pid && exec sleep 30" }
    rollback:
      tool: shell
      args: { command: rm -f app.current }
`;

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-cut-short-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

describe('kill -9 while a step runs, then ksa resume and the step fails', () => {
  it('its rollback runs before the others: the old app is back', async () => {
    const planFile = await sandbox.writePlan('swap/plan.yaml', PLAN);
    const dir = path.dirname(planFile);
    writeFileSync(path.join(dir, 'app.current'), 'old\n');
    const home = sandbox.home;
    const ksa = startKsa(['run', planFile, '--yes', '--allow-destroy', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    const pid = await eventually(() => (existsSync(path.join(dir, 'start.pid')) ? Number(readFileSync(path.join(dir, 'start.pid'), 'utf8')) : undefined), 10_000);
    leftovers.add(pid);
    // Killed once the store has it running (run.json is written in groups, a moment after the step starts).
    await waitForStoredStatus(undefined, 'start', 'running', { home, cwd: dir });
    ksa.kill('SIGKILL');
    expect((await ksa.result).signal).toBe('SIGKILL');
    expect(readFileSync(path.join(dir, 'app.current'), 'utf8')).toBe('new\n');

    const runs = JSON.parse((await runKsa(['runs', '--json'], { home, cwd: dir })).stdout) as { runs: { runId: string }[] };
    const runId = runs.runs[0]!.runId;
    const resume = await runKsa(['resume', runId, '--yes', '--allow-destroy', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(resume, 1);
    expect(resume.stderr).toContain('start may have done its work before the stop: should it fail now, its rollback runs too.');
    const events = parseNdjson(resume.stdout);
    expect(eventsOf(events, 'rollback_started').map((event) => event.stepIds)).toEqual([['start', 'retire']]);
    expect(eventsOf(events, 'rollback_step_succeeded').map((event) => event.stepId)).toEqual(['start', 'retire']);
    expect(eventsOf(events, 'run_finished').map((event) => event.status)).toEqual(['failed']);
    expect(readFileSync(path.join(dir, 'app.current'), 'utf8')).toBe('old\n');
    expect(existsSync(path.join(dir, 'app.previous'))).toBe(false);
  });
});
