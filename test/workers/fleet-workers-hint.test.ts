import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// ksa workers with no live worker says how to start one: a Redis password is never shown, and the hint says
// where it goes, as the run hints do, rather than naming a URL that is refused without it.

let sandbox: CliSandbox;
let redis: TestRedis;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-fleet-workers-hint-');
  redis = await startRedis({ password: 'S3cr3tPw' });
});
afterAll(async () => {
  await redis?.cleanup();
  await sandbox?.cleanup();
});

describe('ksa workers with none live', () => {
  it('names the password-protected Redis to start one with, its password as ***', async () => {
    const port = new URL(redis.url).port;
    const result = await runKsa(['workers', '--redis', redis.url], { home: sandbox.home, env: { KSA_REDIS_URL: undefined } });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toBe(`no live workers at redis://127.0.0.1:${port} (start one with: ksa worker --redis redis://:***@127.0.0.1:${port} (with its password in place of ***))\n`);
    expect(result.stdout + result.stderr).not.toContain('S3cr3tPw');
  }, 30_000);
});
