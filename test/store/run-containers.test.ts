import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readContainers, recordContainers } from '../../src/store/index.js';
import { createTempDir } from '../helpers/tool-context.js';

// containers.json tells `ksa resume` and `ksa cancel` which containers a crashed
// run's steps had started: what they remove before anything runs again.

const WEB = { binary: 'podman', globals: ['--connection', 'box'], id: '0123456789abcdef0123456789abcdef' };

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await createTempDir('ksa-store-containers-'));
});
afterEach(async () => {
  await cleanup();
});

it('keeps the containers recorded last, and no file once there are none', async () => {
  recordContainers(dir, [WEB, { ...WEB, id: 'f'.repeat(64) }]);
  recordContainers(dir, [WEB]);
  expect(await readContainers(dir)).toEqual([WEB]);
  recordContainers(dir, []);
  expect(existsSync(path.join(dir, 'containers.json'))).toBe(false);
  expect(await readContainers(dir)).toEqual([]);
});

it.each([
  ['not JSON', 'not json {'],
  ['an id that is not a container id', JSON.stringify({ containers: [{ ...WEB, id: '--all' }] })],
  ['no engine', JSON.stringify({ containers: [{ ...WEB, binary: '' }] })],
])('a record holding %s is moved aside with a one-line warning, and nothing is removed', async (_, text) => {
  const file = path.join(dir, 'containers.json');
  writeFileSync(file, text);
  const warnings: string[] = [];
  expect(await readContainers(dir, (message) => warnings.push(message))).toEqual([]);
  const backup = readdirSync(dir).find((name) => name.startsWith('containers.json.corrupt-'));
  expect(backup).toBeDefined();
  expect(warnings).toEqual([
    `${file} is unreadable (not a list of containers); moved it to ${path.join(dir, backup!)} and went on without it: containers the interrupted run left running cannot be removed automatically; check with: podman ps (or docker ps)`,
  ]);
});

it('a record that cannot be read (a folder in its place) is said and moved aside, not taken for no containers', async () => {
  const file = path.join(dir, 'containers.json');
  mkdirSync(file);
  const warnings: string[] = [];
  expect(await readContainers(dir, (message) => warnings.push(message))).toEqual([]);
  const backup = readdirSync(dir).find((name) => name.startsWith('containers.json.corrupt-'));
  expect(backup).toBeDefined();
  expect(warnings).toEqual([`${file} cannot be read (EISDIR); moved it to ${path.join(dir, backup!)} and went on without it: containers the interrupted run left running cannot be removed automatically; check with: podman ps (or docker ps)`]);
});
