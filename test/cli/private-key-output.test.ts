import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventsOf, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit } from '../helpers/durable.js';
import { walk } from '../helpers/store-fixtures.js';

// A key a tool prints (`cat id_rsa`, a secret decoded with `base64 -d`) reaches ksa a line at a time: its body lines
// are bare base64 that no shape tells from other output.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-private-key-output-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

/** A real key where openssl is installed; else a fixed one of the same look. */
function privateKey(): string {
  try {
    return execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    const body = Array.from({ length: 8 }, (_, i) => `MIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAL${i}q9r8s7t6u5v4w3x2`);
    return ['-----BEGIN PRIVATE KEY-----', ...body, '-----END PRIVATE KEY-----', ''].join('\n');
  }
}

describe('a private key a step prints', () => {
  it('has every line masked, header to footer, in --json events, the step log and run.json; what follows it is shown', async () => {
    const dir = path.join(sandbox.dir, 'cat');
    const key = privateKey();
    const body = key.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
    expect(body.length).toBeGreaterThan(2);
    const plan = await sandbox.writePlan('cat/plan.yaml', 'goal: Show a key\nsteps:\n  - id: show\n    tool: shell\n    args: { command: "cat id_rsa; base64 -d tls.b64 >&2; echo done" }\n');
    writeFileSync(path.join(dir, 'id_rsa'), key);
    writeFileSync(path.join(dir, 'tls.b64'), `${Buffer.from(key).toString('base64')}\n`);
    const home = path.join(sandbox.home, 'cat');

    const result = await runKsa(['run', plan, '--yes', '--json'], { home, cwd: dir });
    expectExit(result, 0);

    const lines = eventsOf(parseNdjson(result.stdout), 'step_output', 'show');
    const masked = Array.from({ length: key.trimEnd().split('\n').length }, () => '***');
    expect(lines.filter((event) => event.stream === 'stdout').map((event) => event.line)).toEqual([...masked, 'done']);
    expect(lines.filter((event) => event.stream === 'stderr').map((event) => event.line)).toEqual(masked);
    const files = await walk(home);
    expect(files.some((entry) => entry.rel.endsWith(path.join('logs', 'show.log')))).toBe(true);
    expect(files.some((entry) => entry.rel.endsWith('run.json'))).toBe(true);
    for (const line of body) {
      expect(result.stdout + result.stderr).not.toContain(line);
      expect(files.filter((entry) => !entry.dir && readFileSync(path.join(home, entry.rel), 'utf8').includes(line)).map((entry) => entry.rel)).toEqual([]);
    }
  });
});
