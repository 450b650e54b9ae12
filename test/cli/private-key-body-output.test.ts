import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventsOf, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit } from '../helpers/durable.js';

// A key's header found in other text hides only what can be a key after it; a key's body never reaches a failure's message.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-private-key-body-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

const BODY = Array.from({ length: 6 }, (_, i) => `d3g37MzmQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7q9r8s7t6u5${i}`);

describe('a private key header in a step\'s output', () => {
  it('found by grep in a document: the lines after it are shown and kept', async () => {
    const dir = path.join(sandbox.dir, 'grep');
    mkdirSync(path.join(dir, 'docs'), { recursive: true });
    writeFileSync(path.join(dir, 'docs', 'keys.md'), 'Keys look like\n-----BEGIN RSA PRIVATE KEY-----\nand is secret.\n');
    const plan = await sandbox.writePlan('grep/plan.yaml', 'goal: Check\nsteps:\n  - id: check\n    tool: shell\n    args: { command: \'grep -rn "BEGIN RSA" docs; echo "tests: 42 passed"; echo "deploy ok"\' }\n');
    const result = await runKsa(['run', plan, '--yes', '--json'], { home: path.join(sandbox.home, 'grep'), cwd: dir });
    expectExit(result, 0);
    const events = parseNdjson(result.stdout);
    expect(eventsOf(events, 'step_output', 'check').map((event) => event.line)).toEqual(['docs/keys.md:2:***', 'tests: 42 passed', 'deploy ok']);
    const done = events.find((event) => event.type === 'step_succeeded') as { output: { stdout: string } } | undefined;
    expect(done?.output.stdout).toBe('docs/keys.md:2:***\ntests: 42 passed\ndeploy ok');
  });

  it('a failed step whose last stderr line is a key\'s body says *** in its error', async () => {
    const dir = path.join(sandbox.dir, 'fail');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'id_rsa'), ['-----BEGIN RSA PRIVATE KEY-----', ...BODY, '-----END RSA PRIVATE KEY-----', ''].join('\n'));
    const plan = await sandbox.writePlan('fail/plan.yaml', 'goal: Fail\nsteps:\n  - id: boom\n    tool: shell\n    args: { command: "head -5 id_rsa >&2; exit 3" }\n');
    const home = path.join(sandbox.home, 'fail');
    const result = await runKsa(['run', plan, '--yes', '--json'], { home, cwd: dir });
    expect(result.code).not.toBe(0);
    const failed = parseNdjson(result.stdout).find((event) => event.type === 'step_failed') as { error: string } | undefined;
    expect(failed?.error).toMatch(/exited with code 3: \*\*\*$/);
    for (const line of BODY) expect(result.stdout + result.stderr).not.toContain(line);
    const status = await runKsa(['status'], { home, cwd: dir });
    for (const line of BODY) expect(status.stdout + status.stderr).not.toContain(line);
  });
});
