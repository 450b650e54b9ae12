import * as fs from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initialRunState, type RunState } from '../../src/planning/index.js';
import { PrivateJSONFile } from '../../src/store/private-json-file.js';
import { readProcessGroups, recordProcessGroups } from '../../src/store/run-lock.js';
import { JOURNAL_FILE, replayJournal, SuccessJournal } from '../../src/store/success-journal.js';
import { createTempDir } from '../helpers/tool-context.js';

// A full disk: write() writes part of what it is given and returns the count
// (no error), and the next write fails with ENOSPC. A success whose journal line
// is not all on disk must not count as recorded, and a failed write leaves no
// temp file behind.

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, writeSync: vi.fn(actual.writeSync), ftruncateSync: vi.fn(actual.ftruncateSync), writeFileSync: vi.fn(actual.writeFileSync) };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, open: vi.fn(actual.open) };
});

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** The next writes behave as on a disk with `room` bytes left. */
async function diskFullAfter(room: number): Promise<void> {
  const actual = await vi.importActual<typeof import('node:fs')>('node:fs');
  vi.mocked(fs.writeSync)
    .mockImplementationOnce(((fd: number, buffer: Uint8Array, offset: number) => actual.writeSync(fd, buffer, offset, room)) as typeof fs.writeSync)
    .mockImplementationOnce(() => {
      throw enospc();
    });
}

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await createTempDir('ksa-store-full-'));
});
afterEach(async () => {
  vi.mocked(fs.writeSync).mockReset();
  vi.mocked(fs.ftruncateSync).mockReset();
  vi.mocked(fs.writeFileSync).mockReset();
  vi.mocked(fsPromises.open).mockReset();
  await cleanup();
});

describe('the success journal on a full disk', () => {
  const NO_OUTPUT = { output: undefined, hidden: false };
  function journalOf(state: RunState) {
    return new SuccessJournal(dir, () => state, undefined);
  }
  function succeededState(): RunState {
    const state = initialRunState('r', 'goal', ['a', 'b', 'c'], {});
    for (const id of ['a', 'b', 'c']) state.steps[id] = { ...state.steps[id]!, status: 'succeeded', attempts: 1 };
    return state;
  }
  async function replayed(): Promise<string[]> {
    const fresh = initialRunState('r', 'goal', ['a', 'b', 'c'], {});
    await replayJournal(dir, fresh);
    return fresh.completed;
  }

  it('an append cut short throws, takes its part of a line back, and the step is not replayed as succeeded', async () => {
    const journal = journalOf(succeededState());
    journal.commit('a', NO_OUTPUT);
    await diskFullAfter(7);
    expect(() => journal.commit('b', NO_OUTPUT)).toThrow(/ENOSPC/);
    expect(fs.readFileSync(path.join(dir, JOURNAL_FILE), 'utf8').split('\n')).toHaveLength(2); // a's line only
    expect(await replayed()).toEqual(['a']);
    // Room again: the next success is recorded whole.
    journal.commit('c', NO_OUTPUT);
    expect(await replayed()).toEqual(['a', 'c']);
    journal.discard();
  });

  it('a write that makes no progress at all is a failure too, not a loop', async () => {
    const journal = journalOf(succeededState());
    vi.mocked(fs.writeSync).mockImplementationOnce(() => 0);
    expect(() => journal.commit('a', NO_OUTPUT)).toThrow(/no space left on device/);
    expect(await replayed()).toEqual([]);
    journal.discard();
  });

  it('a torn line that cannot be taken back is cut off by the next append, which stays readable', async () => {
    const journal = journalOf(succeededState());
    await diskFullAfter(9);
    vi.mocked(fs.ftruncateSync).mockImplementationOnce(() => {
      throw enospc();
    });
    expect(() => journal.commit('a', NO_OUTPUT)).toThrow(/ENOSPC/);
    journal.commit('b', NO_OUTPUT);
    expect(await replayed()).toEqual(['b']);
    journal.discard();
  });
});

describe('PrivateJSONFile on a full disk', () => {
  it('a write that fails removes its temp file and leaves the old file as it was', async () => {
    const file = path.join(dir, 'run.json');
    const adapter = new PrivateJSONFile<{ items: string[] }>(file);
    await adapter.write({ items: ['old'] });
    const actual = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');
    vi.mocked(fsPromises.open).mockImplementationOnce(async (...args: Parameters<typeof fsPromises.open>) => {
      const handle = await actual.open(...args);
      handle.writeFile = async () => {
        await handle.write('{"items":[');
        throw enospc();
      };
      return handle;
    });
    await expect(adapter.write({ items: ['new'] })).rejects.toThrow(/ENOSPC/);
    expect(fs.readdirSync(dir)).toEqual(['run.json']);
    expect(await adapter.read()).toEqual({ items: ['old'] });
  });
});

describe('processes.json on a full disk', () => {
  it('a record that cannot be written keeps the last one and leaves no temp file', async () => {
    recordProcessGroups(dir, [{ id: 4242 }]);
    const actual = await vi.importActual<typeof import('node:fs')>('node:fs');
    vi.mocked(fs.writeFileSync).mockImplementationOnce((file) => {
      actual.writeFileSync(file as string, '{"pid":');
      throw enospc();
    });
    recordProcessGroups(dir, [{ id: 4343 }]);
    expect(fs.readdirSync(dir)).toEqual(['processes.json']);
    expect((await readProcessGroups(dir)).map((group) => group.id)).toEqual([4242]);
  });
});
