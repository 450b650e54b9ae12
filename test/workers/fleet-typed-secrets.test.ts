import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { describeResult, eventually, runKsa, startKsa } from '../helpers/cli.js';
import { fleetScenarios, startWorker } from '../helpers/fleet.js';
import { keysHolding } from '../helpers/redis-keys.js';

// A credential typed into a step's arguments (no secret input or variable holds it) travels to the worker in its
// job, which Redis keeps a day for its result: once the step has run, the job must hold it no more.

const fleet = fleetScenarios('ksa-fleet-typed-secrets-');
const TOKEN = `ghp_${'Q7w'.repeat(12)}`;
const PASSWORD = 'Typed7Pass-in-url';
const PEM = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
const BODY = PEM.trimEnd().split('\n').slice(1, -1);

describe.concurrent('workers: a credential typed into a step', () => {
  it('is in no key of Redis once the run has ended: a step env, a command, a URL password, a key in a file, a failed step', async () => {
    const { redis, dir, home } = await fleet.setup('typed', ['box-1']);
    const plan = [
      'goal: Typed credentials on a worker',
      'steps:',
      '  - id: env',
      '    tool: shell',
      `    args: { command: 'echo "token length \${#TOKEN}"', env: { TOKEN: "${TOKEN}" } }`,
      '  - id: url',
      '    tool: shell',
      `    args: { command: "echo reaching postgres://app:${PASSWORD}@db.internal:5432/app >/dev/null; echo reached" }`,
      '  - id: key',
      '    tool: write_file',
      `    args: { path: id_deploy, content: ${JSON.stringify(PEM)} }`,
      '  - id: push',
      '    tool: shell',
      '    dependsOn: [env, url, key]',
      `    args: { command: "echo pushing; exit 3", env: { GH_TOKEN: "${TOKEN}" } }`,
    ].join('\n');
    const planFile = await fleet.sandbox.writePlan('typed/plan.yaml', `${plan}\n`);
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout).toContain('"line":"token length 40"');
    expect(result.stdout).toContain('"line":"reached"');
    const client = new Redis(redis.url);
    try {
      // Each step's job is there still, for its result: its arguments with *** where the credential was.
      expect(await keysHolding(client, [TOKEN, PASSWORD, ...BODY])).toEqual([]);
      const jobs = (await client.keys('ksa:steps:*')).filter((key) => /\.(env|url|key|push)\.1$/.test(key));
      expect(jobs).toHaveLength(4);
      for (const job of jobs) expect(await client.hget(job, 'data')).toContain('***');
    } finally {
      client.disconnect();
    }
  }, 90_000);

  it('is taken out, when the run ends, of a job whose worker died with it', async () => {
    const { redis, dir, home, workers } = await fleet.setup('died', []);
    // A lock of a minute: the run ends (cancelled) long before it finds the attempt lost, so only its end scrubs the job.
    const worker = await startWorker(redis.url, 'box-1', { cwd: dir, home, env: { KSA_WORKER_LOCK_MS: '60000', KSA_WORKER_STALLED_MS: '30000' } });
    workers.set('box-1', worker);
    const planFile = await fleet.sandbox.writePlan('died/plan.yaml', `goal: A typed token on a worker that dies\nsteps:\n  - id: slow\n    tool: shell\n    args: { command: "echo $$ > slow.pid; sleep 60", env: { TOKEN: "${TOKEN}" } }\n`);
    const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
    const pid = await eventually(() => (existsSync(path.join(dir, 'slow.pid')) ? Number(readFileSync(path.join(dir, 'slow.pid'), 'utf8')) : undefined), 20_000);
    fleet.orphans.add(pid);
    worker.kill('SIGKILL');
    await worker.result;
    run.kill('SIGINT');
    const result = await run.result;
    expect(result.code, describeResult(result)).toBe(130);
    const client = new Redis(redis.url);
    try {
      expect(await keysHolding(client, [TOKEN])).toEqual([]);
      const keys = await client.keys('ksa:steps:*.slow.1');
      expect(keys).toHaveLength(1);
      expect(await client.hget(keys[0]!, 'data')).toContain('"TOKEN":"***"');
    } finally {
      client.disconnect();
    }
  }, 90_000);
});
