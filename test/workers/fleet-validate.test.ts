import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, freePort, nonEmptyLines, runKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// `ksa validate` with a Redis configured: runsOn labels no live worker offers are a warning, not an error.
// A real redis-server and a real `ksa worker` offering the labels web and eu.

let sandbox: CliSandbox;
let redis: TestRedis;
const workers: KsaProcess[] = [];
let planFile: string;
let plainPlan: string;

const PLAN = `goal: Build on a gpu box, restart the web hosts
steps:
  - id: train
    tool: shell
    runsOn: [gpu]
    args: { command: "echo train" }
  - id: tune
    tool: shell
    runsOn: [gpu, eu]
    args: { command: "echo tune" }
  - id: restart
    tool: shell
    dependsOn: [train]
    runsOn: { labels: [web], each: true }
    args: { command: "echo restart" }
  - id: note
    tool: shell
    dependsOn: [restart]
    args: { command: "echo done" }
`;

const PLAIN = `goal: Nothing about workers
steps:
  - id: hello
    tool: shell
    args: { command: "echo hello" }
`;

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-fleet-validate-');
  redis = await startRedis();
  planFile = await sandbox.writePlan('plan.yaml', PLAN);
  plainPlan = await sandbox.writePlan('plain.yaml', PLAIN);
  workers.push(await startWorker(redis.url, 'web-1', { labels: ['web', 'eu'], cwd: sandbox.dir, home: sandbox.home }));
}, 60_000);
afterAll(async () => {
  await stopAll(workers);
  await redis?.cleanup();
  await sandbox?.cleanup();
});

const validate = (args: string[], env: Record<string, string | undefined> = {}, home = sandbox.home) =>
  runKsa(['validate', ...args], { home, cwd: sandbox.dir, env: { KSA_REDIS_URL: undefined, ...env } });

const GPU_WARNING = 'ksa: warning: no live worker offers labels gpu (steps: train); they will wait for one';
const GPU_EU_WARNING = 'ksa: warning: no live worker offers labels eu, gpu (steps: tune); they will wait for one';

describe.concurrent('ksa validate with workers', () => {
  it('--redis: warns on stderr about labels no live worker offers, exit 0; offered labels are not mentioned', async () => {
    const result = await validate([planFile, '--redis', redis.url]);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toMatch(/valid plan, 4 steps/);
    expect(nonEmptyLines(result.stderr)).toEqual([GPU_WARNING, GPU_EU_WARNING]);
  });

  it('KSA_REDIS_URL with --json: the warnings are a list in the document too', async () => {
    const result = await validate([planFile, '--json'], { KSA_REDIS_URL: redis.url });
    expect(result.code, describeResult(result)).toBe(0);
    const doc = JSON.parse(result.stdout) as { valid: boolean; warnings: string[] };
    expect(doc.valid).toBe(true);
    expect(doc.warnings).toEqual([GPU_WARNING, GPU_EU_WARNING].map((line) => line.replace('ksa: warning: ', '')));
    expect(nonEmptyLines(result.stderr)).toEqual([GPU_WARNING, GPU_EU_WARNING]);
  });

  it('"redis" in config.json is used as well', async () => {
    const home = path.join(sandbox.dir, 'home-with-config');
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, 'config.json'), JSON.stringify({ redis: redis.url }));
    const result = await validate([planFile], {}, home);
    expect(result.code, describeResult(result)).toBe(0);
    expect(nonEmptyLines(result.stderr)).toEqual([GPU_WARNING, GPU_EU_WARNING]);
  });

  it('a config.json that is not JSON: the labels are not checked, said in a warning for a plan with runsOn only; still exit 0', async () => {
    const home = path.join(sandbox.dir, 'home-with-broken-config');
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, 'config.json'), `{ "redis": "${redis.url}",`);
    const placed = await validate([planFile], {}, home);
    expect(placed.code, describeResult(placed)).toBe(0);
    // The first line is the MCP servers' reader's, which reads the same file.
    expect(nonEmptyLines(placed.stderr)).toEqual([
      expect.stringMatching(/^ksa: warning: .*config\.json: not valid JSON/),
      `ksa: warning: runsOn labels not checked against live workers: ${path.join(home, 'config.json')}: cannot read it (not valid JSON)`,
    ]);
    const plain = await validate([plainPlan], {}, home);
    expect(plain.code, describeResult(plain)).toBe(0);
    expect(nonEmptyLines(plain.stderr)).toEqual([expect.stringMatching(/^ksa: warning: .*config\.json: not valid JSON/)]);
  });

  it('without a Redis configured: no check, no warning, an empty warnings list', async () => {
    const text = await validate([planFile]);
    expect(text.code, describeResult(text)).toBe(0);
    expect(text.stderr).toBe('');
    const json = await validate([planFile, '--json']);
    expect((JSON.parse(json.stdout) as { warnings: string[] }).warnings).toEqual([]);
  });

  it('a plan without runsOn does not contact the Redis (an unreachable one gives no warning)', async () => {
    const port = await freePort();
    const result = await validate([plainPlan, '--redis', `redis://127.0.0.1:${port}`]);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('an unreachable Redis: one warning naming the URL and the cause, still exit 0', async () => {
    const port = await freePort();
    const result = await validate([planFile, '--redis', `redis://:pw@127.0.0.1:${port}`, '--json']);
    expect(result.code, describeResult(result)).toBe(0);
    const lines = nonEmptyLines(result.stderr);
    expect(lines).toEqual([`ksa: warning: runsOn labels not checked against live workers: cannot use Redis at redis://127.0.0.1:${port}: connection refused (is redis-server running there?)`]);
    expect((JSON.parse(result.stdout) as { warnings: string[] }).warnings).toHaveLength(1);
  });

  it('an invalid plan is still exit 2, whatever the workers', async () => {
    const bad = await sandbox.writePlan('bad.yaml', 'goal: bad\nsteps:\n  - id: a\n    tool: shell\n    runsOn: [GPU]\n    args: { command: "echo" }\n');
    const result = await validate([bad, '--redis', redis.url]);
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).not.toMatch(/warning/);
  });
});
