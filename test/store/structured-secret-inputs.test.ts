import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedactor, RunStore, secretInputsNotGiven, secretInputValues, storedWithoutSecret } from '../../src/store/index.js';
import { RUN_RECORD_SHAPE, replacerFor } from '../../src/store/redact-record.js';
import { createTempDir } from '../helpers/tool-context.js';
import { chainPlan, newRunRecord } from '../helpers/store-fixtures.js';

// A secret input that is a list or a mapping holds its secrets in its items; one of any length is never written down as given.

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, cleanup } = await createTempDir('ksa-structured-secrets-'));
});
afterEach(async () => {
  await cleanup();
});

describe('secretInputValues: lists and mappings', () => {
  it('takes every text and number inside a secret input, however deep, and not true/false or an empty text', () => {
    const values = secretInputValues({ apiKeys: ['zzkey-998877', 'zzkey-112233'], dbCredentials: { user: 'app', password: 's3cr3t-pw-77', pins: [55667788, true, ''] } });
    expect(values.sort()).toEqual(['55667788', 'app', 's3cr3t-pw-77', 'zzkey-112233', 'zzkey-998877']);
    const redactor = createRedactor(values);
    expect(redactor.text('echo zzkey-998877 s3cr3t-pw-77 55667788')).toBe('echo *** *** ***');
  });

  it('reads the items of any other input for URL passwords and credential-shaped text', () => {
    expect(secretInputValues({ urls: ['https://example.com', { db: 'postgres://app:dbpw-5150@db/prod' }], regions: ['eu-west-1'] })).toEqual(['dbpw-5150']);
  });

  it('a list or mapping stored with *** in it lost a secret: it must be given again', () => {
    expect(storedWithoutSecret('apiKeys', ['***'])).toBe(true);
    expect(storedWithoutSecret('dbCredentials', { user: '***', password: '***' })).toBe(true);
    expect(storedWithoutSecret('regions', ['eu-west-1'])).toBe(false);
    expect(secretInputsNotGiven({ inputs: { apiKeys: ['***'], regions: ['eu'] } }, {})).toEqual(['apiKeys']);
    expect(secretInputsNotGiven({ inputs: { apiKeys: ['***'] } }, { apiKeys: ['k'] })).toEqual([]);
  });
});

describe('run.json: secret inputs', () => {
  it('stores each text and number of a secret list or mapping as ***, keeping its kind, in inputs, state.inputs and the plan default', async () => {
    const home = path.join(root, 'home');
    const store = new RunStore(home);
    const plan = { ...chainPlan(), inputs: { apiKeys: [], dbCredentials: {}, dbPassword: ['Hunter2pw'], regions: ['eu-west-1'] } };
    const inputs = { apiKeys: ['zzkey-998877'], dbCredentials: { user: 'app', password: 's3cr3t-pw-77', port: 5432, tls: true } };
    const run = await store.create(newRunRecord('20260101-000001-list', { plan, inputs }), 'test');
    await run.close();

    const text = await readFile(path.join(home, 'runs', '20260101-000001-list', 'run.json'), 'utf8');
    for (const secret of ['zzkey-998877', 's3cr3t-pw-77', 'Hunter2pw', '"app"', '5432']) expect(text).not.toContain(secret);
    const record = JSON.parse(text);
    const masked = { apiKeys: ['***'], dbCredentials: { user: '***', password: '***', port: '***', tls: true } };
    expect(record.inputs).toEqual(masked);
    expect(record.state.inputs).toEqual({ ...masked, dbPassword: ['***'], regions: ['eu-west-1'] });
    expect(record.plan.inputs).toEqual({ apiKeys: [], dbCredentials: {}, dbPassword: ['***'], regions: ['eu-west-1'] });
  });

  it('stores a secret input shorter than 4 characters as *** when no other secret is known', async () => {
    const home = path.join(root, 'home');
    const store = new RunStore(home);
    const plan = { ...chainPlan(), inputs: { apiKey: 'xyz', dbPassword: 7 } };
    const run = await store.create(newRunRecord('20260101-000002-shrt', { plan, inputs: { apiKey: 'abc', dbPassword: 42, port: 80 } }), 'test');
    expect(run.redactor.secrets).toEqual([]);
    await run.close();

    const record = JSON.parse(await readFile(path.join(home, 'runs', '20260101-000002-shrt', 'run.json'), 'utf8'));
    expect(record.inputs).toEqual({ apiKey: '***', dbPassword: '***', port: 80 });
    expect(record.state.inputs).toEqual({ apiKey: '***', dbPassword: '***', port: 80 });
    expect(record.plan.inputs).toEqual({ apiKey: '***', dbPassword: '***' });
    expect(record.runId).toBe('20260101-000002-shrt');
  });

  it('writes through a replacer when no secret is known: a credential of a well-known shape is hidden all the same', () => {
    const token = 'ghp_' + 'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2';
    const replacer = replacerFor(RUN_RECORD_SHAPE, createRedactor([]));
    expect(JSON.parse(JSON.stringify({ runId: 'r', plan: { steps: [{ id: 's', args: { command: `gh auth login ${token}` } }] } }, replacer))).toEqual({ runId: 'r', plan: { steps: [{ id: 's', args: { command: 'gh auth login ***' } }] } });
    const named = replacerFor(RUN_RECORD_SHAPE, createRedactor([]), true);
    expect(JSON.parse(JSON.stringify({ runId: 'r', inputs: { apiKey: 'abc', note: 'abc' } }, named))).toEqual({ runId: 'r', inputs: { apiKey: '***', note: 'abc' } });
  });
});
