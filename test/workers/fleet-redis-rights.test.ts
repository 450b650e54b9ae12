import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// An ACL user without the rights ksa needs: refused by the start-up check, in one line naming the URL and
// what is missing, before a worker starts or a run is created, not as an unexpected error later.

let redis: TestRedis;
let box: CliSandbox;

beforeAll(async () => {
  redis = await startRedis({ conf: ['user weak on >Weak1pw ~* +get +set +ping +info +client', 'user noscript on >NoScr1pw ~* &* +@all -@scripting', 'user nochan on >NoChan1pw ~* resetchannels +@all', 'user nosub on >NoSub1pw ~* &* +@all -subscribe'] });
  box = await createCliSandbox('ksa-fleet-rights-');
}, 60_000);
afterAll(async () => {
  await redis?.cleanup();
  await box?.cleanup();
});

describe('Redis users without the rights ksa needs', () => {
  it('ksa workers and ksa worker: one line naming the URL and the command refused, exit 1', async () => {
    const url = `redis://weak:Weak1pw@127.0.0.1:${redis.port}`;
    const expected = `ksa: cannot use Redis at redis://127.0.0.1:${redis.port}: this Redis user may not use the command hgetall`;
    for (const args of [['workers', '--redis', url], ['worker', '--redis', url, '--name', 'w-weak']]) {
      const result = await runKsa(args, { home: box.home, timeoutMs: 30_000 });
      expect(result.code, describeResult(result)).toBe(1);
      expect(result.stderr.trim().startsWith(expected), describeResult(result)).toBe(true);
      expect(result.stderr).not.toContain('unexpected error');
    }
  }, 60_000);

  it('ksa run without scripts: refused before the run is created, naming eval', async () => {
    const url = `redis://noscript:NoScr1pw@127.0.0.1:${redis.port}`;
    const planFile = await box.writePlan('noscript/plan.yaml', 'goal: Never queued\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo hi" }\n');
    const home = path.join(box.dir, 'noscript-home');
    const result = await runKsa(['run', planFile, '--yes', '--redis', url], { home, cwd: path.dirname(planFile), timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr, describeResult(result)).toContain(`ksa: cannot use Redis at redis://127.0.0.1:${redis.port}: this Redis user may not use the command eval`);
    expect(existsSync(path.join(home, 'runs')) ? readdirSync(path.join(home, 'runs')) : []).toEqual([]);
  }, 60_000);

  it('a user without channels (a Redis 7 user created without &…) or without subscribe: one line naming the channels, exit 1, no worker left registered', async () => {
    const advice = '(ksa needs +@all on the keys and channels ksa:*: see "Redis users" in docs/distributed.md)';
    for (const [user, subject] of [['nochan:NoChan1pw', 'the channels ksa:*'], ['nosub:NoSub1pw', 'the command subscribe']] as const) {
      const expected = `this Redis user may not use ${subject} ${advice}`;
      const url = `redis://${user}@127.0.0.1:${redis.port}`;
      const result = await runKsa(['worker', '--redis', url, '--name', `w-${user.split(':')[0]}`], { home: box.home, timeoutMs: 30_000 });
      expect(result.code, describeResult(result)).toBe(1);
      expect(result.stderr.trim(), describeResult(result)).toBe(`ksa: cannot use Redis at redis://127.0.0.1:${redis.port}: ${expected}`);
    }
    const workers = await runKsa(['workers', '--json', '--redis', `redis://127.0.0.1:${redis.port}`], { home: box.home, timeoutMs: 30_000 });
    expect(JSON.parse(workers.stdout).workers, describeResult(workers)).toEqual([]);
  }, 60_000);
});
