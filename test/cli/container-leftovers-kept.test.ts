import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventually, startKsa, type CliSandbox } from '../helpers/cli.js';
import { killGroup, readPids } from '../helpers/durable.js';
import { startLongRun } from '../helpers/long-run.js';

// A container an interrupted run left that its engine would not remove (the engine down, the
// container paused) is said, with the command that removes it, and stays in the run's record:
// the next resume or cancel tries again, also after this resume is itself stopped.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-container-kept-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

const ID = '0123456789abcdef0123456789abcdef';
// An engine that knows one container, named web, and refuses to remove it.
const STUBBORN_ENGINE = `#!/bin/sh
case "$*" in
  *inspect*) echo /web ;;
  *rm*) echo 'Error: container is paused' >&2; exit 2 ;;
esac
`;

describe('a leftover container its engine would not remove', () => {
  it('stays recorded after a resume that was itself stopped at once, and the next resume tries again', async () => {
    const { ksa, dir, home, runId } = await startLongRun(sandbox, 'kept', leftovers, { slowRollbackMs: 3000 });
    ksa.kill('SIGKILL');
    await ksa.result;
    const engine = path.join(dir, 'podman');
    writeFileSync(engine, STUBBORN_ENGINE);
    chmodSync(engine, 0o755);
    const record = path.join(home, 'runs', runId, 'containers.json');
    writeFileSync(record, JSON.stringify({ containers: [{ binary: engine, globals: [], id: ID }] }));

    const resumed = startKsa(['resume', runId, '--yes'], { home, cwd: dir, timeoutMs: 30_000 });
    await resumed.waitForOutput((_stdout, stderr) => stderr.includes('could not remove the container the interrupted run left (web)'), 15_000);
    // Its step runs again (a second pid in long.pids): the resume is under way.
    await eventually(() => (readPids(dir, 'long.pids').length >= 2 ? true : undefined), 15_000);
    for (const pid of readPids(dir, 'long.pids')) leftovers.add(pid);
    // Ctrl-C: its rollback begins (slow); Ctrl-C again stops it at once, the run left interrupted.
    resumed.kill('SIGINT');
    await resumed.waitForOutput((stdout, stderr) => (stdout + stderr).includes('rolling back'), 10_000);
    resumed.kill('SIGINT');
    expect((await resumed.result).code).toBe(130);
    expect(JSON.parse(readFileSync(record, 'utf8'))).toEqual({ containers: [{ binary: engine, globals: [], id: ID }] });

    writeFileSync(path.join(dir, 'fast'), '');
    const again = startKsa(['resume', runId, '--yes'], { home, cwd: dir, timeoutMs: 30_000 });
    const result = await again.result;
    expect(result.stderr).toContain('could not remove the container the interrupted run left (web)');
  }, 60_000);
});
