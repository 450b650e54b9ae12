import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useCliSandbox } from '../helpers/cli-sandbox.js';
import { eventsOf, parseNdjson, runKsa } from '../helpers/cli.js';
import { expectExit, killGroup } from '../helpers/durable.js';
import { crashedWhileS2Runs } from '../helpers/long-run.js';
import { sshKeys } from '../helpers/ssh-keys.js';
import { walk } from '../helpers/store-fixtures.js';

// A private key written into a plan is stored as ***: a resumed run has not the plan's key in hand, yet hides its
// lines when a step prints them (without their header, which would hide them by itself), as the first run did.

const sandbox = useCliSandbox('ksa-resume-key-lines-');
const leftovers = new Set<number>();
afterAll(() => {
  for (const pid of leftovers) killGroup(pid);
});

const KEYS = sshKeys();

/** Writes the key into the workspace, prints two of its lines while it waits for `fast`, then prints three more. */
function plan(key: string): string {
  return `goal: Install a key
steps:
  - id: s1
    tool: write_file
    args: { path: id_key, content: ${JSON.stringify(key)} }
  - id: s2
    tool: shell
    dependsOn: [s1]
    args: { command: "echo $$ >> long.pids; sed -n 2,3p id_key; while ! test -e fast; do sleep 0.1; done" }
  - id: s3
    tool: shell
    dependsOn: [s2]
    args: { command: "sed -n 2,4p id_key; echo installed" }
`;
}

describe('a private key written into a plan, printed by a step after ksa resume', () => {
  it.each(Object.keys(KEYS) as (keyof typeof KEYS)[])('%s: its lines are *** in the resumed run\'s output, events, log and run.json', async (format) => {
    const key = KEYS[format];
    const { dir, home, runId } = await crashedWhileS2Runs(sandbox, format, plan(key.text), leftovers);
    writeFileSync(path.join(dir, 'fast'), '');
    const resumed = await runKsa(['resume', runId, '--yes', '--json'], { home, cwd: dir });
    expectExit(resumed, 0);
    const events = parseNdjson(resumed.stdout);
    expect(eventsOf(events, 'step_output', 's3').map((event) => event.line)).toEqual(['***', '***', '***', 'installed']);
    expect(eventsOf(events, 'step_output', 's2').map((event) => event.line)).toEqual(['***', '***']);
    const printed = key.body.slice(0, 3);
    for (const line of printed) expect(resumed.stdout + resumed.stderr).not.toContain(line);
    const files = (await walk(home)).filter((entry) => !entry.dir);
    for (const line of printed) expect(files.filter((entry) => readFileSync(path.join(home, entry.rel), 'utf8').includes(line)).map((entry) => entry.rel)).toEqual([]);
  });
});
