import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectWellFormedRun, maxConcurrentSteps } from '../helpers/run-events.js';

// --max-parallel overrides the plan's maxParallel; checked with the real start and end times of the commands.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const STEP_IDS = ['a', 'b', 'c'];

/** Three independent steps that record when they really start and end (ns since the epoch). */
const PARALLEL_PLAN = `goal: Three independent sleeps
maxParallel: 3
steps:
${STEP_IDS.map(
  (id) => `  - id: ${id}
    tool: shell
    args: { command: "echo $(date +%s%N) > ${id}.start; sleep 0.4; echo $(date +%s%N) > ${id}.end" }
`,
).join('')}`;

type Interval = { readonly id: string; readonly start: bigint; readonly end: bigint };

function intervals(dir: string): Interval[] {
  const read = (file: string) => BigInt(readFileSync(path.join(dir, file), 'utf8').trim());
  return STEP_IDS.map((id) => ({ id, start: read(`${id}.start`), end: read(`${id}.end`) })).sort((x, y) => (x.start < y.start ? -1 : 1));
}

async function runParallelPlan(name: string, extraArgs: string[]) {
  const plan = await sandbox.writePlan(`${name}/plan.yaml`, PARALLEL_PLAN);
  const dir = path.dirname(plan);
  const result = await runKsa(['run', plan, '--yes', '--json', ...extraArgs], { home: sandbox.home, cwd: dir });
  expect(result.code, describeResult(result)).toBe(0);
  const events = parseNdjson(result.stdout);
  expect(expectWellFormedRun(events)).toBe('succeeded');
  return { events, spans: intervals(dir), stderr: result.stderr };
}

describe.concurrent('ksa run --max-parallel', () => {
  it('--max-parallel 1 runs independent steps one at a time (no overlap in real time)', async () => {
    const { events, spans, stderr } = await runParallelPlan('serial', ['--max-parallel', '1']);
    expect(maxConcurrentSteps(events)).toBe(1);
    for (let i = 1; i < spans.length; i++) {
      expect(spans[i]!.start >= spans[i - 1]!.end, `${spans[i]!.id} started before ${spans[i - 1]!.id} ended`).toBe(true);
    }
    expect(stderr).toMatch(/up to 1 at once/);
  });

  it("without the flag the plan's maxParallel applies and the steps overlap", async () => {
    const { events, spans } = await runParallelPlan('parallel', []);
    expect(maxConcurrentSteps(events)).toBe(3);
    // Every step started before the first one ended.
    const firstEnd = spans.reduce((min, span) => (span.end < min ? span.end : min), spans[0]!.end);
    for (const span of spans) expect(span.start < firstEnd, `${span.id} did not overlap`).toBe(true);
  });
});
