import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, ksaJson, statusOf, type StatusDoc } from '../helpers/durable.js';
import { startLongRun } from '../helpers/long-run.js';

// ksa cancel of an interrupted run meets the policy as it is now, as ksa resume does:
// a rollback the policy denies since the run started is not run.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-cancel-denied-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

describe('ksa cancel and a rollback the policy now denies', () => {
  it('says which rollback is denied and by which rule before asking, does not run it, and leaves the step not rolled back (rollback_failed, exit 1)', async () => {
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'denied', leftovers);
    ksa.kill('SIGKILL');
    await ksa.result;
    const policyFile = path.join(home, 'policy.yaml');
    writeFileSync(policyFile, 'deny:\n  - shell: "echo rolled back*"\n');
    const why = `its rollback (shell echo rolled back > rollback.marker): denied by deny shell: "echo rolled back*" (${policyFile}:2)`;

    const resume = await runKsa(['resume', runId, '--yes'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(resume, 2);
    expect(resume.stderr).toContain(why);

    const cancel = await runKsa(['cancel', runId, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
    expectExit(cancel, 1);
    expect(cancel.stderr).toContain(`  ! first: ${why}; it is not run, and first stays not rolled back\n`);
    expect(existsSync(path.join(dir, 'rollback.marker'))).toBe(false);
    const status = await ksaJson<StatusDoc>(['status', runId], { home });
    expect(status.status).toBe('rollback_failed');
    expect(statusOf(status, 'first')).toMatchObject({ status: 'succeeded', rollback: { status: 'failed' } });
    const recorded = `step first: ${why}; the permission policy forbids it now, so it was not run and first is not rolled back`;
    expect(JSON.stringify(statusOf(status, 'first'))).toContain(JSON.stringify(recorded).slice(1, -1));
  }, 60_000);
});
