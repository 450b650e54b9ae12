import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually, startKsa } from '../helpers/cli.js';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { reflectionReply } from '../helpers/chat-script.js';
import { killGroup, readPids, runIdsOnDisk } from '../helpers/durable.js';

// `ksa run --allow-env` killed mid-run, then resumed from `ksa chat`: the chat reads the allowed variables from
// its own environment, as ksa resume does, and refuses the resume when one the run reads plainly is not set.

const PLAN = `goal: Env rollback
steps:
  - {id: a, tool: shell, args: {command: "echo A-RAN"}, rollback: {tool: shell, args: {command: "echo undo $TOK > undone", env: {TOK: "{{ env.QA_Y }}"}}}}
  - {id: b, dependsOn: [a], tool: shell, args: {command: "echo $$ > b.pid; while [ ! -f b.go ]; do sleep 0.05; done"}, rollback: {tool: shell, args: {command: "echo undo-b {{ env.QA_Z }} > undone-b"}}}
  - {id: c, dependsOn: [b], tool: shell, args: {command: "exit 3"}}
`;

const flat = (screen: string) => screen.replace(/\s+/g, ' ');

describe('ksa chat: /resume of a run started with --allow-env', () => {
  it('refuses while a variable it reads is unset in the chat, naming each; started with them set, the rollbacks get their values', async (context) => {
    const harness = await chatHarnessFor(context);
    const { home, dir } = harness.sandbox;
    writeFileSync(path.join(dir, 'plan.yaml'), PLAN);
    const owner = startKsa(['run', 'plan.yaml', '--yes', '--allow-env', 'QA_Y', '--allow-env', 'QA_Z'], { home, cwd: dir, env: { QA_Y: 'tok', QA_Z: 'zz' }, timeoutMs: 60_000 });
    await eventually(() => (readPids(dir, 'b.pid').length > 0 ? true : undefined), 30_000);
    killGroup(owner.pid);
    for (const pid of readPids(dir, 'b.pid')) killGroup(pid);
    await owner.result;
    const [runId] = runIdsOnDisk(home);
    await writeFile(path.join(dir, 'b.go'), '');
    // run.json as the killed owner left it: its status may still read pending (written by group commit), which is
    // not what this test is about; the refused /resume must leave it exactly as it was.
    const runFile = path.join(home, 'runs', runId!, 'run.json');
    const before = readFileSync(runFile, 'utf8');

    const unset = await harness.open([], { env: { QA_Y: undefined, QA_Z: undefined } });
    await unset.send(`/resume ${runId}`);
    const refused = await unset.waitForScreen((screen) => flat(screen).includes('start ksa chat with QA_Y and QA_Z set to resume it.'));
    expect(flat(refused)).toContain(`Run ${runId} cannot be resumed: env.QA_Y is used by the rollback of step a but QA_Y is not set in the environment; env.QA_Z is used by step b but QA_Z is not set in the environment. Nothing was run;`);
    expect(refused).not.toContain('run? [y/n/e]');
    expect(await unset.quit()).toMatchObject({ exitCode: 0 });
    expect(readFileSync(runFile, 'utf8')).toBe(before);
    expect(existsSync(path.join(dir, 'undone'))).toBe(false);

    const set = await harness.open([], { env: { QA_Y: 'tok', QA_Z: 'zz' } });
    await set.send(`/resume ${runId}`);
    await set.waitForScreen('run? [y/n/e]');
    harness.server.enqueue(reflectionReply());
    await set.send('y');
    await set.waitForScreen('Reflection on run', 20_000);
    expect(readFileSync(path.join(dir, 'undone'), 'utf8')).toBe('undo tok\n');
    expect(readFileSync(path.join(dir, 'undone-b'), 'utf8')).toBe('undo-b zz\n');
    expect(await set.quit()).toMatchObject({ exitCode: 0 });
  }, 120_000);
});
