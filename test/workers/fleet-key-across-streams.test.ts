import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, parseNdjson, runKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { walk } from '../helpers/store-fixtures.js';

// A key a step prints on a worker with its header on stdout and its body on stderr: the job's result in Redis holds
// the body as ***, as the step's output lines did.

let sandbox: CliSandbox;
let redis: TestRedis;
const workers: KsaProcess[] = [];
let workDir: string;
const PEM = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
const BODY = PEM.trimEnd().split('\n').slice(1, -1);

/**
 * Two pipes have no order between them: the body printed after its header may be read first. A write larger than a
 * pipe holds (a line of blanks, which a key's body may hold) returns only once ksa has read the header before it.
 */
const HEADER_READ = "printf '%70000s\\n' ''";

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-fleet-key-streams-');
  redis = await startRedis();
  workDir = path.join(sandbox.dir, 'ws');
  mkdirSync(workDir);
  writeFileSync(path.join(workDir, 'rsa.pem'), PEM);
  workers.push(await startWorker(redis.url, 'vault-1', { labels: ['vault'], cwd: workDir, home: sandbox.home }));
}, 60_000);
afterAll(async () => {
  await stopAll(workers);
  await redis?.cleanup();
  await sandbox?.cleanup();
});

describe('a private key printed across streams on a worker', () => {
  it('leaves no line of its body in Redis, the run\'s files or its events', async () => {
    const planFile = await sandbox.writePlan('key/plan.yaml', `goal: Key\nsteps:\n  - id: a\n    tool: shell\n    runsOn: [vault]\n    args: { command: ${JSON.stringify(`head -1 rsa.pem; ${HEADER_READ}; tail -n +2 rsa.pem >&2`)} }\n`);
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: path.dirname(planFile), timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(0);
    const done = eventsOf(parseNdjson(result.stdout), 'step_succeeded', 'a')[0] as unknown as { output: { stderr: string } };
    expect(done.output.stderr.split('\n').slice(0, BODY.length)).toEqual(BODY.map(() => '***'));
    for (const line of BODY) expect(result.stdout + result.stderr).not.toContain(line);
    const files = (await walk(sandbox.home)).filter((entry) => !entry.dir);
    expect(files.filter((entry) => BODY.some((line) => readFileSync(path.join(sandbox.home, entry.rel), 'utf8').includes(line))).map((entry) => entry.rel)).toEqual([]);
    const client = new Redis(redis.url);
    try {
      const found: string[] = [];
      for (const key of await client.keys('*')) {
        const type = await client.type(key);
        const values = type === 'hash' ? Object.values(await client.hgetall(key)) : type === 'string' ? [(await client.get(key)) ?? ''] : type === 'list' ? await client.lrange(key, 0, -1) : type === 'stream' ? (await client.xrange(key, '-', '+')).flatMap(([, fields]) => fields) : [];
        if (values.some((value) => BODY.some((line) => value.includes(line)))) found.push(key);
      }
      expect(found).toEqual([]);
    } finally {
      client.disconnect();
    }
  });
});
