import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCliSandbox, nonEmptyLines, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, readPids } from '../helpers/durable.js';

// A crashed run whose owner.lock or processes.json is corrupt: like every other
// store file, each is moved to <file>.corrupt-<timestamp> and the warning names it.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-durable-corrupt-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

const PLAN = `goal: Crash with corrupt files
steps:
  - id: first
    tool: shell
    args: { command: "echo first >> ran.log" }
  - id: long
    tool: shell
    dependsOn: [first]
    args: { command: "echo $$ >> long.pids; if [ -f fast ]; then true; else sleep 30; fi; echo long >> ran.log" }
`;

it('ksa resume of a crashed run with a corrupt owner.lock and processes.json: both moved aside, each warning names its backup, the run completes', async () => {
  const planFile = await sandbox.writePlan('corrupt/plan.yaml', PLAN);
  const dir = path.dirname(planFile);
  const home = path.join(sandbox.home, 'corrupt');
  mkdirSync(home);
  const ksa = startKsa(['run', planFile, '--yes', '--json'], { home, cwd: dir, timeoutMs: 20_000 });
  await ksa.waitForOutput((stdout) => /"type":"step_started"[^\n]*"stepId":"long"/.test(stdout));
  killGroup(ksa.pid);
  await ksa.result;
  for (const pid of readPids(dir, 'long.pids')) leftovers.add(pid);

  // The run's folder, not the temporary file of an index write the kill cut short.
  const [runId] = readdirSync(path.join(home, 'runs')).filter((name) => !name.startsWith('.') && !name.includes('.'));
  const runFolder = path.join(home, 'runs', runId!);
  const lock = path.join(runFolder, 'owner.lock');
  writeFileSync(lock, '{"pid": 12');
  // Not one being written this moment: that one would be waited for.
  utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  writeFileSync(path.join(runFolder, 'processes.json'), 'not json {');
  writeFileSync(path.join(dir, 'fast'), '');

  const resumed = await runKsa(['resume', runId!, '--yes'], { home, cwd: dir, timeoutMs: 20_000 });
  expectExit(resumed, 0);
  const backups = readdirSync(runFolder).filter((name) => name.includes('.corrupt-')).sort();
  expect(backups).toEqual([expect.stringMatching(/^owner\.lock\.corrupt-/), expect.stringMatching(/^processes\.json\.corrupt-/)]);
  expect(readFileSync(path.join(runFolder, backups[0]!), 'utf8')).toBe('{"pid": 12');
  expect(readFileSync(path.join(runFolder, backups[1]!), 'utf8')).toBe('not json {');
  const warnings = nonEmptyLines(resumed.stderr).filter((line) => line.startsWith('ksa: warning:'));
  expect(warnings).toEqual([
    `ksa: warning: ${lock} is unreadable (not an owner record); moved it to ${path.join(runFolder, backups[0]!)} and took the run over, as no live process can be named as its owner`,
    `ksa: warning: ${path.join(runFolder, 'processes.json')} is unreadable (not a list of process groups); moved it to ${path.join(runFolder, backups[1]!)} and went on without it: processes the interrupted run left running cannot be stopped automatically; check for them by hand`,
  ]);
  expect(nonEmptyLines(readFileSync(path.join(dir, 'ran.log'), 'utf8'))).toEqual(['first', 'long']);
});
