import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, parseNdjson, runKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// A step printing more than a worker sends through Redis: the start and the end of its output reach the run,
// with a line saying how many between them are not kept, and the step after it is whole.

let sandbox: CliSandbox;
let redis: TestRedis;
const workers: KsaProcess[] = [];

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-fleet-output-');
  redis = await startRedis();
  const workDir = path.join(sandbox.dir, 'ws');
  mkdirSync(workDir);
  // 40 KB instead of 4 MB: the bound is seen with 20 000 lines, not millions.
  workers.push(await startWorker(redis.url, 'web-1', { labels: ['eu'], cwd: workDir, home: path.join(sandbox.dir, 'worker-home'), env: { KSA_WORKER_OUTPUT_BYTES: '40000' } }));
  workers.push(await startWorker(redis.url, 'us-1', { labels: ['us'], cwd: workDir, home: path.join(sandbox.dir, 'us-home') }));
}, 60_000);
afterAll(async () => {
  await stopAll(workers);
  await redis?.cleanup();
  await sandbox?.cleanup();
});

const PLAN = `goal: Big output on a worker
steps:
  - id: big
    tool: shell
    runsOn: [eu]
    args: { command: "seq 1 20000; echo tail-marker" }
  - id: after
    tool: shell
    dependsOn: [big]
    runsOn: [eu]
    args: { command: "echo after-line; sleep 0.2" }
`;

describe('ksa run --redis with a step printing more than a worker sends', () => {
  it('keeps the start and the end of its output, says how many lines between them are not kept, and the next step is whole', async () => {
    const planFile = await sandbox.writePlan('big/plan.yaml', PLAN);
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: path.dirname(planFile), timeoutMs: 60_000 });
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    const lines = (stepId: string) => eventsOf(events, 'step_output', stepId).map((event) => (event as unknown as { line: string }).line);
    const big = lines('big');
    expect(big[0]).toBe('1');
    expect(big.at(-1)).toBe('tail-marker');
    const notes = big.filter((line) => line.includes('not kept'));
    expect(notes).toHaveLength(1);
    const [, dropped, first, last] = /^worker web-1: (\d+) output lines are not kept here, between the first (\d+) and the last (\d+) \(a step's output sent through Redis is bounded to 39 KB or 50000 lines\)$/.exec(notes[0]!) ?? [];
    expect(Number(dropped) + Number(first) + Number(last)).toBe(20001);
    // The first lines, the note, the last ones: nothing else, nothing twice.
    expect(big).toHaveLength(Number(first) + 1 + Number(last));
    expect(big.slice(0, Number(first))).toEqual(Array.from({ length: Number(first) }, (_, i) => String(i + 1)));
    expect(big.at(-2)).toBe('20000');
    const log = readFileSync(path.join(sandbox.home, 'runs', events[0]!.runId, 'logs', 'big.log'), 'utf8').trimEnd().split('\n');
    expect(log.at(-1)).toBe('tail-marker');
    expect(log.some((line) => line.endsWith(notes[0]!))).toBe(true);
    // The step after it gets its own line and its own duration.
    expect(lines('after')).toEqual(['after-line']);
    expect((eventsOf(events, 'step_succeeded', 'after')[0] as unknown as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(200);
    // The step's result keeps its own (bounded) stdout, as a local run's does.
    expect((eventsOf(events, 'step_succeeded', 'big')[0] as unknown as { output: { stdout: string } }).output.stdout.endsWith('20000\ntail-marker')).toBe(true);
  }, 90_000);

  it('sends at most 50000 lines of a step printing many short ones, its end included', async () => {
    const planFile = await sandbox.writePlan('lines/plan.yaml', PLAN.replaceAll('[eu]', '[us]').replace('seq 1 20000', 'seq 1 120000'));
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: path.dirname(planFile), timeoutMs: 60_000 });
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    // Its log, not the events on stdout: 50 000 events are more than this test needs to read through a pipe.
    const log = readFileSync(path.join(sandbox.home, 'runs', events[0]!.runId, 'logs', 'big.log'), 'utf8').trimEnd().split('\n');
    const big = log.slice(log.indexOf('1'));
    expect(big).toHaveLength(50_001);
    expect(big[25_000]).toBe("[stderr] worker us-1: 70001 output lines are not kept here, between the first 25000 and the last 25000 (a step's output sent through Redis is bounded to 4 MB or 50000 lines)");
    expect(big.slice(-2)).toEqual(['120000', 'tail-marker']);
    expect(eventsOf(events, 'step_output', 'after').map((event) => (event as unknown as { line: string }).line)).toEqual(['after-line']);
  }, 90_000);

  it('has the output of a step that printed past the first half of the bound and then hung, before its timeout failure', async () => {
    // 5000 lines (24 KB): past the first half of web-1's 40 KB, with nothing left out.
    const planFile = await sandbox.writePlan('hang/plan.yaml', `goal: Output then a hang
steps:
  - id: hang
    tool: shell
    runsOn: [eu]
    timeoutMs: 3000
    args: { command: "seq 1 5000; echo LAST-WORDS-BEFORE-HANG >&2; sleep 30" }
`);
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: path.dirname(planFile), timeoutMs: 60_000 });
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout).filter((event) => event.stepId === 'hang');
    const types = events.map((event) => event.type);
    expect(types.lastIndexOf('step_output')).toBeLessThan(types.indexOf('step_failed'));
    const log = readFileSync(path.join(sandbox.home, 'runs', events[0]!.runId, 'logs', 'hang.log'), 'utf8').trimEnd().split('\n');
    expect(log[0]).toMatch(/^--- attempt 1 started .* on web-1$/);
    expect(log.slice(1, -1)).toEqual([...Array.from({ length: 5000 }, (_, i) => String(i + 1)), '[stderr] LAST-WORDS-BEFORE-HANG']);
    expect(log.at(-1)).toMatch(/^--- failed on web-1: attempt 1 timed out after 3000 ms/);
  }, 90_000);

  it('counts the bound in bytes: lines of 40 euro signs (120 bytes each) are bounded as such, not as 40 characters', async () => {
    const euros = '€'.repeat(40);
    const planFile = await sandbox.writePlan('euros/plan.yaml', `goal: Wide characters
steps:
  - id: euros
    tool: shell
    runsOn: [eu]
    args: { command: "yes '${euros}' | head -n 400; echo tail-marker" }
`);
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: path.dirname(planFile), timeoutMs: 60_000 });
    expect(result.code, describeResult(result)).toBe(0);
    const lines = eventsOf(parseNdjson(result.stdout), 'step_output', 'euros').map((event) => (event as unknown as { line: string }).line);
    // 400 × 121 bytes is past web-1's 40 000: some are left out, said in one line.
    const notes = lines.filter((line) => line.includes('not kept'));
    expect(notes).toHaveLength(1);
    const [, dropped, first, last] = /^worker web-1: (\d+) output lines are not kept here, between the first (\d+) and the last (\d+) /.exec(notes[0]!) ?? [];
    expect(Number(dropped) + Number(first) + Number(last)).toBe(401);
    const sent = lines.filter((line) => line !== notes[0]);
    expect(sent.reduce((bytes, line) => bytes + Buffer.byteLength(line) + 1, 0)).toBeLessThanOrEqual(40_000);
    expect(sent.at(-1)).toBe('tail-marker');
  }, 90_000);
});
