import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialRunState, PlanSchema } from '../../src/planning/index.js';
import { RunStore } from '../../src/store/index.js';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';
import { ksaJson, type RunsDoc } from '../helpers/durable.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// A Redis whose password holds a ? (as a managed Redis may generate): written into the URL as is, a URL parser takes
// the user for the host and the start of the password for a port. ksa refuses the URL, naming what to percent-encode,
// and shows none of the password; percent-encoded, it reaches the server.

const PASSWORD = '123?S3cretPW';
let box: CliSandbox;
let redis: TestRedis;
beforeAll(async () => {
  box = await createCliSandbox('ksa-fleet-redis-url-written-');
  redis = await startRedis({ password: PASSWORD });
});
afterAll(async () => {
  await redis.cleanup();
  await box.cleanup();
});

const cutShort = () => `redis://default:${PASSWORD}@127.0.0.1:${redis.port}`;
const REFUSAL = 'its user name or password holds a ?, # or / as written, where a URL ends its host: percent-encode them (? as %3F, # as %23, / as %2F)';

function expectNoPassword(text: string): void {
  expect(text).not.toContain('S3cret');
  expect(text).not.toContain('123');
}

describe('a Redis URL whose password holds a ? as written', () => {
  it('ksa workers --redis refuses it with one line, exit 2, naming %3F, showing none of the password', async () => {
    const result = await runKsa(['workers', '--redis', cutShort()], { home: box.home, timeoutMs: 20_000 });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr.trim()).toBe(`ksa: cannot use Redis at redis://default:***@127.0.0.1:${redis.port}: ${REFUSAL}`);
    expectNoPassword(`${result.stdout}${result.stderr}`);
  });

  it('percent-encoded, it reaches the server', async () => {
    const result = await runKsa(['workers', '--redis', `redis://default:123%3FS3cretPW@127.0.0.1:${redis.port}`], { home: box.home, timeoutMs: 20_000 });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toContain(`no live workers at redis://127.0.0.1:${redis.port}`);
    expectNoPassword(`${result.stdout}${result.stderr}`);
  });

  it('from KSA_REDIS_URL or config.json, ksa run refuses it before anything is recorded', async () => {
    const plan = await box.writePlan('cut-short/plan.yaml', 'goal: Cut short\nsteps:\n  - { id: a, tool: shell, args: { command: "touch ran" } }\n');
    const home = path.join(box.dir, 'cut-short-home');
    await runKsa(['runs'], { home });
    await writeFile(path.join(home, 'config.json'), JSON.stringify({ redis: cutShort() }));
    for (const [env, from] of [[{ KSA_REDIS_URL: cutShort() }, 'KSA_REDIS_URL'], [{}, `"redis" in ${path.join(home, 'config.json')}`]] as const) {
      const result = await runKsa(['run', plan, '--yes'], { home, cwd: path.dirname(plan), env, timeoutMs: 20_000 });
      expect(result.code, describeResult(result)).toBe(2);
      expect(result.stderr).toContain(`ksa: cannot use Redis at redis://default:***@127.0.0.1:${redis.port} (from ${from}): ${REFUSAL}`);
      expectNoPassword(`${result.stdout}${result.stderr}`);
    }
    expect(existsSync(path.join(path.dirname(plan), 'ran'))).toBe(false);
    expect((await ksaJson<RunsDoc>(['runs'], { home })).runs).toEqual([]);
  });

  it('ksa cancel and ksa resume of a run on that server refuse it as such, not as another server', async () => {
    const plan = PlanSchema.parse({ goal: 'Recorded', steps: [{ id: 'mark', tool: 'shell', args: { command: 'touch marked' } }] });
    const run = await new RunStore(box.home).create({ runId: 'cut-short', goal: plan.goal, createdAt: new Date().toISOString(), workspace: box.dir, plan, inputs: {}, allowedEnv: [], redis: `redis://default:***@127.0.0.1:${redis.port}`, state: initialRunState('cut-short', plan.goal, ['mark'], {}) }, 'test');
    await run.close();
    for (const command of ['cancel', 'resume']) {
      const result = await runKsa([command, 'cut-short', '--yes', '--redis', cutShort()], { home: box.home, cwd: box.dir, timeoutMs: 20_000 });
      expect(result.code, describeResult(result)).toBe(2);
      expect(result.stderr.trim()).toBe(`ksa: cannot use Redis at redis://default:***@127.0.0.1:${redis.port}: ${REFUSAL}`);
      expectNoPassword(`${result.stdout}${result.stderr}`);
    }
  });
});

describe('a Redis URL as the user wrote it', () => {
  it('an IPv4-mapped address is named as written', async () => {
    const written = `redis://[::ffff:127.0.0.1]:${redis.port}`;
    const result = await runKsa(['workers', '--json', '--redis', `redis://default:123%3FS3cretPW@[::ffff:127.0.0.1]:${redis.port}`], { home: box.home, timeoutMs: 20_000 });
    expect(result.code, describeResult(result)).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ redis: written });
    const refused = await runKsa(['workers', '--redis', `redis://[::ffff:127.0.0.1]:${redis.port}`], { home: box.home, timeoutMs: 20_000 });
    expect(refused.code, describeResult(refused)).toBe(1);
    expect(refused.stderr).toContain(`ksa: cannot use Redis at ${written}: a password is required`);
  });
});
