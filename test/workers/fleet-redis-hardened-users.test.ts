import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neededCommands } from '../../src/workers/redis-rights.js';
import { createCliSandbox, describeResult, nonEmptyLines, runKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// ACL users that hardened setups give ksa: each lacks one command BullMQ or ksa issues (TIME, the blocking pop a
// worker takes jobs with), or the commands Redis calls dangerous (INFO among them). Refused at start-up in one line,
// or, where ksa can do without (INFO), a real job taken and finished; never an unexpected error or a silent worker.

const ADVICE = '(ksa needs +@all on the keys and channels ksa:*: see "Redis users" in docs/distributed.md)';
const planOn = (label: string) => `goal: One remote step\nsteps:\n  - id: a\n    tool: shell\n    args: { command: "echo hardened" }\n    runsOn: [${label}]\n`;

let redis: TestRedis;
let box: CliSandbox;
const workers: KsaProcess[] = [];

beforeAll(async () => {
  redis = await startRedis({
    conf: [
      'user notime on >NoTime1pw ~ksa:* &* +@all -time',
      'user nobzpop on >NoBz1pw ~ksa:* &* +@all -bzpopmin',
      'user nodanger on >NoDanger1pw ~ksa:* &ksa:* +@all -@dangerous',
      'user noexec on >NoExec1pw ~ksa:* &ksa:* +@all -exec',
      'user noselect on >NoSelect1pw ~ksa:* &ksa:* +@all -select',
      // Exactly what the start-up check asks for, with HELLO (ioredis's handshake, and the version without INFO) and SUBSCRIBE (a worker's cancels).
      `user exact on >Exact1pw ~ksa:* &ksa:* -@all +${neededCommands().join(' +')} +hello +subscribe`,
    ],
  });
  box = await createCliSandbox('ksa-fleet-hardened-');
}, 60_000);
afterAll(async () => {
  await stopAll(workers);
  await redis?.cleanup();
  await box?.cleanup();
});

const urlOf = (user: string) => `redis://${user}@127.0.0.1:${redis.port}`;
const refused = (command: string) => `ksa: cannot use Redis at redis://127.0.0.1:${redis.port}: this Redis user may not use the command ${command} ${ADVICE}`;

async function runPlan(user: string, name: string) {
  const planFile = await box.writePlan(`${name}/plan.yaml`, planOn(name));
  const home = path.join(box.dir, `${name}-home`);
  const result = await runKsa(['run', planFile, '--yes', '--redis', urlOf(user)], { home, cwd: path.dirname(planFile), timeoutMs: 60_000 });
  return { result, runs: () => (existsSync(path.join(home, 'runs')) ? readdirSync(path.join(home, 'runs')) : []) };
}

/** What ksa run says after the plan it prints: its error lines, and the last line being one of them. */
function refusalLines(stderr: string): string[] {
  const lines = nonEmptyLines(stderr);
  expect(lines.at(-1)).toMatch(/^ksa: /);
  return lines.filter((line) => line.startsWith('ksa: '));
}

async function liveWorkers(): Promise<unknown[]> {
  const listed = await runKsa(['workers', '--json', '--redis', `redis://127.0.0.1:${redis.port}`], { home: box.home, timeoutMs: 30_000 });
  expect(listed.code, describeResult(listed)).toBe(0);
  return JSON.parse(listed.stdout).workers;
}

describe('Redis users of hardened setups', () => {
  it('a user without TIME: ksa workers, ksa worker and ksa run say so in one line, exit 1, not an unexpected error', async () => {
    for (const args of [['workers', '--redis', urlOf('notime:NoTime1pw')], ['worker', '--redis', urlOf('notime:NoTime1pw'), '--name', 'w-notime']]) {
      const result = await runKsa(args, { home: box.home, timeoutMs: 30_000 });
      expect(result.code, describeResult(result)).toBe(1);
      expect(result.stderr.trim(), describeResult(result)).toBe(refused('time'));
    }
    const { result, runs } = await runPlan('notime:NoTime1pw', 'notime');
    expect(result.code, describeResult(result)).toBe(1);
    expect(refusalLines(result.stderr), describeResult(result)).toEqual([refused('time')]);
    expect(runs()).toEqual([]);
  }, 120_000);

  it('a user without BZPOPMIN (how a worker takes jobs): refused before a worker registers or a run is created', async () => {
    const worker = await runKsa(['worker', '--redis', urlOf('nobzpop:NoBz1pw'), '--name', 'w-nobzpop', '--labels', 'nobzpop'], { home: box.home, timeoutMs: 30_000 });
    expect(worker.code, describeResult(worker)).toBe(1);
    expect(worker.stderr.trim(), describeResult(worker)).toBe(refused('bzpopmin'));
    expect(worker.stdout).not.toContain('ready');
    expect(await liveWorkers()).toEqual([]);
    const { result, runs } = await runPlan('nobzpop:NoBz1pw', 'nobzpop');
    expect(result.code, describeResult(result)).toBe(1);
    expect(refusalLines(result.stderr), describeResult(result)).toEqual([refused('bzpopmin')]);
    expect(runs()).toEqual([]);
  }, 120_000);

  // EXEC is refused as the transaction's abort, SELECT (the URL's database) while ioredis connects: the same one line.
  for (const [user, command, db] of [['noexec:NoExec1pw', 'exec', ''], ['noselect:NoSelect1pw', 'select', '/2']] as const) {
    it(`a user without ${command.toUpperCase()}: ksa workers and ksa worker say so in the check's one line, exit 1`, async () => {
      for (const args of [['workers'], ['worker', '--name', `w-no${command}`]]) {
        const result = await runKsa([...args, '--redis', `${urlOf(user)}${db}`], { home: box.home, timeoutMs: 30_000 });
        expect(result.code, describeResult(result)).toBe(1);
        expect(result.stderr.trim(), describeResult(result)).toBe(refused(command).replace(`${redis.port}:`, `${redis.port}${db}:`));
      }
    }, 120_000);
  }

  for (const [user, name] of [['nodanger:NoDanger1pw', 'without the dangerous commands (INFO among them)'], ['exact:Exact1pw', 'with exactly the rights the check asks for']] as const) {
    it(`a user ${name}: a worker takes a real job and the run finishes, with no warning`, async () => {
      const label = user.split(':')[0]!;
      const worker = await startWorker(urlOf(user), `w-${label}`, { labels: [label], cwd: box.dir, home: path.join(box.dir, `${label}-worker-home`) });
      workers.push(worker);
      const { result } = await runPlan(user, label);
      expect(result.code, describeResult(result)).toBe(0);
      expect(result.stdout + result.stderr).toContain('Run succeeded');
      // Neither ioredis's warning that its ready check (INFO) was skipped nor any other.
      expect(result.stderr, describeResult(result)).not.toMatch(/ready check|INFO|warn/i);
      expect(worker.stdout()).toMatch(/✓ \S+ a \(attempt 1\) shell/);
      expect(worker.stderr().trim()).toBe('');
      worker.kill('SIGKILL');
    }, 120_000);
  }
});
