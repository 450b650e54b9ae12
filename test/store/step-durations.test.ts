import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlanSchema } from '../../src/planning/index.js';
import { DURATIONS_KEPT, StepDurations, stepDurationKeys, storedRunOutlook, type RunRecord } from '../../src/store/index.js';

// The learned durations file: keys per step, the last ten durations, no secrets.

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'ksa-durations-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const plan = PlanSchema.parse({
  goal: 'deploy the shop',
  inputs: { port: 8080, apiToken: 'tok-very-secret-123' },
  steps: [
    { id: 'build', tool: 'shell', args: { command: 'make build PORT={{ inputs.port }}' } },
    { id: 'push', tool: 'shell', dependsOn: ['build'], args: { command: 'push --token {{ inputs.apiToken }}' } },
  ],
});

describe('StepDurations', () => {
  it('keeps the last ten durations per step; stats are their median', async () => {
    const durations = new StepDurations(home);
    const keys = stepDurationKeys(plan, plan.steps[0]!, {});
    for (let i = 1; i <= 12; i++) await durations.record([{ keys, durationMs: i * 100 }]);
    const stats = await durations.statsFor(plan, {});
    expect(stats.get('build')).toEqual({ medianMs: 750, lowMs: 750, highMs: 750, samples: DURATIONS_KEPT });
    expect(stats.has('push')).toBe(false);
    expect((await stat(path.join(home, 'durations.json'))).mode & 0o777).toBe(0o600);
  });

  it('the exact key follows the rendered arguments; the loose key (id + tool) serves when they change', async () => {
    const durations = new StepDurations(home);
    await durations.record([{ keys: stepDurationKeys(plan, plan.steps[0]!, { port: 9090 }), durationMs: 5000 }]);
    await durations.record([{ keys: stepDurationKeys(plan, plan.steps[0]!, {}), durationMs: 1000 }]);
    expect(stepDurationKeys(plan, plan.steps[0]!, { port: 9090 }).exact).not.toBe(stepDurationKeys(plan, plan.steps[0]!, {}).exact);
    expect((await durations.statsFor(plan, { port: 9090 })).get('build')?.medianMs).toBe(5000);
    expect((await durations.statsFor(plan, {})).get('build')?.medianMs).toBe(1000);
    // A port never seen: the step's history under any arguments (median of 5000 and 1000).
    expect((await durations.statsFor(plan, { port: 7070 })).get('build')?.medianMs).toBe(3000);
  });

  it('secret-looking inputs do not change the key and never reach the file', async () => {
    const durations = new StepDurations(home);
    const keys = stepDurationKeys(plan, plan.steps[1]!, { apiToken: 'another-secret-456' });
    expect(keys).toEqual(stepDurationKeys(plan, plan.steps[1]!, {}));
    await durations.record([{ keys, durationMs: 42 }]);
    const text = await readFile(path.join(home, 'durations.json'), 'utf8');
    expect(text).not.toContain('secret');
    expect(text).not.toContain('push --token');
  });

  it('a corrupt file costs only the estimates: it is moved aside, with one warning, when the next durations are recorded', async () => {
    const warnings: string[] = [];
    const durations = new StepDurations(home, (message) => warnings.push(message));
    const file = path.join(home, 'durations.json');
    for (const broken of ['{not json', '{"version":1,"steps":{"id:build:shell":["slow"]}}']) {
      await writeFile(file, broken);
      expect((await durations.statsFor(plan, {})).size).toBe(0);
      expect(warnings).toEqual([]);
      await durations.record([{ keys: stepDurationKeys(plan, plan.steps[0]!, {}), durationMs: 10 }]);
      expect((await durations.statsFor(plan, {})).get('build')?.medianMs).toBe(10);
      expect(warnings).toHaveLength(1);
      const backup = /moved it to (\S+) and/.exec(warnings[0]!)?.[1];
      expect(warnings[0]).toMatch(/durations\.json (is unreadable \(.*\)|has unexpected content); moved it to .*\.corrupt-.* and started it afresh \(step durations are learned again from this run on\)$/);
      expect(await readFile(backup!, 'utf8')).toBe(broken);
      warnings.length = 0;
    }
    expect((await readdir(home)).filter((name) => name.includes('.corrupt-'))).toHaveLength(2);
  });
});

describe('storedRunOutlook', () => {
  it('a paused run whose process is gone runs its cut-short step again: its whole usual time counts; with its process, what is left of it', async () => {
    const durations = new StepDurations(home);
    for (const step of plan.steps) for (let i = 0; i < 3; i++) await durations.record([{ keys: stepDurationKeys(plan, step, {}), durationMs: 10_000 }]);
    const startedAt = '2026-01-01T00:00:00.000Z';
    const record = { plan, inputs: {}, state: { status: 'paused', inputs: {}, steps: { build: { status: 'running', attempts: 1, startedAt }, push: { status: 'pending', attempts: 0 } } } } as unknown as RunRecord;
    const now = Date.parse(startedAt) + 9_000;
    expect((await storedRunOutlook(home, record, 'paused', false, now)).estimate).toMatchObject({ lowMs: 20_000, highMs: 20_000, longerThanUsual: [] });
    expect((await storedRunOutlook(home, record, 'paused', true, now)).estimate).toMatchObject({ lowMs: 11_000, highMs: 11_000 });
  });
});
