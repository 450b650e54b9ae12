import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, readRunFile } from '../helpers/durable.js';
import { crashedWhileS2Runs } from '../helpers/long-run.js';

// A secret input is never stored (it reads ***): ksa cancel of an interrupted run whose rollback reads one asks for
// it again, as ksa resume does, instead of running the rollback with three stars in place of the password.

let sandbox: CliSandbox;
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-cancel-secret-input-');
});
afterAll(async () => {
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

const SECRET = 'Zq7pX9wVsecretA1';

const PLAN = `goal: Undo with a secret
inputs: { dbPassword: "" }
steps:
  - id: s1
    tool: shell
    args: { command: "echo s1" }
    rollback: { tool: shell, args: { command: "echo 'rb={{ inputs.dbPassword }}' > rbval.txt" } }
  - id: s2
    tool: shell
    dependsOn: [s1]
    args: { command: "echo $$ >> long.pids; sleep 30" }
`;

/** Walks every file under dir: whether any holds text. */
function anyFileHolds(dir: string, text: string): boolean {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).some((entry) => entry.isFile() && readFileSync(path.join(entry.parentPath, entry.name), 'utf8').includes(text));
}

describe('ksa cancel of an interrupted run whose rollback reads a secret input', () => {
  it('refuses without it (exit 2, nothing rolled back), and with --input rolls back with the real value, storing none of it', async () => {
    const { dir, home, runId } = await crashedWhileS2Runs(sandbox, 'cancel-secret', PLAN, leftovers, { args: ['--input', `dbPassword=${SECRET}`] });

    const refused = await runKsa(['cancel', runId, '--yes'], { home, cwd: dir });
    expectExit(refused, 2);
    expect(refused.stderr).toContain('ksa: input dbPassword (the rollback of s1 reads it) was not stored (they hold secrets); pass --input dbPassword=… again');
    expect(existsSync(path.join(dir, 'rbval.txt'))).toBe(false);
    expect(readRunFile(home, runId)?.state.status).not.toBe('cancelled');

    const cancelled = await runKsa(['cancel', runId, '--yes', '--input', `dbPassword=${SECRET}`], { home, cwd: dir });
    expectExit(cancelled, 0);
    expect(readFileSync(path.join(dir, 'rbval.txt'), 'utf8')).toBe(`rb=${SECRET}\n`);
    expect(readRunFile(home, runId)?.state.steps.s1?.status).toBe('rolled_back');
    expect(cancelled.stderr + cancelled.stdout).not.toContain(SECRET);
    expect(anyFileHolds(home, SECRET)).toBe(false);
  });

  it('asks for what the rollback templates read, a read broken over lines too, and not for an input only named in its text', async () => {
    const { dir, home, runId } = await crashedWhileS2Runs(
      sandbox,
      'cancel-read',
      `goal: Undo with a key
inputs: { apiKey: "", dbPassword: "" }
steps:
  - id: s1
    tool: shell
    args: { command: "echo s1" }
    rollback:
      tool: shell
      args:
        command: |
          echo "rb={{ inputs
            .apiKey }} (inputs.dbPassword not needed)" > rbval.txt
  - id: s2
    tool: shell
    dependsOn: [s1]
    args: { command: "echo $$ >> long.pids; sleep 30" }
`,
      leftovers,
      { args: ['--input', `apiKey=${SECRET}`, '--input', 'dbPassword=Pw4stored9'] },
    );

    const refused = await runKsa(['cancel', runId, '--yes'], { home, cwd: dir });
    expectExit(refused, 2);
    expect(refused.stderr.trim()).toBe('ksa: input apiKey (the rollback of s1 reads it) was not stored (they hold secrets); pass --input apiKey=\u2026 again');
    expect(existsSync(path.join(dir, 'rbval.txt'))).toBe(false);

    const cancelled = await runKsa(['cancel', runId, '--yes', '--input', `apiKey=${SECRET}`], { home, cwd: dir });
    expectExit(cancelled, 0);
    expect(readFileSync(path.join(dir, 'rbval.txt'), 'utf8')).toBe(`rb=${SECRET} (inputs.dbPassword not needed)\n`);
  });
});
