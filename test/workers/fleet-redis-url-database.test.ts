import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';
import { ksaJson, type RunsDoc } from '../helpers/durable.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// A Redis URL's database is plain digits: `/+1` or `/1e0`, which a number parser reads as 1, would send the steps
// through database 1 of a server the user did not write so.

let box: CliSandbox;
let redis: TestRedis;
beforeAll(async () => {
  box = await createCliSandbox('ksa-fleet-redis-url-database-');
  redis = await startRedis();
});
afterAll(async () => {
  await redis.cleanup();
  await box.cleanup();
});

describe('a Redis URL whose database is not in plain digits', () => {
  it.each(['+1', '1e0'])('/%s: ksa run refuses it in one line, exit 2, before anything is recorded', async (db) => {
    const plan = await box.writePlan(`db-${db}/plan.yaml`, 'goal: Database\nsteps:\n  - { id: a, tool: shell, args: { command: "touch ran" } }\n');
    const url = `${redis.url}/${db}`;
    const result = await runKsa(['run', plan, '--yes', '--worker-wait', '1s', '--redis', url], { home: box.home, cwd: box.dir, timeoutMs: 20_000 });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toBe(`ksa: cannot use Redis at ${url}: "${db}" is not a database number`);
    expect(existsSync(path.join(path.dirname(plan), 'ran'))).toBe(false);
    expect((await ksaJson<RunsDoc>(['runs'], { home: box.home })).runs).toEqual([]);
  });

  it('ksa workers refuses /+1 too; /1 is database 1', async () => {
    const refused = await runKsa(['workers', '--redis', `${redis.url}/+1`], { home: box.home, timeoutMs: 20_000 });
    expect(refused.code, describeResult(refused)).toBe(2);
    expect(refused.stderr.trim()).toBe(`ksa: cannot use Redis at ${redis.url}/+1: "+1" is not a database number`);
    const plain = await runKsa(['workers', '--redis', `${redis.url}/1`], { home: box.home, timeoutMs: 20_000 });
    expect(plain.code, describeResult(plain)).toBe(0);
    expect(plain.stdout).toContain(`no live workers at ${redis.url}/1`);
  });
});

// Leading zeros are read as ioredis and BullMQ read them (`/007` is database 7, where the server would refuse SELECT 007):
// a message quotes the database as the user wrote it, not as the number it was read as.
describe('a Redis URL whose database has leading zeros', () => {
  it('/007 is database 7; /099, past the server\'s databases, is named as written', async () => {
    const refused = await runKsa(['workers', '--redis', `${redis.url}/099`], { home: box.home, timeoutMs: 20_000 });
    expect(refused.code, describeResult(refused)).toBe(2);
    expect(refused.stderr).toBe(`ksa: cannot use Redis at ${redis.url}/099: database 099 does not exist (the server has 16 databases, 0 to 15)\n`);
    const worker = await startWorker(`${redis.url}/007`, 'zeros', { cwd: box.dir, home: box.home });
    try {
      const seen = await ksaJson<{ workers: { name: string }[] }>(['workers', '--json', '--redis', `${redis.url}/7`], { home: box.home });
      expect(seen.workers.map((info) => info.name)).toEqual(['zeros']);
    } finally {
      await stopAll([worker]);
    }
  });
});
