import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { PrivateJSONFile, StoredDocument } from '../../src/store/index.js';
import { createTempDir } from '../helpers/tool-context.js';
import { modeOf } from '../helpers/store-fixtures.js';

// PrivateJSONFile writes 0600 files through a temp file and leaves none behind;
// StoredDocument moves a corrupt file aside to `<file>.corrupt-<timestamp>`,
// warns once naming it, and goes on with the defaults.

const Schema = z.object({ version: z.literal(1), items: z.array(z.string()) });
type Doc = z.infer<typeof Schema>;

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await createTempDir('ksa-store-corrupt-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await cleanup();
});

describe('PrivateJSONFile', () => {
  it('creates 0600 files even under a permissive umask, and leaves no temp files', async () => {
    const previous = process.umask(0);
    try {
      const file = path.join(dir, 'data.json');
      const adapter = new PrivateJSONFile<Doc>(file);
      await adapter.write({ version: 1, items: ['a'] });
      await adapter.write({ version: 1, items: ['a', 'b'] });
      expect(await modeOf(file)).toBe(0o600);
      expect(await readdir(dir)).toEqual(['data.json']);
      expect(await adapter.read()).toEqual({ version: 1, items: ['a', 'b'] });
    } finally {
      process.umask(previous);
    }
  });

  it('an existing 0644 file becomes 0600 on the next write', async () => {
    const file = path.join(dir, 'old.json');
    await writeFile(file, '{}');
    await chmod(file, 0o644);
    await new PrivateJSONFile(file).write({ version: 1, items: [] });
    expect(await modeOf(file)).toBe(0o600);
  });

  it('reads a missing file as null', async () => {
    expect(await new PrivateJSONFile(path.join(dir, 'missing.json')).read()).toBeNull();
  });

  it('a failed write (no directory) leaves no temp file and throws', async () => {
    const file = path.join(dir, 'nope', 'data.json');
    await expect(new PrivateJSONFile(file).write({ version: 1, items: [] })).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });
});

const CORRUPT_CASES: [string, string][] = [
  ['garbage', 'this is not json at all \u0000\u0001'],
  ['truncated JSON', '{"version":1,"items":["a","b'],
  ['the wrong shape', '{"version":1,"items":"not-an-array"}'],
  ['an array', '[1,2,3]'],
  ['an empty file', ''],
];

describe('StoredDocument with a corrupt file', () => {
  it.each(CORRUPT_CASES)('%s: moved aside to <file>.corrupt-<timestamp>, one warning naming it, defaults, still writable', async (_name, content) => {
    const file = path.join(dir, 'doc.json');
    await writeFile(file, content);
    const warnings: string[] = [];
    const doc = await StoredDocument.open<Doc>({ file, schema: Schema, defaults: () => ({ version: 1, items: [] }), onWarning: (message) => warnings.push(message), delayMs: 5 });

    expect(warnings).toHaveLength(1);
    const names = await readdir(dir);
    const backups = names.filter((name) => name.startsWith('doc.json.corrupt-'));
    expect(backups).toHaveLength(1);
    const backup = path.join(dir, backups[0]!);
    expect(backups[0]).toMatch(/^doc\.json\.corrupt-\d{4}-\d{2}-\d{2}T\d{6}-\d{3}Z(-\d+)?$/);
    expect(warnings[0]).toContain(backup);
    expect(warnings[0]).not.toMatch(/\n/);
    expect(await readFile(backup, 'utf8')).toBe(content);
    expect(names).not.toContain('doc.json');

    expect(doc.data).toEqual({ version: 1, items: [] });
    doc.data.items.push('fresh');
    doc.changed();
    await doc.close();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, items: ['fresh'] });

    // Opening the repaired file again: no new warning.
    const again = await StoredDocument.open<Doc>({ file, schema: Schema, defaults: () => ({ version: 1, items: [] }), onWarning: (message) => warnings.push(message) });
    expect(again.data.items).toEqual(['fresh']);
    expect(warnings).toHaveLength(1);
    await again.close();
  });

  it('an unreadable path (a directory where the file should be) warns and keeps working in memory', async () => {
    const { mkdir } = await import('node:fs/promises');
    const file = path.join(dir, 'doc.json');
    await mkdir(file);
    const warnings: string[] = [];
    const doc = await StoredDocument.open<Doc>({ file, schema: Schema, defaults: () => ({ version: 1, items: [] }), onWarning: (message) => warnings.push(message) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(file);
    expect(doc.data.items).toEqual([]);
    await doc.close();
  });

  it('two corruptions of the same file within one second keep both backups', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-02T03:04:05.100Z'));
    const file = path.join(dir, 'doc.json');
    const open = () => StoredDocument.open<Doc>({ file, schema: Schema, defaults: () => ({ version: 1, items: [] }) });
    await writeFile(file, 'first garbage');
    await (await open()).close();
    vi.setSystemTime(new Date('2026-01-02T03:04:05.900Z'));
    await writeFile(file, 'second garbage');
    await (await open()).close();
    const backups = (await readdir(dir)).filter((name) => name.includes('.corrupt-'));
    const contents = await Promise.all(backups.map((name) => readFile(path.join(dir, name), 'utf8')));
    expect(contents.sort()).toEqual(['first garbage', 'second garbage']);
  });
});
