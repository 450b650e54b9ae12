import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, parseNdjson, runKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// The owner of a machine that runs `ksa worker` says what never runs there: its KSA_HOME's
// policy.yaml and its workspace's .ksa/policy.yaml hold every job it takes, whatever the coordinator's rules.

let sandbox: CliSandbox;
let redis: TestRedis;
const workers: KsaProcess[] = [];
/** The worker's KSA_HOME and workspace, and where the steps leave their markers. */
let workerHome: string;
let workerSpace: string;
let marks: string;

const HOME_RULE = (dir: string) => `deny:\n  - shell: "touch ${dir}/home-denied*"\nask:\n  - shell: "touch ${dir}/asked*"\n`;
const SPACE_RULE = (dir: string) => `deny:\n  - shell: "touch ${dir}/space-denied*"\n`;

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-fleet-policy-');
  redis = await startRedis();
  workerHome = path.join(sandbox.dir, 'worker-home');
  workerSpace = path.join(sandbox.dir, 'worker-ws');
  marks = path.join(sandbox.dir, 'marks');
  for (const dir of [workerHome, path.join(workerSpace, '.ksa'), marks]) mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(workerHome, 'policy.yaml'), HOME_RULE(marks));
  writeFileSync(path.join(workerSpace, '.ksa', 'policy.yaml'), SPACE_RULE(marks));
  workers.push(await startWorker(redis.url, 'w1', { labels: ['web'], cwd: workerSpace, home: workerHome }));
}, 60_000);
afterAll(async () => {
  await stopAll(workers);
  await redis?.cleanup();
  await sandbox?.cleanup();
});

/** Runs `steps` (YAML under `steps:`) on the worker from the coordinator's own KSA_HOME, which has no rules. */
async function runOnWorker(name: string, steps: string) {
  const planFile = await sandbox.writePlan(`${name}/plan.yaml`, `goal: ${name}\nrunsOn: [web]\nsteps:\n${steps}`);
  const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: path.dirname(planFile), timeoutMs: 30_000 });
  return { result, events: parseNdjson(result.stdout) };
}

const failedWith = (events: ReturnType<typeof parseNdjson>, stepId: string) => eventsOf(events, 'step_failed', stepId).map((event) => (event as { error?: string }).error);

describe('ksa worker: its own machine\'s policy', () => {
  it('a call its KSA_HOME policy.yaml denies fails in one line naming the worker, the rule and its file:line; nothing runs, and it is not retried there', async () => {
    const { result, events } = await runOnWorker(
      'home-deny',
      `  - id: ok
    tool: shell
    args: { command: "touch ${marks}/allowed1" }
  - id: a
    tool: shell
    dependsOn: [ok]
    retry: { maxAttempts: 3, initialDelayMs: 10 }
    args: { command: "touch ${marks}/home-denied1" }
`,
    );
    expect(result.code, describeResult(result)).toBe(1);
    expect(existsSync(path.join(marks, 'allowed1'))).toBe(true);
    expect(existsSync(path.join(marks, 'home-denied1'))).toBe(false);
    const rule = `deny shell: "touch ${marks}/home-denied*" (${path.join(workerHome, 'policy.yaml')}:2)`;
    expect(failedWith(events, 'a')).toEqual([`denied on worker w1 by ${rule}; nothing was run`]);
    expect(eventsOf(events, 'step_retrying', 'a')).toEqual([]);
    expect(eventsOf(events, 'step_started', 'a')).toHaveLength(1);
    expect(workers[0]!.stdout()).toContain(`shell after`);
    expect(workers[0]!.stdout()).toContain(`: denied on worker w1 by ${rule}; nothing was run\n`);
  }, 60_000);

  it("a call its --workspace's .ksa/policy.yaml denies fails the same way, naming that file", async () => {
    const { result, events } = await runOnWorker('space-deny', `  - id: b\n    tool: shell\n    args: { command: "sh -c 'touch ${marks}/space-denied1'" }\n`);
    expect(result.code, describeResult(result)).toBe(1);
    expect(existsSync(path.join(marks, 'space-denied1'))).toBe(false);
    expect(failedWith(events, 'b')).toEqual([`denied on worker w1 by deny shell: "touch ${marks}/space-denied*" (${path.join(workerSpace, '.ksa', 'policy.yaml')}:2); nothing was run`]);
  }, 60_000);

  it('an ask rule there refuses as a deny rule does (nobody at a worker can answer), and a rollback is held to the rules too', async () => {
    const { result, events } = await runOnWorker(
      'ask-and-rollback',
      `  - id: app
    tool: shell
    args: { command: "touch ${marks}/app1" }
    rollback: { tool: shell, args: { command: "touch ${marks}/home-denied-undo" } }
  - id: c
    tool: shell
    dependsOn: [app]
    args: { command: "touch ${marks}/asked1" }
`,
    );
    expect(result.code, describeResult(result)).toBe(1);
    expect(existsSync(path.join(marks, 'app1'))).toBe(true);
    expect(existsSync(path.join(marks, 'asked1'))).toBe(false);
    expect(existsSync(path.join(marks, 'home-denied-undo'))).toBe(false);
    const file = path.join(workerHome, 'policy.yaml');
    expect(failedWith(events, 'c')).toEqual([`denied on worker w1 by ask shell: "touch ${marks}/asked*" (${file}:4) (nobody at a worker can answer an ask rule); nothing was run`]);
    const undo = eventsOf(events, 'rollback_step_failed', 'app').map((event) => (event as { error?: string }).error);
    expect(undo).toEqual([`w1: denied on worker w1 by deny shell: "touch ${marks}/home-denied*" (${file}:2); nothing was run`]);
  }, 60_000);

  it('the rules are read again for every job: one added while the worker runs holds for the next job', async () => {
    const file = path.join(workerSpace, '.ksa', 'policy.yaml');
    writeFileSync(file, `${SPACE_RULE(marks)}  - shell: "touch ${marks}/later*"\n`);
    try {
      const { result, events } = await runOnWorker('re-read', `  - id: d\n    tool: shell\n    args: { command: "touch ${marks}/later1" }\n`);
      expect(result.code, describeResult(result)).toBe(1);
      expect(existsSync(path.join(marks, 'later1'))).toBe(false);
      expect(failedWith(events, 'd')).toEqual([`denied on worker w1 by deny shell: "touch ${marks}/later*" (${file}:3); nothing was run`]);
    } finally {
      writeFileSync(file, SPACE_RULE(marks));
    }
  }, 60_000);

  it('a fan-out one of whose workers refuses its part fails as a whole, naming that worker, and is not retried', async () => {
    const refusing = path.join(sandbox.dir, 'fan-a-home');
    const fanSpace = path.join(sandbox.dir, 'fan-ws');
    for (const dir of [refusing, fanSpace]) mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(refusing, 'policy.yaml'), `deny:\n  - shell: "touch ${marks}/fan-*"\n`);
    workers.push(await startWorker(redis.url, 'fan-a', { labels: ['fan'], cwd: fanSpace, home: refusing }));
    workers.push(await startWorker(redis.url, 'fan-b', { labels: ['fan'], cwd: fanSpace, home: path.join(sandbox.dir, 'fan-b-home') }));
    const { result, events } = await runOnWorker(
      'fan-out',
      `  - id: e
    runsOn: { labels: [fan], each: true }
    retry: { maxAttempts: 3, initialDelayMs: 10 }
    tool: shell
    args: { command: "touch ${marks}/fan-$KSA_WORKER" }
`,
    );
    expect(result.code, describeResult(result)).toBe(1);
    expect(existsSync(path.join(marks, 'fan-fan-a'))).toBe(false);
    expect(existsSync(path.join(marks, 'fan-fan-b'))).toBe(true);
    expect(failedWith(events, 'e')).toEqual([`failed on 1 of 2 workers: fan-a: denied on worker fan-a by deny shell: "touch ${marks}/fan-*" (${path.join(refusing, 'policy.yaml')}:2); nothing was run`]);
    expect(eventsOf(events, 'step_retrying', 'e')).toEqual([]);
  }, 60_000);

  it('a broken policy file stops the worker from starting: one line with file:line, exit 2', async () => {
    const space = path.join(sandbox.dir, 'broken-ws');
    mkdirSync(path.join(space, '.ksa'), { recursive: true });
    const file = path.join(space, '.ksa', 'policy.yaml');
    writeFileSync(file, 'deny:\n  - shell: "x"\nallow: 1\nbogus: []\n');
    const result = await runKsa(['worker', '--redis', redis.url, '--name', 'broken', '--workspace', space], { home: path.join(sandbox.dir, 'broken-home'), cwd: space, timeoutMs: 20_000 });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^ksa: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: allow must be a list of rules[^\\n]*\\n$`));
    expect(result.stdout).not.toContain('ready');
  }, 60_000);
});
