import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resumeProposal } from '../../src/agent/session-runs.js';
import type { Plan } from '../../src/planning/index.js';
import { maskedRollbacks, maskedStepsOnResume, RunStore } from '../../src/store/index.js';
import { createTempDir } from '../helpers/tool-context.js';
import { deadPid, newRunRecord } from '../helpers/store-fixtures.js';

// A secret written literally into a step is stored as *** and kept nowhere: a resume or a rollback run from the
// record must refuse such a step rather than run `***` in its place.

const SECRET = 'Zq7pX9wVsecretA1';

/** A plan whose secret input's value is also typed by hand into `push`'s command and `setup`'s rollback. */
function planWithTypedSecret(): Plan {
  return {
    goal: 'Typed secret',
    inputs: { apiToken: SECRET },
    steps: [
      { id: 'setup', tool: 'shell', args: { command: 'echo setup' }, dependsOn: [], rollback: { tool: 'shell', args: { command: `curl -H 'X-Token: ${SECRET}' https://api/undo` } } },
      { id: 'push', tool: 'shell', args: { command: 'git push', env: { TOKEN: SECRET } }, dependsOn: ['setup'] },
      { id: 'check', tool: 'shell', args: { command: 'echo ok' }, dependsOn: ['push'], when: `inputs.apiToken == '${SECRET}'` },
      { id: 'plain', tool: 'shell', args: { command: 'echo plain' }, dependsOn: ['push'] },
    ],
  } as Plan;
}

let home: string;
let cleanup: () => Promise<void>;
let store: RunStore;
beforeEach(async () => {
  ({ dir: home, cleanup } = await createTempDir('ksa-masked-steps-'));
  store = new RunStore(home);
});
afterEach(async () => {
  await cleanup();
});

/** The plan as a run stores it, its owner dead after `setup` succeeded. */
async function crashedAfterSetup(runId: string): Promise<void> {
  const run = await store.create(newRunRecord(runId, { plan: planWithTypedSecret() }), 'test');
  run.setStatus('running');
  run.record.state.steps.setup = { ...run.record.state.steps.setup!, status: 'succeeded', attempts: 1 };
  run.record.state.completed.push('setup');
  await run.flush();
  const lockFile = path.join(home, 'runs', runId, 'owner.lock');
  const owner = JSON.parse(await readFile(lockFile, 'utf8')) as Record<string, unknown>;
  await writeFile(lockFile, JSON.stringify({ ...owner, pid: await deadPid() }));
}

describe('steps holding a value stored as ***', () => {
  it('a resume finds the steps still to run and the rollbacks that may run; a step done or a clean one is not named', async () => {
    await crashedAfterSetup('20260101-000001-mask');
    const record = await store.read('20260101-000001-mask');
    expect(JSON.stringify(record.plan)).not.toContain(SECRET);
    expect(maskedStepsOnResume(record.plan, record.state)).toEqual([
      { step: 'setup', rollback: true },
      { step: 'push', rollback: false },
      { step: 'check', rollback: false },
    ]);
    expect(maskedRollbacks(record.plan, ['setup'])).toEqual([{ step: 'setup', rollback: true }]);
    expect(maskedRollbacks(record.plan, ['push'])).toEqual([]);
  });

  it('a step skipped, or done with a clean rollback, is not named', () => {
    const plan = { goal: 'g', inputs: {}, steps: [{ id: 'a', tool: 'shell', args: { command: 'echo ***' }, dependsOn: [] }] } as Plan;
    const done = { a: { status: 'succeeded' as const, attempts: 1 } };
    const skipped = { a: { status: 'skipped' as const, attempts: 0 } };
    expect(maskedStepsOnResume(plan, { steps: done })).toEqual([]);
    expect(maskedStepsOnResume(plan, { steps: skipped })).toEqual([]);
    expect(maskedStepsOnResume(plan, { steps: { a: { status: 'pending', attempts: 0 } } })).toEqual([{ step: 'a', rollback: false }]);
  });

  it('the record names only what writing it hid, not a *** the plan writes itself; an older record is read by its ***s', async () => {
    const plan = planWithTypedSecret();
    plan.steps.push({ id: 'stars', tool: 'shell', args: { command: "echo '*** done ***'" }, dependsOn: ['setup'], rollback: { tool: 'shell', args: { command: "echo '*** undone ***'" } } } as Plan['steps'][number]);
    plan.steps.push({ id: 'ask', type: 'llm_query', prompt: `Is ${SECRET} valid?`, dependsOn: ['setup'] } as Plan['steps'][number]);
    const run = await store.create(newRunRecord('20260101-000003-mask', { plan }), 'test');
    await run.flush();
    const record = await store.read('20260101-000003-mask');
    expect(record.masked).toEqual({ steps: ['push', 'check', 'ask'], rollbacks: ['setup'], inputs: ['apiToken'], outputs: [] });
    const pending = { steps: {} };
    expect(maskedStepsOnResume(record.plan, pending, record.masked).map((each) => each.step)).toEqual(['setup', 'push', 'check', 'ask']);
    expect(maskedRollbacks(record.plan, ['stars'], record.masked)).toEqual([]);
    // Without the field, every *** counts, an llm_query prompt's too.
    expect(maskedStepsOnResume(record.plan, pending).map((each) => each.step)).toEqual(['setup', 'push', 'check', 'stars', 'stars', 'ask']);
  });

  it("the chat's /resume refuses such a run in one line naming the steps, and what to do", async () => {
    await crashedAfterSetup('20260101-000002-mask');
    const proposal = await resumeProposal(store, '20260101-000002-mask');
    expect(proposal).toBe(
      'Run 20260101-000002-mask cannot be resumed: the rollback of step setup, step push and step check hold secrets written into the plan, stored as *** and not kept. Nothing was run; run its plan afresh.',
    );
  });
});
