import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secretAskFor, type SecretAnswers } from '../../src/agent/resume-secrets.js';
import type { ProposedPlan } from '../../src/agent/agent-tools.js';
import { givenInputProblems } from '../../src/planning/input-types.js';
import { declaredInputs, RunStore, secretInputsNotGiven } from '../../src/store/index.js';
import { chainPlan, newRunRecord } from '../helpers/store-fixtures.js';
import { createTempDir } from '../helpers/tool-context.js';

// A secret input is stored as ***: the kind its default was declared with is kept, and inputs that only equal
// a secret default --input replaced are stored as given.

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, cleanup } = await createTempDir('ksa-secret-kinds-'));
});
afterEach(async () => {
  await cleanup();
});

const RUN_ID = '20260101-000001-kind';

/** Creates a run of a plan with these inputs declared and given, and returns run.json as written. */
async function storedRun(store: RunStore, declared: Record<string, unknown>, given: Record<string, unknown>, output?: string): Promise<Record<string, any>> {
  const run = await store.create(newRunRecord(RUN_ID, { plan: { ...chainPlan(), inputs: declared }, inputs: given }), 'test');
  if (output !== undefined) run.record.state.steps.a = { status: 'succeeded', attempts: 1, output: { stdout: output, stderr: '', exitCode: 0 } };
  run.document.changed();
  await run.close();
  return JSON.parse(await readFile(path.join(store.home, 'runs', RUN_ID, 'run.json'), 'utf8'));
}

describe('the declared kind of a secret input', () => {
  it('is stored without its value, and values given again are read and checked against it', async () => {
    const store = new RunStore(path.join(root, 'home'));
    const declared = { apiKey: 11112222, dbPassword: 'hunter2-default', authFlags: ['a1b2c3d4'], sessionToken: null, region: 'eu-west-1' };
    const stored = await storedRun(store, declared, { apiKey: 4321 });
    expect(stored.plan.inputs).toMatchObject({ apiKey: '***', dbPassword: '***', region: 'eu-west-1' });
    expect(stored.secretInputKinds).toEqual({ apiKey: 'number', dbPassword: 'other', authFlags: 'list' });
    const record = await store.read(RUN_ID);
    expect(declaredInputs(record)).toMatchObject({ apiKey: 0, dbPassword: '', sessionToken: null, region: 'eu-west-1' });
  });

  it('of a run an older ksa stored (no kinds kept) is not taken from ***: such an input reads as one without a default', () => {
    const plan = { ...chainPlan(), inputs: { apiKey: '***', label: 'svc-***', region: 'eu' } };
    expect(declaredInputs({ plan })).toEqual({ apiKey: null, label: 'svc-***', region: 'eu' });
  });

  it("is what a refusal names, without the secret's default", () => {
    const [problem] = givenInputProblems({ apiKey: 55667788, port: 8080 }, new Set(), { apiKey: 'abc' });
    expect(problem?.message).toBe("--input apiKey: expected a number, as the plan's default is; got a string");
    expect(givenInputProblems({ port: 8080 }, new Set(), { port: 'abc' })[0]?.message).toContain("as the plan's default 8080 is");
  });

  it("the chat's /resume reads a secret typed again as the plan declared it", async () => {
    const store = new RunStore(path.join(root, 'home'));
    await storedRun(store, { apiKey: 11112222, dbPassword: 'pw-default' }, { apiKey: 4321, dbPassword: 'pw-given-1' });
    let answers: SecretAnswers | undefined;
    const proposal = { planId: 'p1', plan: chainPlan(), resumeRunId: RUN_ID } as ProposedPlan;
    const ask = await secretAskFor(store, proposal, {}, { say: () => {}, changed: () => {}, end: (given) => (answers = given) });
    const typed: Record<string, string> = { apiKey: '4321', dbPassword: '0042' };
    for (let asked = 0; asked < 2; asked++) ask!.answer(typed[ask!.name]!);
    expect(answers).toEqual({ apiKey: 4321, dbPassword: '0042' });
  });
});

describe('inputs that equal a secret input', () => {
  it("are stored as given when they equal a secret default --input replaced; that default stays hidden in output", async () => {
    const store = new RunStore(path.join(root, 'home'));
    const stored = await storedRun(store, { dbPassword: 8080, port: 8080, label: 'svc-8080' }, { dbPassword: 4321 }, 'listening on 8080');
    expect(stored.plan.inputs).toEqual({ dbPassword: '***', port: 8080, label: 'svc-8080' });
    expect(stored.state.inputs).toEqual({ dbPassword: '***', port: 8080, label: 'svc-8080' });
    expect(stored.state.steps.a.output.stdout).toBe('listening on ***');
    expect(secretInputsNotGiven(stored, { dbPassword: 4321 })).toEqual([]);
  });

  it('a text one holding the secret in use is masked (and asked for again); a number one stays the number', async () => {
    const store = new RunStore(path.join(root, 'home'));
    const stored = await storedRun(store, { dbPassword: 8080, port: 8080, label: 'svc-8080', ports: [8080] }, {});
    expect(stored.state.inputs).toEqual({ dbPassword: '***', port: 8080, label: 'svc-***', ports: [8080] });
    expect(secretInputsNotGiven(stored, { dbPassword: 8080 })).toEqual(['label']);
  });
});
