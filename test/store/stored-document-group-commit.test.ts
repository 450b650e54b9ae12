import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { flushAllDocuments, StoredDocument } from '../../src/store/index.js';
import { createTempDir, waitFor } from '../helpers/tool-context.js';
import { observeWrites, sleep, type WriteObserver } from '../helpers/store-fixtures.js';

// Group commit: many changes, one write; at most one write in flight; flush()
// waits; changes made during a write go out afterwards; a failing write keeps
// the data pending and flush() rejects, without a retry loop.

const Schema = z.object({ items: z.array(z.number()), note: z.string().optional() });
type Doc = z.infer<typeof Schema>;

let dir: string;
let cleanup: () => Promise<void>;
let writes: WriteObserver;
beforeEach(async () => {
  ({ dir, cleanup } = await createTempDir('ksa-store-doc-'));
  writes = observeWrites();
});
afterEach(async () => {
  writes.restore();
  await cleanup();
});

async function openDoc(name = 'doc.json', delayMs = 20): Promise<StoredDocument<Doc>> {
  return StoredDocument.open<Doc>({ file: path.join(dir, name), schema: Schema, defaults: () => ({ items: [] }), delayMs });
}

async function onDisk(name = 'doc.json'): Promise<Doc> {
  return JSON.parse(await readFile(path.join(dir, name), 'utf8')) as Doc;
}

describe('StoredDocument group commit', () => {
  it('a burst of 1,000 changes becomes one write', async () => {
    const doc = await openDoc();
    for (let i = 0; i < 1000; i++) {
      doc.data.items.push(i);
      doc.changed();
    }
    expect(writes.count()).toBe(0);
    expect(await waitFor(() => writes.count() >= 1, 3000)).toBe(true);
    await sleep(60);
    expect(writes.count()).toBe(1);
    expect((await onDisk()).items).toHaveLength(1000);
    await doc.close();
    expect(writes.count()).toBe(1);
  });

  it('changes in six bursts while writes are slow: at most one write per burst, never two at once, last state on disk', async () => {
    const doc = await openDoc('steady.json', 15);
    writes.delayMs = 25; // each write takes longer than the commit window
    for (let burst = 0; burst < 6; burst++) {
      for (let i = 0; i < 10; i++) {
        doc.data.items.push(burst * 10 + i);
        doc.changed();
      }
      await sleep(10);
    }
    await doc.flush();
    const file = path.join(dir, 'steady.json');
    expect(writes.count(file)).toBeGreaterThanOrEqual(1);
    expect(writes.count(file)).toBeLessThanOrEqual(6);
    expect(writes.maxInFlight).toBe(1);
    expect((await onDisk('steady.json')).items).toEqual(Array.from({ length: 60 }, (_, i) => i));
    await doc.close();
  });

  it('flush() resolves only once the pending change is on disk', async () => {
    const doc = await openDoc('flush.json', 10_000);
    doc.data.note = 'written';
    doc.changed();
    await doc.flush();
    expect((await onDisk('flush.json')).note).toBe('written');
    expect(writes.count()).toBe(1);
    // Nothing pending: flush does not write again.
    await doc.flush();
    expect(writes.count()).toBe(1);
    await doc.close();
  });

  it('a change made while a write is in flight is written after it (by the timer, and by flush)', async () => {
    const doc = await openDoc('inflight.json', 5);
    writes.delayMs = 60;
    doc.data.items.push(1);
    doc.changed();
    // The first write is now in flight (waiting in its 60 ms delay).
    expect(await waitFor(() => writes.count() === 1, 3000, 1)).toBe(true);
    doc.data.items.push(2);
    doc.changed();
    // Not a second concurrent write…
    expect(writes.count()).toBe(1);
    // …but one after the first: wait without flush.
    expect(await waitFor(() => writes.count() === 2, 3000)).toBe(true);
    await doc.flush();
    expect(writes.maxInFlight).toBe(1);
    expect((await onDisk('inflight.json')).items).toEqual([1, 2]);

    // The same through flush(): it waits for the in-flight write, then writes the rest.
    doc.data.items.push(3);
    doc.changed();
    await sleep(20);
    doc.data.items.push(4);
    doc.changed();
    await doc.flush();
    expect((await onDisk('inflight.json')).items).toEqual([1, 2, 3, 4]);
    expect(writes.maxInFlight).toBe(1);
    await doc.close();
  });

  it('a failing write keeps the data pending: flush rejects, no retry loop, a later flush writes it', async () => {
    const sub = path.join(dir, 'sub');
    await mkdir(sub);
    const doc = await StoredDocument.open<Doc>({ file: path.join(sub, 'doc.json'), schema: Schema, defaults: () => ({ items: [] }), delayMs: 5 });
    doc.data.items.push(42);
    doc.changed();
    await doc.flush();
    await rm(sub, { recursive: true });

    doc.data.items.push(43);
    doc.changed();
    // The timer's write fails.
    expect(await waitFor(() => writes.count() >= 2, 3000)).toBe(true);
    await sleep(20);
    const afterTimer = writes.count();
    await sleep(150);
    expect(writes.count(), 'a failed write must not be retried in a loop').toBe(afterTimer);

    await expect(doc.flush()).rejects.toThrow(/ENOENT/);
    // flush tried once more, no more than that.
    expect(writes.count()).toBeLessThanOrEqual(afterTimer + 1);

    await mkdir(sub);
    await doc.flush();
    expect(JSON.parse(await readFile(path.join(sub, 'doc.json'), 'utf8'))).toEqual({ items: [42, 43] });
    await doc.close();
  });

  it('close() after a failed write rejects instead of pretending the data was saved', async () => {
    const sub = path.join(dir, 'gone');
    await mkdir(sub);
    const doc = await StoredDocument.open<Doc>({ file: path.join(sub, 'doc.json'), schema: Schema, defaults: () => ({ items: [] }), delayMs: 5 });
    await rm(sub, { recursive: true });
    doc.data.items.push(1);
    doc.changed();
    await expect(doc.close()).rejects.toThrow();
  });

  it('flushAllDocuments() writes every open document with pending changes', async () => {
    const one = await openDoc('one.json', 60_000);
    const two = await openDoc('two.json', 60_000);
    one.data.note = 'one';
    one.changed();
    two.data.note = 'two';
    two.changed();
    await flushAllDocuments();
    expect((await onDisk('one.json')).note).toBe('one');
    expect((await onDisk('two.json')).note).toBe('two');
    await one.close();
    await two.close();
  });

  it('StoredDocument.create is not on disk until its first change, then written once', async () => {
    const doc = StoredDocument.create<Doc>({ file: path.join(dir, 'fresh.json'), data: { items: [7] }, delayMs: 5 });
    await sleep(30);
    expect(await readdir(dir)).toEqual([]);
    doc.changed();
    await doc.close();
    expect(await onDisk('fresh.json')).toEqual({ items: [7] });
  });
});
