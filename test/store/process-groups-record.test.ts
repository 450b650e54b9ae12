import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { seededRandom } from '../helpers/random.js';
import { createTempDir } from '../helpers/tool-context.js';

// processes.json tells `ksa resume` which process groups a crashed run left
// running. It is rewritten every time a step process starts or ends, so it must
// survive a kill -9 at any moment.

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await createTempDir('ksa-store-groups-'));
});
afterEach(async () => {
  await cleanup();
});

/** A child that rewrites processes.json in a loop (as a busy run does), killed with SIGKILL after `delayMs`. */
async function killWhileRecording(delayMs: number): Promise<string> {
  const storeUrl = pathToFileURL(path.join(REPO_ROOT, 'dist/src/store/index.js')).href;
  const source = `const { recordProcessGroups } = await import(${JSON.stringify(storeUrl)});
    const groups = Array.from({ length: 40 }, (_, i) => 100000 + i);
    recordProcessGroups(${JSON.stringify(dir)}, groups);
    process.stdout.write('ready');
    for (let i = 0; ; i++) recordProcessGroups(${JSON.stringify(dir)}, groups.slice(i % 7));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('close', resolve));
  return readFileSync(path.join(dir, 'processes.json'), 'utf8');
}

it('a kill -9 while processes.json is being rewritten never leaves it empty or partial', async () => {
  const random = seededRandom(7);
  const broken: string[] = [];
  for (let trial = 0; trial < 12; trial++) {
    const text = await killWhileRecording(Math.round(random() * 30));
    try {
      JSON.parse(text);
    } catch {
      broken.push(JSON.stringify(text.slice(0, 40)));
    }
  }
  expect(broken, `unreadable processes.json after ${broken.length} of 12 kills`).toEqual([]);
}, 20_000);
