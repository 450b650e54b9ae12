import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, nonEmptyLines, runKsa, type CliSandbox } from '../helpers/cli.js';
import { ksaJson } from '../helpers/durable.js';
import { startOldRedis, type OldRedis } from '../helpers/old-redis-server.js';

// A Redis too old for BullMQ: one line naming the URL and the cause, exit 1, nothing started.
// The server is a RESP server on a loopback port that reports redis_version:4.0.0 (see the helper:
// no old Redis can be installed here); ioredis talks to it over a real socket.

let sandbox: CliSandbox;
let old: OldRedis;
let planFile: string;

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-fleet-old-redis-');
  old = await startOldRedis('4.0.0');
  planFile = await sandbox.writePlan('plan.yaml', 'goal: Old\nsteps:\n  - id: a\n    tool: shell\n    runsOn: [web]\n    args: { command: "echo a > a.txt" }\n');
});
afterAll(async () => {
  await old?.close();
  await sandbox?.cleanup();
});

const expected = () => `ksa: cannot use Redis at ${old.url}: Redis 4.0.0 is too old (ksa needs 6.2.0 or newer)`;

/** Only the handshake and the version check reached the server: no queue, job, key or worker entry was written. */
function expectNothingWritten(): void {
  const names = new Set(old.commands.map((command) => command.split(' ')[0]));
  expect([...names].filter((name) => !['HELLO', 'PING', 'INFO', 'CLIENT'].includes(name!)), old.commands.join('\n')).toEqual([]);
}

describe('a Redis older than ksa needs', () => {
  it('ksa run --redis: one line with the URL and the version, exit 1, no run created, the step not run', async () => {
    const home = path.join(sandbox.dir, 'run-home');
    await mkdir(home);
    const result = await runKsa(['run', planFile, '--yes', '--redis', old.url], { home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(1);
    expect(nonEmptyLines(result.stderr).filter((line) => line.startsWith('ksa:'))).toEqual([expected()]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect((await ksaJson<{ runs: unknown[] }>(['runs'], { home })).runs).toEqual([]);
    expect(existsSync(path.join(sandbox.dir, 'a.txt'))).toBe(false);
    expectNothingWritten();
  });

  it('ksa worker: the same line, exit 1, never registered', async () => {
    const result = await runKsa(['worker', '--redis', old.url, '--labels', 'web'], { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 20_000 });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr.trim()).toBe(expected());
    expect(result.stdout).not.toMatch(/ready/);
    expectNothingWritten();
  });

  it('ksa workers: the same line, exit 1', async () => {
    const result = await runKsa(['workers', '--redis', old.url], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr.trim()).toBe(expected());
    expectNothingWritten();
  });
});
