import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunNotFoundError, RunStore } from '../../src/store/index.js';
import { createTempDir } from '../helpers/tool-context.js';
import { deadPid, newRunRecord } from '../helpers/store-fixtures.js';

// The run store on real temp dirs: runs/<id>/run.json + a shared index that is
// rebuilt from the run files when missing or corrupt; a corrupt run file makes
// only that run unreadable (with a clear error); crashed runs list as interrupted.

let home: string;
let cleanup: () => Promise<void>;
let warnings: string[];
let store: RunStore;
beforeEach(async () => {
  ({ dir: home, cleanup } = await createTempDir('ksa-store-runs-'));
  warnings = [];
  store = new RunStore(home, { onWarning: (message) => warnings.push(message) });
});
afterEach(async () => {
  await cleanup();
});

async function createClosed(runId: string, createdAt: string, status: 'succeeded' | 'failed' = 'succeeded'): Promise<void> {
  const run = await store.create(newRunRecord(runId, { createdAt }), `test ${runId}`);
  run.setStatus(status);
  await run.close();
}

describe('RunStore', () => {
  it('create → close → read round-trips; list is newest first; the lock is released', async () => {
    await createClosed('20260101-000001-aaaa', '2026-01-01T00:00:01.000Z');
    await createClosed('20260101-000003-cccc', '2026-01-01T00:00:03.000Z', 'failed');
    await createClosed('20260101-000002-bbbb', '2026-01-01T00:00:02.000Z');
    const listed = await store.list();
    expect(listed.map((run) => run.runId)).toEqual(['20260101-000003-cccc', '20260101-000002-bbbb', '20260101-000001-aaaa']);
    expect(listed.map((run) => run.effectiveStatus)).toEqual(['failed', 'succeeded', 'succeeded']);
    const record = await store.read('20260101-000002-bbbb');
    expect(record.version).toBe(1);
    expect(record.plan.steps.map((step) => step.id)).toEqual(['a', 'b']);
    expect(await readdir(path.join(home, 'runs', '20260101-000002-bbbb'))).not.toContain('owner.lock');
    expect(warnings).toEqual([]);
  });

  it('resolve(): exact id, unique prefix, latest by default, ambiguous and unknown prefixes are clear errors', async () => {
    await createClosed('20260101-000001-aaaa', '2026-01-01T00:00:01.000Z');
    await createClosed('20260101-000002-bbbb', '2026-01-01T00:00:02.000Z');
    expect(await store.resolve(undefined)).toBe('20260101-000002-bbbb');
    expect(await store.resolve('20260101-000001')).toBe('20260101-000001-aaaa');
    await expect(store.resolve('2026')).rejects.toThrow(/"2026" matches 2 runs/);
    await expect(store.resolve('1999')).rejects.toThrow(RunNotFoundError);
    await expect(new RunStore(path.join(home, 'empty')).resolve(undefined)).rejects.toThrow(/there are no runs yet/);
  });

  it('an id that is not a run\'s folder name (index.json, .., a path, a hidden name) is no run: nothing of the store is read, warned about or set aside', async () => {
    await createClosed('20260101-000001-aaaa', '2026-01-01T00:00:01.000Z');
    const before = await readdir(path.join(home, 'runs'));
    for (const id of ['index.json', '..', '.', '../runs/20260101-000001-aaaa', '20260101-000001-aaaa/', '.hidden', '']) {
      await expect(store.resolve(id), id).rejects.toThrow(`no run "${id}"`);
      await expect(store.read(id), id).rejects.toThrow(RunNotFoundError);
      await expect(store.open(id, 'test'), id).rejects.toThrow(RunNotFoundError);
    }
    expect(warnings).toEqual([]);
    expect(await readdir(path.join(home, 'runs'))).toEqual(before);
  });

  it('a run whose owner died is listed as interrupted, never as running', async () => {
    const run = await store.create(newRunRecord('20260101-000001-dead', { createdAt: '2026-01-01T00:00:01.000Z' }), 'test');
    run.setStatus('running');
    await run.flush();
    await run.updateIndex();
    const lockFile = path.join(home, 'runs', '20260101-000001-dead', 'owner.lock');
    // While this process owns it, it is running.
    expect((await store.list())[0]!.effectiveStatus).toBe('running');
    // Make the lock name a process that has exited: a crash.
    const owner = JSON.parse(await readFile(lockFile, 'utf8')) as Record<string, unknown>;
    await writeFile(lockFile, JSON.stringify({ ...owner, pid: await deadPid() }));
    const [listing] = await store.list();
    expect(listing!.status).toBe('running');
    expect(listing!.effectiveStatus).toBe('interrupted');
    const record = await store.read('20260101-000001-dead');
    expect((await store.effectiveStatus(record)).status).toBe('interrupted');
  });

  it('inspect of a run whose owner finished between the read and the owner check: the record is read again, not shown interrupted', async () => {
    const run = await store.create(newRunRecord('20260101-000001-race'), 'test');
    run.setStatus('running');
    await run.flush();
    const first = await store.read('20260101-000001-race');
    run.setStatus('succeeded');
    await run.close();
    // The first read saw it running; by the owner check the owner had written the end and let go.
    const reads: string[] = [];
    const racing = Object.assign(Object.create(store) as RunStore, {
      read: async (id: string) => {
        const record = reads.length === 0 ? first : await store.read(id);
        reads.push(record.state.status);
        return record;
      },
    });
    const inspected = await racing.inspect('20260101-000001-race');
    expect(inspected.status).toBe('succeeded');
    expect(reads).toEqual(['running', 'succeeded']);
  });

  it('a run folder deleted by hand is no longer listed, nor taken as the latest run; the index file is not rewritten for it', async () => {
    for (const id of ['20260101-000001-aaaa', '20260101-000002-bbbb']) await (await store.create(newRunRecord(id, { createdAt: `2026-01-01T00:00:0${id[14]}.000Z` }), 'test')).close();
    const indexBefore = await readFile(path.join(home, 'runs', 'index.json'), 'utf8');
    await rm(path.join(home, 'runs', '20260101-000002-bbbb'), { recursive: true });
    expect((await store.list()).map((run) => run.runId)).toEqual(['20260101-000001-aaaa']);
    expect(await store.resolve(undefined)).toBe('20260101-000001-aaaa');
    await expect(store.resolve('20260101-000002')).rejects.toThrow(/no run/);
    expect(await readFile(path.join(home, 'runs', 'index.json'), 'utf8')).toBe(indexBefore);
  });

  it('a corrupt run.json: read() fails with a clear error naming the run and the backup, other runs still list and read', async () => {
    await createClosed('20260101-000001-good', '2026-01-01T00:00:01.000Z');
    await createClosed('20260101-000002-bad0', '2026-01-01T00:00:02.000Z');
    const badFile = path.join(home, 'runs', '20260101-000002-bad0', 'run.json');
    await writeFile(badFile, '{"version":1,"runId":"20260101-000002-bad0","goal":');

    const error = await store.read('20260101-000002-bad0').catch((caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(RunNotFoundError);
    expect((error as Error).message).toMatch(/run 20260101-000002-bad0 cannot be read/);
    expect((error as Error).message).toMatch(/run\.json\.corrupt-/);
    expect(warnings).toHaveLength(1);
    const backups = (await readdir(path.dirname(badFile))).filter((name) => name.startsWith('run.json.corrupt-'));
    expect(backups).toHaveLength(1);
    expect(warnings[0]).toContain(path.join(path.dirname(badFile), backups[0]!));
    expect(warnings[0]).toMatch(/this run cannot be shown or resumed, every other run can$/);
    // Read again, the run is still named unreadable, with its backup: not "no run", which `ksa runs` would contradict.
    const again = await store.read('20260101-000002-bad0').catch((caught: unknown) => caught as Error);
    expect(again).toBeInstanceOf(RunNotFoundError);
    expect((again as Error).message).toBe(`run 20260101-000002-bad0 cannot be read: its run.json was found corrupt earlier and is kept as ${path.join(path.dirname(badFile), backups[0]!)}`);
    expect(warnings).toHaveLength(1);

    const listed = await store.list();
    expect(listed.map((run) => run.runId)).toEqual(['20260101-000002-bad0', '20260101-000001-good']);
    expect((await store.read('20260101-000001-good')).runId).toBe('20260101-000001-good');
  });

  it('open(): a run that does not exist is a RunNotFoundError; a corrupt one is refused and leaves no lock behind; a good one is taken over and written back', async () => {
    await expect(store.open('20260101-000009-none', 'test')).rejects.toBeInstanceOf(RunNotFoundError);

    await createClosed('20260101-000002-bad0', '2026-01-01T00:00:02.000Z');
    const badDir = path.join(home, 'runs', '20260101-000002-bad0');
    await writeFile(path.join(badDir, 'run.json'), '{"version":1,"runId":');
    await expect(store.open('20260101-000002-bad0', 'test')).rejects.toThrow(/run 20260101-000002-bad0 cannot be read/);
    expect(await readdir(badDir)).not.toContain('owner.lock');

    await createClosed('20260101-000001-good', '2026-01-01T00:00:01.000Z', 'failed');
    const run = await store.open('20260101-000001-good', 'test');
    expect(run.record.state.status).toBe('failed');
    run.setStatus('cancelled');
    await run.close();
    expect((await store.read('20260101-000001-good')).state.status).toBe('cancelled');
    expect(await readdir(path.join(home, 'runs', '20260101-000001-good'))).not.toContain('owner.lock');
  });

  it('a missing index is rebuilt from the run files (a corrupt run file is skipped)', async () => {
    await createClosed('20260101-000001-aaaa', '2026-01-01T00:00:01.000Z');
    await createClosed('20260101-000002-bbbb', '2026-01-01T00:00:02.000Z', 'failed');
    await createClosed('20260101-000003-cccc', '2026-01-01T00:00:03.000Z');
    await writeFile(path.join(home, 'runs', '20260101-000003-cccc', 'run.json'), 'garbage');
    await rm(path.join(home, 'runs', 'index.json'));
    const listed = await store.list();
    expect(listed.map((run) => [run.runId, run.status])).toEqual([
      ['20260101-000002-bbbb', 'failed'],
      ['20260101-000001-aaaa', 'succeeded'],
    ]);
  });

  it('a corrupt index is rebuilt from the run files and the store keeps working', async () => {
    await createClosed('20260101-000001-aaaa', '2026-01-01T00:00:01.000Z');
    await createClosed('20260101-000002-bbbb', '2026-01-01T00:00:02.000Z');
    await writeFile(path.join(home, 'runs', 'index.json'), '{"version":1,"entries":[{"runId":');
    const listed = await store.list();
    expect(listed.map((run) => run.runId)).toEqual(['20260101-000002-bbbb', '20260101-000001-aaaa']);
    expect(warnings.some((message) => message.includes(path.join(home, 'runs', 'index.json')))).toBe(true);
    // New runs are indexed again (the index is rewritten whole).
    await createClosed('20260101-000003-cccc', '2026-01-01T00:00:03.000Z');
    expect((await store.list()).map((run) => run.runId)).toEqual(['20260101-000003-cccc', '20260101-000002-bbbb', '20260101-000001-aaaa']);
    expect(JSON.parse(await readFile(path.join(home, 'runs', 'index.json'), 'utf8')).entries).toHaveLength(3);
  });

  it('a corrupt index is moved aside to index.json.corrupt-<timestamp> and warned about once', async () => {
    await createClosed('20260101-000001-aaaa', '2026-01-01T00:00:01.000Z');
    await writeFile(path.join(home, 'runs', 'index.json'), 'garbage');
    await store.list();
    await store.list();
    await store.list();
    const backups = (await readdir(path.join(home, 'runs'))).filter((name) => name.startsWith('index.json.corrupt-'));
    expect(backups).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(backups[0]);
  });

  it('a created run is readable by another process (store) as soon as create() returns', async () => {
    const run = await store.create(newRunRecord('20260101-000001-new0'), 'test');
    try {
      const other = new RunStore(home);
      const record = await other.read('20260101-000001-new0');
      expect(record.runId).toBe('20260101-000001-new0');
    } finally {
      await run.close();
    }
  });

  it('ksa runs agrees with run.json when the last index update was lost', async () => {
    const run = await store.create(newRunRecord('20260101-000001-lost', { createdAt: '2026-01-01T00:00:01.000Z' }), 'test');
    run.setStatus('running');
    await run.updateIndex();
    // The run finishes and its file is written, but the process dies before the index update.
    run.setStatus('succeeded');
    await run.flush();
    const lockFile = path.join(home, 'runs', '20260101-000001-lost', 'owner.lock');
    const owner = JSON.parse(await readFile(lockFile, 'utf8')) as Record<string, unknown>;
    await writeFile(lockFile, JSON.stringify({ ...owner, pid: await deadPid() }));

    expect((await store.read('20260101-000001-lost')).state.status).toBe('succeeded');
    const [listing] = await store.list();
    expect(listing!.effectiveStatus).toBe('succeeded');
  });
});

describe('live runs (what blocks a trust given meanwhile)', () => {
  it('counts a run whose index line still says pending while its owner lives: its first step may already run', async () => {
    const run = await store.create(newRunRecord('20260101-000001-live'), 'ksa run plan.yaml');
    expect((await store.liveRuns()).map((live) => live.runId)).toEqual(['20260101-000001-live']);
    run.setStatus('succeeded');
    await run.close();
    expect(await store.liveRuns()).toEqual([]);
  });
});
