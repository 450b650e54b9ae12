import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/planning/index.js';
import { RunStore } from '../../src/store/index.js';
import { JOURNAL_FILE } from '../../src/store/success-journal.js';
import { createTempDir } from '../helpers/tool-context.js';
import { newRunRecord } from '../helpers/store-fixtures.js';

// A step's output is redacted as its success is committed: for the journal line and for the note that it lost a
// secret. A big output takes the redactor long to read, so it is read once for both.

const SECRET = 'Hunter2-deploy-pw';

const PLAN = { goal: 'Print', inputs: {}, steps: [{ id: 'a', tool: 'shell', args: { command: 'echo' }, dependsOn: [] }] } as unknown as Plan;

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: home, cleanup } = await createTempDir('ksa-succeeded-output-'));
});
afterEach(async () => {
  await cleanup();
});

describe('a succeeded output as it is committed', () => {
  it.each([
    ['that printed a secret', `token ${SECRET} issued\n`, true],
    ['that printed none', 'deployed\n', false],
  ])('is read by the redactor once: an output %s', async (_case, stdout, hidden) => {
    const store = new RunStore(home, { secrets: [SECRET] });
    const runId = hidden ? '20260101-000001-reda' : '20260101-000002-redb';
    const run = await store.create(newRunRecord(runId, { plan: PLAN }), 'test');
    run.setStatus('running');
    await run.flush();
    run.record.state.steps.a = { ...run.record.state.steps.a!, status: 'succeeded', attempts: 1, output: { stdout, stderr: '', exitCode: 0 } };
    run.record.state.completed.push('a');
    const reads: string[] = [];
    const text = run.redactor.text;
    (run.redactor as { text: (value: string) => string }).text = (value) => {
      reads.push(value);
      return text(value);
    };
    run.commitSuccess('a');
    expect(reads.filter((value) => value === stdout)).toHaveLength(1);
    const line = JSON.parse((await readFile(path.join(home, 'runs', runId, JOURNAL_FILE), 'utf8')).trim()) as { state: { output: { stdout: string } }; outputMasked?: boolean };
    expect(line.state.output.stdout).toBe(hidden ? 'token *** issued\n' : stdout);
    expect(line.outputMasked === true).toBe(hidden);
    expect(run.record.masked?.outputs).toEqual(hidden ? ['a'] : []);
    // The run goes on with the output as the step printed it.
    expect(run.record.state.steps.a!.output).toEqual({ stdout, stderr: '', exitCode: 0 });
    await run.flush();
  });

  it('is not read again at the later writes of run.json, which store it as it was stored; a new output of the step is', async () => {
    const store = new RunStore(home, { secrets: [SECRET] });
    const runId = '20260101-000003-redc';
    const run = await store.create(newRunRecord(runId, { plan: PLAN }), 'test');
    const stdout = `token ${SECRET} issued\n`;
    run.record.state.steps.a = { ...run.record.state.steps.a!, status: 'succeeded', attempts: 1, output: { stdout, stderr: '', exitCode: 0 } };
    const reads: string[] = [];
    const text = run.redactor.text;
    (run.redactor as { text: (value: string) => string }).text = (value) => {
      reads.push(value);
      return text(value);
    };
    run.commitSuccess('a');
    const stored = async () => (JSON.parse(await readFile(path.join(home, 'runs', runId, 'run.json'), 'utf8')) as { state: { steps: Record<string, { output: { stdout: string } }> } }).state.steps.a!.output.stdout;
    for (const status of ['running', 'paused', 'running'] as const) {
      run.setStatus(status);
      await run.flush();
      expect(await stored()).toBe('token *** issued\n');
    }
    expect(reads.filter((value) => value === stdout)).toHaveLength(1);
    // Run again (a resume): its new output is hidden as any other is.
    const again = `again ${SECRET}\n`;
    run.record.state.steps.a!.output = { stdout: again, stderr: '', exitCode: 0 };
    run.setStatus('running');
    await run.flush();
    expect(await stored()).toBe('again ***\n');
    await run.close();
  });
});
