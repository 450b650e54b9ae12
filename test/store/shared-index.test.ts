import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStore, type RunRecord } from '../../src/store/index.js';
import { createTempDir } from '../helpers/tool-context.js';
import { deadPid, newRunRecord, runStoreScript } from '../helpers/store-fixtures.js';

// The run index is shared by every ksa process: each change is a locked
// read-modify-write, so concurrent writers from several processes lose nothing.

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: home, cleanup } = await createTempDir('ksa-store-index-'));
});
afterEach(async () => {
  await cleanup();
});

/** A child process that upserts `count` index entries at once (ids <prefix>-<i>). */
function upsertFromChild(prefix: string, count: number, status = 'succeeded') {
  return runStoreScript(
    `const runs = new store.RunStore(process.env.TEST_HOME);
     await Promise.all(Array.from({ length: ${count} }, (_, i) => runs.updateIndex({
       runId: '${prefix}-' + i, goal: 'from ${prefix}', createdAt: new Date().toISOString(),
       plan: { steps: [{}, {}] }, state: { status: '${status}' },
     })));
     process.stdout.write('done');`,
    { TEST_HOME: home },
  );
}

/** The run ids index.json holds (ksa runs lists only those whose folders exist; these tests make none). */
async function indexedIds(): Promise<string[]> {
  return (JSON.parse(await readFile(path.join(home, 'runs', 'index.json'), 'utf8')) as { entries: { runId: string }[] }).entries.map((entry) => entry.runId);
}

describe('shared run index', () => {
  it('40 concurrent upserts from 4 processes (10 each, all at once): every entry is there, once', async () => {
    const results = await Promise.all(['p1', 'p2', 'p3', 'p4'].map((prefix) => upsertFromChild(prefix, 10)));
    for (const result of results) expect(result, result.stderr).toMatchObject({ code: 0, stdout: 'done' });
    const ids = (await indexedIds()).sort();
    expect(ids).toHaveLength(40);
    expect(new Set(ids).size).toBe(40);
    for (const prefix of ['p1', 'p2', 'p3', 'p4']) expect(ids.filter((id) => id.startsWith(`${prefix}-`))).toHaveLength(10);
    expect(await readdir(path.join(home, 'runs'))).toEqual(['index.json']);
  });

  it('concurrent upserts of the same run from several processes leave one entry', async () => {
    const results = await Promise.all([upsertFromChild('same', 1, 'running'), upsertFromChild('same', 1, 'running'), upsertFromChild('same', 1, 'running')]);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const entries = JSON.parse(await readFile(path.join(home, 'runs', 'index.json'), 'utf8')).entries as { runId: string }[];
    expect(entries.map((entry) => entry.runId)).toEqual(['same-0']);
  });

  it('runs created by concurrent processes through RunStore.create are all listed', async () => {
    const plan = JSON.stringify(newRunRecord('x').plan);
    const script = (id: string) =>
      runStoreScript(
        `const runs = new store.RunStore(process.env.TEST_HOME);
         const record = { runId: '${id}', goal: 'g', createdAt: new Date().toISOString(), workspace: '/tmp', plan: ${plan}, inputs: {}, allowedEnv: [],
           state: { runId: '${id}', goal: 'g', status: 'pending', inputs: {}, steps: {}, completed: [] } };
         const run = await runs.create(record, 'test');
         run.setStatus('succeeded');
         await run.close();`,
        { TEST_HOME: home },
      );
    const ids = ['20260101-000001-c001', '20260101-000001-c002', '20260101-000001-c003', '20260101-000001-c004'];
    const results = await Promise.all(ids.map(script));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const listed = await new RunStore(home).list();
    expect(listed.map((run) => run.runId).sort()).toEqual(ids);
    expect(listed.every((run) => run.effectiveStatus === 'succeeded')).toBe(true);
  });

  it('an index.lock left by a process that died does not block index updates', async () => {
    const store = new RunStore(home);
    await store.updateIndex({ ...newRunRecord('20260101-000001-aaaa'), version: 1 } as RunRecord);
    const lock = path.join(home, 'runs', 'index.lock');
    await writeFile(lock, String(await deadPid()));
    // Written "in an hour": never old enough to be broken as stale, so only its dead holder frees it (else the wait times out).
    const later = new Date(Date.now() + 3_600_000);
    await utimes(lock, later, later);
    await store.updateIndex({ ...newRunRecord('20260101-000002-bbbb'), version: 1 } as RunRecord);
    expect(await indexedIds()).toContain('20260101-000002-bbbb');
  }, 10_000);
});
