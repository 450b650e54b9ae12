import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import path from 'node:path';
import envPaths from 'env-paths';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConversationStore, createRedactor, ksaHome, looksSecret, redactEvent, RunStore, secretInputValues, secretValues, storedWithoutSecret, StepLogs } from '../../src/store/index.js';
import { secretShapedParts } from '../../src/store/redact.js';
import { platformDataDir, userHome } from '../../src/store/paths.js';
import type { RunEvent } from '../../src/planning/index.js';
import { eventually } from '../helpers/cli.js';
import { createTempDir } from '../helpers/tool-context.js';
import { modeOf, newRunRecord, walk } from '../helpers/store-fixtures.js';

// Secrets never reach the store or the logs; everything ksa writes is private
// (directories 0700, files 0600), whatever the umask.

const SECRET = 'tok-9f8e7d6c5b4a';

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, cleanup } = await createTempDir('ksa-store-private-'));
});
afterEach(async () => {
  await cleanup();
});

function stepEvent(type: string, extra: Record<string, unknown>): RunEvent {
  return { type, runId: 'r', ts: new Date().toISOString(), stepId: 'a', attempt: 1, ...extra } as unknown as RunEvent;
}

describe('secrets', () => {
  it('names like *KEY, *TOKEN, *SECRET, *PASSWORD are secret; their values (>= 4 chars) are collected', () => {
    for (const name of ['OPENAI_API_KEY', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD', 'dbPassword', 'npm_config__authToken']) expect(looksSecret(name), name).toBe(true);
    for (const name of ['PATH', 'HOME', 'SHELL', 'port']) expect(looksSecret(name), name).toBe(false);
    expect(secretValues({ GITHUB_TOKEN: SECRET, PATH: '/bin', SHORT_KEY: 'abc', EMPTY_TOKEN: '' }).sort()).toEqual(['abc', SECRET]);
    const redactor = createRedactor(['abc', SECRET, `${SECRET}-longer`]);
    expect(redactor.text(`x ${SECRET}-longer y ${SECRET} abc`)).toBe('x *** y *** abc');
  });

  it('personal access tokens, DSNs and the passwords of URLs in any variable are secrets too', () => {
    for (const name of ['GH_PAT', 'PAT', 'SENTRY_DSN']) expect(looksSecret(name), name).toBe(true);
    for (const name of ['PATH', 'PATTERN', 'XPATH']) expect(looksSecret(name), name).toBe(false);
    expect(secretValues({ DATABASE_URL: 'postgres://admin:dbpw-5150@db/prod', REDIS: 'redis://:p%40ss-word@cache:6379/0', HOME_URL: 'https://example.com/a:b@c' }).sort()).toEqual([
      'dbpw-5150',
      'p%40ss-word',
      'p@ss-word',
    ]);
  });

  it('a secret input that is a number is hidden as its text, and stored under its name as ***; a true/false is not a secret', () => {
    expect(secretInputValues({ dbPassword: 98765432, apiKey: 12.5, skipAuth: false, port: 8080 })).toEqual(['98765432', '12.5']);
    const redactor = createRedactor(secretInputValues({ dbPassword: 98765432 }));
    expect(redactor.text('pw is 98765432')).toBe('pw is ***');
    const stored = JSON.parse(JSON.stringify({ inputs: { dbPassword: 98765432, port: 98765432 }, exitCode: 98765432 }, redactor.replacer)) as unknown;
    expect(stored).toEqual({ inputs: { dbPassword: '***', port: 98765432 }, exitCode: 98765432 });
    expect(storedWithoutSecret('dbPassword', (stored as { inputs: { dbPassword: unknown } }).inputs.dbPassword)).toBe(true);
  });

  it('a value shaped like a well-known credential is a secret under any name; ordinary text is not', () => {
    const github = `ghp_${'a1B2'.repeat(9)}`;
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXBhcnQ';
    const key = 'sk-' + 'Lv9x2Kq8LmZ4rW7yB3nV6cJ1hF5gD0sA2pE4uR8iO7tYwQ';
    // `session` is secret by its name, the others by their shape; `Bearer ` stays readable.
    expect(secretInputValues({ creds: key, header: `Bearer ${github}`, session: 'sess-1', port: 8080, name: 'skeleton-key-ring' }).sort()).toEqual(
      ['sess-1', key, github].sort(),
    );
    expect(secretValues({ MY_CREDS: 'AKIAIOSFODNN7EXAMPLE', JWT_FILE: '/tmp/x', CALLBACK: `https://x.test/cb?t=${jwt}` })).toEqual(['AKIAIOSFODNN7EXAMPLE', jwt]);
    for (const text of ['task-sk-1234', 'sk-live-987654321fedcba', 'sk-learn-classifier-deployment-v2', 'desk-lamp-on-the-table-now', 'risk-assessment-for-prod', 'AKIA', 'ghp_short', 'xoxb', 'my-eyJ.eyJ.x']) expect(secretShapedParts(text), text).toEqual([]);
    const openai = `sk-proj-${'Xy7_kQ2-'.repeat(6)}T3BlbkFJ9zQw8Rt`;
    expect(secretShapedParts(`key=${openai} rest`)).toEqual([openai]);
    expect(storedWithoutSecret('creds', '***')).toBe(true);
    expect(storedWithoutSecret('header', 'Bearer ***')).toBe(true);
    expect(storedWithoutSecret('port', '8080')).toBe(false);
  });

  it('events leave the run with secrets as ***, and untouched when there are none', () => {
    const redactor = createRedactor([SECRET]);
    const output: RunEvent = { type: 'step_output', runId: 'r', ts: 't', stepId: 's', attempt: 1, stream: 'stdout', line: `token ${SECRET}` };
    expect(redactEvent(output, redactor)).toMatchObject({ line: 'token ***' });
    const succeeded: RunEvent = { type: 'step_succeeded', runId: 'r', ts: 't', stepId: 's', attempt: 1, durationMs: 1, output: { stdout: `a ${SECRET}`, n: 1 } };
    expect(redactEvent(succeeded, redactor)).toMatchObject({ output: { stdout: 'a ***', n: 1 } });
    expect(succeeded.output).toEqual({ stdout: `a ${SECRET}`, n: 1 });
    const clean: RunEvent = { ...succeeded, output: { stdout: 'nothing here' } };
    expect(redactEvent(clean, redactor)).toBe(clean);
  });

  it('a secret in a step output, error or secret-named input is written as *** in run.json', async () => {
    const home = path.join(root, 'home');
    const store = new RunStore(home, { secrets: [SECRET] });
    const run = await store.create(newRunRecord('20260101-000001-secr', { inputs: { dbPassword: 'hunter2-pw', port: 8080 } }), 'test');
    const { state } = run.record;
    state.status = 'failed';
    state.steps.a = { status: 'succeeded', attempts: 1, output: { stdout: `token is ${SECRET}`, stderr: '', exitCode: 0, nested: [{ deep: SECRET }] } };
    state.steps.b = { status: 'failed', attempts: 2, error: `curl: 401 for Bearer ${SECRET}` };
    run.document.changed();
    await run.close();

    const text = await readFile(path.join(home, 'runs', '20260101-000001-secr', 'run.json'), 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('hunter2-pw');
    const record = JSON.parse(text);
    expect(record.state.steps.a.output.stdout).toBe('token is ***');
    expect(record.state.steps.a.output.nested[0].deep).toBe('***');
    expect(record.state.steps.b.error).toBe('curl: 401 for Bearer ***');
    expect(record.inputs).toEqual({ dbPassword: '***', port: 8080 });
    expect(record.state.inputs.dbPassword).toBe('***');
    // The store itself still reads it back (redaction is only on disk).
    expect((await store.read('20260101-000001-secr')).state.steps.b!.error).toContain('***');
  });

  it('step logs are written with *** instead of the secret (output, retries and failures)', async () => {
    const dir = path.join(root, 'logs');
    const logs = new StepLogs(dir, () => {}, createRedactor([SECRET]));
    logs.onEvent(stepEvent('step_started', {}));
    logs.onEvent(stepEvent('step_output', { stream: 'stdout', line: `export TOKEN=${SECRET}` }));
    logs.onEvent(stepEvent('step_output', { stream: 'stderr', line: `warning about ${SECRET}` }));
    logs.onEvent(stepEvent('step_retrying', { attempt: 2, error: `denied: ${SECRET}` }));
    logs.onEvent(stepEvent('step_failed', { error: `failed with ${SECRET}` }));
    await logs.close();
    // (close() does not wait for a log its step already ended: see step-logs-close.test.ts)
    const text = await eventually(() => {
      const content = existsSync(path.join(dir, 'a.log')) ? readFileSync(path.join(dir, 'a.log'), 'utf8') : '';
      return content.includes('--- failed') ? content : undefined;
    }, 2000);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('export TOKEN=***');
    expect(text).toContain('[stderr] warning about ***');
    expect(text).toContain('--- attempt 2 failed: denied: ***');
    expect(text).toContain('--- failed: failed with ***');
    expect(await modeOf(dir)).toBe(0o700);
    expect(await modeOf(path.join(dir, 'a.log'))).toBe(0o600);
  });

  it('the conversation store redacts messages and the session file', async () => {
    const home = path.join(root, 'home');
    const store = new ConversationStore(home, { secrets: [SECRET] });
    const conversation = await store.create();
    conversation.append({ kind: 'user', text: `use the token ${SECRET}` });
    conversation.append({ kind: 'tool_result', toolCallId: 't', tool: 'shell', output: { stdout: SECRET } });
    await conversation.close();
    const dir = path.join(home, 'conversations', conversation.id);
    for (const name of ['session.json', 'messages-000001.json']) {
      const text = await readFile(path.join(dir, name), 'utf8');
      expect(text, name).not.toContain(SECRET);
      expect(text, name).toContain('***');
    }
  });

  it('no file of the conversation store, index included, contains the secret', async () => {
    const home = path.join(root, 'home');
    const store = new ConversationStore(home, { secrets: [SECRET] });
    const conversation = await store.create();
    conversation.append({ kind: 'user', text: `deploy with token ${SECRET}` });
    await conversation.close();
    for (const entry of await walk(home)) {
      if (entry.dir) continue;
      expect(await readFile(path.join(home, entry.rel), 'utf8'), entry.rel).not.toContain(SECRET);
    }
  });
});

describe('home and permissions', () => {
  it('KSA_HOME wins (resolved to an absolute path); otherwise the platform data dir', () => {
    expect(ksaHome({ KSA_HOME: '/srv/ksa' })).toBe('/srv/ksa');
    expect(ksaHome({ KSA_HOME: 'rel/dir' })).toBe(path.resolve('rel/dir'));
    expect(ksaHome({ KSA_HOME: '  ' })).toBe(envPaths('ksa', { suffix: '' }).data);
    expect(ksaHome({})).toBe(envPaths('ksa', { suffix: '' }).data);
  });

  it('the platform data dir is env-paths\' (worked out at each call: the home is the running user\'s)', () => {
    const before = process.env.XDG_DATA_HOME;
    try {
      delete process.env.XDG_DATA_HOME;
      expect(platformDataDir(process.env, 'linux')).toBe(envPaths('ksa', { suffix: '' }).data);
      process.env.XDG_DATA_HOME = '/srv/xdg';
      expect(platformDataDir(process.env, 'linux')).toBe(envPaths('ksa', { suffix: '' }).data);
    } finally {
      if (before === undefined) delete process.env.XDG_DATA_HOME;
      else process.env.XDG_DATA_HOME = before;
    }
    expect(platformDataDir({}, 'darwin')).toBe(path.join(homedir(), 'Library', 'Application Support', 'ksa'));
    expect(platformDataDir({ LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, 'win32')).toBe(path.join('C:\\Users\\me\\AppData\\Local', 'ksa', 'Data'));
  });

  it('a relative XDG_DATA_HOME or HOME is not used (each folder ksa ran in would get a store): the home from the password file is', () => {
    const home = userInfo().homedir;
    expect(platformDataDir({ HOME: '/srv/me', XDG_DATA_HOME: 'data' }, 'linux')).toBe('/srv/me/.local/share/ksa');
    expect(platformDataDir({ HOME: '', XDG_DATA_HOME: '' }, 'linux')).toBe(path.join(home, '.local', 'share', 'ksa'));
    expect(platformDataDir({ HOME: 'relhome' }, 'linux')).toBe(path.join(home, '.local', 'share', 'ksa'));
    expect(platformDataDir({ HOME: '/srv/me', LOCALAPPDATA: 'AppData' }, 'win32')).toBe(path.join('/srv/me', 'AppData', 'Local', 'ksa', 'Data'));
    expect(userHome({ HOME: 'x/y' })).toBe(home);
  });

  it('a fresh KSA_HOME: every directory is 0700 and every file 0600, even with umask 000', async () => {
    const previous = process.umask(0);
    try {
      const home = path.join(root, 'fresh', 'home');
      const runs = new RunStore(home);
      const run = await runs.create(newRunRecord('20260101-000001-perm'), 'test');
      const logs = new StepLogs(run.logDir);
      logs.onEvent(stepEvent('step_output', { stream: 'stdout', line: 'hello' }));
      await logs.close();
      // Held while running: the lock is private too.
      expect(await modeOf(path.join(run.dir, 'owner.lock'))).toBe(0o600);
      await run.close();

      const conversations = new ConversationStore(home);
      const conversation = await conversations.create();
      conversation.append({ kind: 'user', text: 'hi' });
      await conversation.close();

      expect(await modeOf(home)).toBe(0o700);
      const entries = await walk(home);
      const rels = entries.map((entry) => entry.rel);
      for (const expected of ['runs', 'runs/index.json', 'runs/20260101-000001-perm/run.json', 'runs/20260101-000001-perm/logs/a.log', 'conversations/index.json']) {
        expect(rels).toContain(expected);
      }
      expect(rels.some((rel) => /^conversations\/[^/]+\/session\.json$/.test(rel))).toBe(true);
      expect(rels.some((rel) => /^conversations\/[^/]+\/messages-000001\.json$/.test(rel))).toBe(true);
      for (const entry of entries) {
        expect((await modeOf(path.join(home, entry.rel))).toString(8), entry.rel).toBe(entry.dir ? '700' : '600');
      }
    } finally {
      process.umask(previous);
    }
  });

  it('folders of its own found open to others are made private; a corrupt file set aside keeps nothing readable', async () => {
    const previous = process.umask(0);
    try {
      const home = path.join(root, 'loose', 'home');
      await mkdir(path.join(home, 'runs'), { recursive: true, mode: 0o777 });
      await mkdir(path.join(home, 'conversations'), { mode: 0o777 });
      await writeFile(path.join(home, 'runs', 'index.json'), '{broken', { mode: 0o666 });
      const warnings: string[] = [];
      const run = await new RunStore(home, { onWarning: (message) => warnings.push(message) }).create(newRunRecord('20260101-000002-loose'), 'test');
      await run.close();
      const conversation = await new ConversationStore(home).create();
      await conversation.close();
      expect((await modeOf(path.join(home, 'runs'))).toString(8)).toBe('700');
      expect((await modeOf(path.join(home, 'conversations'))).toString(8)).toBe('700');
      const backups = (await readdir(path.join(home, 'runs'))).filter((name) => name.startsWith('index.json.corrupt-'));
      expect(backups).toHaveLength(1);
      expect((await modeOf(path.join(home, 'runs', backups[0]!))).toString(8)).toBe('600');
    } finally {
      process.umask(previous);
    }
  });
});
