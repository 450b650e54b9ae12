import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, KSA_ARGV, ksaEnv, type CliSandbox } from '../helpers/cli.js';
import { killGroup, type RunsDoc } from '../helpers/durable.js';
import { startLongRun } from '../helpers/long-run.js';

// A store used for months holds many interrupted runs (terminals closed, laptops shut, kill -9). Listing them
// is read-only: with a low limit of open files it must neither fail nor move healthy run files aside.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-many-runs-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

describe('a store with many interrupted runs', () => {
  it('ksa runs under a low open-file limit lists every one as interrupted and moves none aside', async () => {
    const { ksa, home, runId } = await startLongRun(sandbox, 'many', leftovers);
    killGroup(ksa.pid);
    await ksa.result;
    const runs = path.join(home, 'runs');
    // 300 copies of the interrupted run, as months of use would leave them.
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const id = `20260101-${String(i).padStart(6, '0')}-${i.toString(16).padStart(4, '0')}`;
      cpSync(path.join(runs, runId), path.join(runs, id), { recursive: true });
      rmSync(path.join(runs, id, 'owner.lock'), { force: true });
      const file = path.join(runs, id, 'run.json');
      const record = JSON.parse(readFileSync(file, 'utf8')) as { runId: string; state: { runId: string } };
      record.runId = id;
      record.state.runId = id;
      writeFileSync(file, JSON.stringify(record));
      ids.push(id);
    }
    rmSync(path.join(runs, 'index.json'), { force: true });
    const ksaRuns = (limit: number) => spawnSync('bash', ['-c', `ulimit -n ${limit} && exec "$0" "$@"`, process.execPath, ...KSA_ARGV, 'runs', '--json'], { env: ksaEnv({ home }), encoding: 'utf8', timeout: 60_000 });
    // The index is rebuilt with the usual limit; then listed with a low one.
    expect(ksaRuns(4096).status).toBe(0);
    // 128: fewer than the runs, more than the reads ksa makes at once. 36: so few that even those run out; a
    // file that could not be opened is still a healthy run, listed from the index.
    for (const limit of [128, 36]) {
      const listed = ksaRuns(limit);
      expect(listed.status, listed.stderr).toBe(0);
      expect(listed.stderr).not.toMatch(/EMFILE|unreadable|moved it/);
      const doc = JSON.parse(listed.stdout) as RunsDoc;
      expect(doc.runs.filter((run) => ids.includes(run.runId)).map((run) => run.status)).toEqual(ids.map(() => 'interrupted'));
    }
    const setAside = ids.filter((id) => readdirSync(path.join(runs, id)).some((name) => name.includes('.corrupt-')));
    expect(setAside).toEqual([]);
  }, 120_000);
});
