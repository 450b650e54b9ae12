import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resumeProposal } from '../../src/agent/session-runs.js';
import type { Plan } from '../../src/planning/index.js';
import { maskedOnResume, maskedOutputReadsOnCancel, maskedOutputReadsOnResume, RunStore, type OpenRun } from '../../src/store/index.js';
import { createTempDir } from '../helpers/tool-context.js';
import { deadPid, newRunRecord } from '../helpers/store-fixtures.js';

// A step that printed a secret has its output stored as ***: the real value is passed on within the run, but a
// resume (or a rollback run from the record) would pass the three stars. The record notes such outputs as they are
// stored, and a resume or a cancel refuses what would read them.

const TOKEN = 'ghp_' + 'Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc8';

/** a prints (what the test makes it print), b waits, c reads a's output; d's rollback reads it too. */
function plan(): Plan {
  return {
    goal: 'Token',
    inputs: {},
    steps: [
      { id: 'a', tool: 'shell', args: { command: 'kubectl create token sa' }, dependsOn: [], rollback: { tool: 'shell', args: { command: 'echo undo' } } },
      { id: 'b', tool: 'shell', args: { command: 'sleep 4' }, dependsOn: ['a'] },
      { id: 'c', tool: 'shell', args: { command: 'env', env: { POD: '{{ steps.a.output.stdout }}' } }, dependsOn: ['b'] },
      { id: 'd', tool: 'shell', args: { command: 'echo d' }, dependsOn: ['a'], when: 'steps.a.status == "succeeded"', rollback: { tool: 'shell', args: { command: 'revoke {{ steps.a.output.stdout }}' } } },
    ],
  } as Plan;
}

let home: string;
let cleanup: () => Promise<void>;
let store: RunStore;
beforeEach(async () => {
  ({ dir: home, cleanup } = await createTempDir('ksa-masked-outputs-'));
  store = new RunStore(home);
});
afterEach(async () => {
  await cleanup();
});

/**
 * A run whose `a` printed `stdout` and succeeded (committed as the executor commits it), then `d`; its owner dead.
 * `flush`: run.json written after the successes (else they are in the journal only, as after a kill -9).
 */
async function crashedAfter(runId: string, stdout: string, flush: boolean): Promise<void> {
  const run = await store.create(newRunRecord(runId, { plan: plan() }), 'test');
  run.setStatus('running');
  await run.flush();
  for (const id of ['a', 'd']) {
    run.record.state.steps[id] = { ...run.record.state.steps[id]!, status: 'succeeded', attempts: 1, output: id === 'a' ? { stdout, stderr: '', exitCode: 0 } : { stdout: 'd', stderr: '', exitCode: 0 } };
    run.record.state.completed.push(id);
    run.commitSuccess(id);
  }
  if (flush) await run.flush();
  const lockFile = path.join(home, 'runs', runId, 'owner.lock');
  const owner = JSON.parse(await readFile(lockFile, 'utf8')) as Record<string, unknown>;
  await writeFile(lockFile, JSON.stringify({ ...owner, pid: await deadPid() }));
}

/** run.json written with the record as it is now (group commit writes only a record marked changed). */
async function written(run: OpenRun): Promise<void> {
  run.setStatus('running');
  await run.flush();
}

describe('outputs stored as ***', () => {
  it.each([
    ['written to run.json', true],
    ['in the journal only (killed before run.json was written)', false],
  ])('a credential a step printed is noted (%s), and the step and rollback reading it are named', async (_case, flush) => {
    const runId = flush ? '20260101-000001-outa' : '20260101-000002-outb';
    await crashedAfter(runId, `${TOKEN}\n`, flush);
    const record = await store.read(runId);
    expect(JSON.stringify(record.state)).not.toContain(TOKEN);
    expect(record.masked?.outputs).toEqual(['a']);
    expect(maskedOutputReadsOnResume(record.plan, record.state, record.masked)).toEqual([
      { reader: 'c', rollback: false, output: 'a' },
      { reader: 'd', rollback: true, output: 'a' },
    ]);
    expect(maskedOnResume(record)).toBe('step c reads the output of step a and the rollback of step d reads the output of step a, which held a secret and was stored as ***');
    expect(maskedOutputReadsOnCancel(record.plan, record.state, ['d', 'a'], record.masked)).toEqual([{ reader: 'd', rollback: true, output: 'a' }]);
    expect(await resumeProposal(store, runId)).toBe(`Run ${runId} cannot be resumed: step c reads the output of step a and the rollback of step d reads the output of step a, which held a secret and was stored as ***. Nothing was run; run its plan afresh.`);
  });

  it('a known secret printed (a value the store hides) is noted as a credential shape is', async () => {
    store = new RunStore(home, { secrets: ['Hunter2-deploy-pw'] });
    await crashedAfter('20260101-000003-outc', 'Hunter2-deploy-pw\n', true);
    const record = await store.read('20260101-000003-outc');
    expect(record.masked?.outputs).toEqual(['a']);
  });

  it('an output that printed no secret, though it holds ***, is not noted and the run resumes', async () => {
    await crashedAfter('20260101-000004-outd', 'rating: ***\n', true);
    const record = await store.read('20260101-000004-outd');
    expect(record.masked?.outputs).toEqual([]);
    expect(maskedOnResume(record)).toBeUndefined();
    expect(typeof (await resumeProposal(store, '20260101-000004-outd'))).toBe('object');
  });

  it.each([
    ['run.json written after it', true],
    ['killed before run.json was written again', false],
  ])('a step noted by a crashed owner and run again cleanly by the next one, which crashed too, is not noted any more (%s)', async (_case, flush) => {
    const runId = flush ? '20260101-000005-oute' : '20260101-000006-outf';
    await crashedAfter(runId, `${TOKEN}\n`, false);
    // The next owner runs a again (its rollback had begun, say): its output holds no secret this time.
    const again = await store.open(runId, 'test');
    expect(again.record.masked?.outputs).toEqual(['a']);
    again.record.state.steps.a = { ...again.record.state.steps.a!, status: 'running', attempts: 2 };
    await written(again);
    again.record.state.steps.a = { ...again.record.state.steps.a!, status: 'succeeded', endedAt: new Date().toISOString(), output: { stdout: 'clean\n', stderr: '', exitCode: 0 } };
    again.commitSuccess('a');
    if (flush) await written(again);
    const lockFile = path.join(home, 'runs', runId, 'owner.lock');
    await writeFile(lockFile, JSON.stringify({ ...(JSON.parse(await readFile(lockFile, 'utf8')) as Record<string, unknown>), pid: await deadPid() }));
    const record = await store.read(runId);
    expect(record.state.steps.a?.output).toEqual({ stdout: 'clean\n', stderr: '', exitCode: 0 });
    expect(record.masked?.outputs).toEqual([]);
    expect(maskedOnResume(record)).toBeUndefined();
  });

  it('a success run.json holds from before a step ran again keeps its note: its output is the *** one', async () => {
    const runId = '20260101-000007-outg';
    await crashedAfter(runId, `${TOKEN}\n`, true);
    const again = await store.open(runId, 'test');
    await written(again);
    // Run again and succeeded before run.json was written since: what a resume reads is still the first output.
    again.record.state.steps.a = { ...again.record.state.steps.a!, attempts: 2, endedAt: new Date().toISOString(), output: { stdout: 'clean\n', stderr: '', exitCode: 0 } };
    again.commitSuccess('a');
    const record = await store.read(runId);
    expect(record.masked?.outputs).toEqual(['a']);
  });

  it("an older build's record, which notes no outputs, is read by the *** in a done step's output that is read", () => {
    const saved = { steps: { a: { status: 'succeeded' as const, attempts: 1, output: { stdout: '***\n' } }, b: { status: 'running' as const, attempts: 1 }, c: { status: 'pending' as const, attempts: 0 }, d: { status: 'pending' as const, attempts: 0 } } };
    const older = { steps: [], rollbacks: [], inputs: [] };
    expect(maskedOutputReadsOnResume(plan(), saved, older)).toEqual([
      { reader: 'c', rollback: false, output: 'a' },
      { reader: 'd', rollback: true, output: 'a' },
    ]);
    expect(maskedOutputReadsOnResume(plan(), saved, undefined)).toHaveLength(2);
    // Noted as holding none: a *** the tool printed itself is passed on as it is.
    expect(maskedOutputReadsOnResume(plan(), saved, { ...older, outputs: [] })).toEqual([]);
  });

  it('a step that runs again makes its own output afresh: reads of it are not refused', () => {
    const saved = { steps: { a: { status: 'running' as const, attempts: 1 }, b: { status: 'pending' as const, attempts: 0 }, c: { status: 'pending' as const, attempts: 0 }, d: { status: 'pending' as const, attempts: 0 } } };
    expect(maskedOutputReadsOnResume(plan(), saved, { steps: [], rollbacks: [], inputs: [], outputs: ['a'] })).toEqual([]);
  });
});
