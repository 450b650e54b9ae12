import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventually, parseNdjson, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, ksaJson, readRunFile, statusOf, type StatusDoc } from '../helpers/durable.js';

// A run rolling back in its own process meets the policy as the files say when the rollback starts:
// a deny rule written while the run ran (here, while it was paused) keeps its rollback command from running.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-run-rollback-policy-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

const PLAN = `goal: Roll back under a new rule
steps:
  - id: first
    tool: shell
    args: { command: "echo done > first.marker" }
    rollback: { tool: shell, args: { command: "echo rolled back > rollback.marker" } }
  - id: hold
    tool: shell
    args: { command: "sleep 1" }
    dependsOn: [first]
  - id: last
    tool: shell
    args: { command: "true" }
    dependsOn: [hold]
`;

describe('the rollback of a run in its own process', () => {
  it('is not run when a deny rule written since the run started names it; the step stays not rolled back, naming the rule', async () => {
    const planFile = await sandbox.writePlan('denied/plan.yaml', PLAN);
    const dir = path.dirname(planFile);
    const home = path.join(sandbox.home, 'denied');
    mkdirSync(home, { recursive: true });
    const owner = startKsa(['run', planFile, '--yes', '--json'], { home, cwd: dir, timeoutMs: 25_000 });
    leftovers.add(owner.pid);
    await owner.waitForOutput((stdout) => stdout.includes('"step_started"') && stdout.includes('"hold"'), 10_000);
    const runId = parseNdjson(owner.stdout())[0]!.runId;
    expectExit(await runKsa(['pause', runId], { home, timeoutMs: 15_000 }), 0);
    await eventually(() => (readRunFile(home, runId)?.state.steps.hold?.status === 'succeeded' ? true : undefined), 10_000);

    const policyFile = path.join(dir, '.ksa', 'policy.yaml');
    mkdirSync(path.dirname(policyFile), { recursive: true });
    writeFileSync(policyFile, 'deny:\n  - shell: "echo rolled back*"\n');
    expectExit(await runKsa(['cancel', runId, '--yes'], { home, timeoutMs: 15_000 }), 1);
    const result = await owner.result;
    expectExit(result, 1);

    expect(existsSync(path.join(dir, 'rollback.marker'))).toBe(false);
    const why = `step first: its rollback (shell echo rolled back > rollback.marker): denied by deny shell: "echo rolled back*" (${policyFile}:2); the permission policy forbids it now, so it was not run and first is not rolled back`;
    expect(result.stderr).toContain(why);
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status.status).toBe('rollback_failed');
    expect(statusOf(status, 'first')).toMatchObject({ status: 'succeeded', rollback: { status: 'failed' } });
    // The rule stays as written: the rollback was refused before it ran, so nothing changed the file.
    expect(existsSync(policyFile)).toBe(true);
  }, 60_000);
});
