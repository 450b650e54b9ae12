import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/planning/schema.js';
import { RunStore } from '../../src/store/index.js';
import { keyLineDigests, keyLineHider } from '../../src/store/key-line-digests.js';
import { sshKeys } from '../helpers/ssh-keys.js';
import { newRunRecord } from '../helpers/store-fixtures.js';
import { createTempDir } from '../helpers/tool-context.js';

// A key written into a plan is stored as ***; the record keeps digests of its lines, by which a run opened again
// (resumed, cancelled) hides them in what its steps print, and from which none of them can be read.

const KEYS = sshKeys();

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: home, cleanup } = await createTempDir('ksa-key-line-digests-'));
});
afterEach(async () => {
  await cleanup();
});

function planWriting(key: string): Plan {
  return { goal: 'Install a key', inputs: {}, steps: [{ id: 'key', tool: 'write_file', args: { path: 'id_key', content: key }, dependsOn: [] }] } as unknown as Plan;
}

describe('the digests of a plan\'s key lines', () => {
  it('are kept in run.json without the key, and a run opened again hides its lines, after a prefix too, and nothing else', async () => {
    const key = KEYS.pem;
    const runId = '20260101-000001-keys';
    const created = await new RunStore(home).create(newRunRecord(runId, { plan: planWriting(key.text) }), 'ksa run plan.yaml');
    await created.close();
    const stored = await readFile(path.join(home, 'runs', runId, 'run.json'), 'utf8');
    for (const line of key.body) expect(stored).not.toContain(line);
    expect((JSON.parse(stored) as { keyLineDigests: string[] }).keyLineDigests).toHaveLength(key.body.filter((line) => line.length >= 16).length);

    const reopened = await new RunStore(home).open(runId, 'ksa resume');
    try {
      const hide = reopened.redactor.text;
      expect(hide(key.body[0]!)).toBe('***');
      expect(hide(`id_key:3:${key.body[1]!}`)).toBe('id_key:3:***');
      expect(hide(`  ${key.body.at(-1)!}`)).toBe(key.body.at(-1)!.length >= 16 ? '  ***' : `  ${key.body.at(-1)!}`);
      expect(hide('deploy ok: sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae')).toBe('deploy ok: sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae');
      expect(hide(KEYS.pkcs8.body[0]!)).toBe(KEYS.pkcs8.body[0]);
    } finally {
      await reopened.close();
    }
  });

  it('differ from run to run for the same key, and a plan without a key has none', () => {
    const lines = KEYS.openssh.body;
    const first = keyLineDigests('20260101-000001-aaaa', [KEYS.openssh.text]);
    const second = keyLineDigests('20260101-000002-bbbb', [KEYS.openssh.text]);
    expect(first.length).toBeGreaterThan(0);
    expect(first.filter((digest) => second.includes(digest))).toEqual([]);
    expect(keyLineHider('20260101-000002-bbbb', first)!(lines[0]!)).toBe(lines[0]);
    expect(keyLineHider('20260101-000001-aaaa', first)!(lines[0]!)).toBe('***');
    expect(keyLineHider('20260101-000001-aaaa', [])).toBeUndefined();
  });
});
