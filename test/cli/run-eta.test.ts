import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventually, parseNdjson, runKsa, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit, killGroup, ksaJson } from '../helpers/durable.js';
import { spawnKsaPty, type KsaPty } from '../helpers/pty.js';

// Learned durations end to end: one run teaches ksa how long each step takes;
// the next run's live view shows the time left, each running step's usual
// duration, and flags a step running three times longer than usual;
// ksa status includes the estimate.

/** `work` takes 0.3 s, or 4 s when the file `slow` exists; `gate` waits for the file `go` when `hold` exists. */
const PLAN = `goal: Learn durations
steps:
  - id: prepare
    tool: shell
    args: { command: "sleep 0.2" }
  - id: work
    tool: shell
    dependsOn: [prepare]
    args: { command: "if [ -f slow ]; then sleep 4; else sleep 0.3; fi" }
  - id: gate
    tool: shell
    dependsOn: [work]
    args: { command: "if [ -f hold ]; then while [ ! -f go ]; do sleep 0.05; done; fi" }
`;

let sandbox: CliSandbox;
const terminals: KsaPty[] = [];
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-eta-');
});
afterAll(async () => {
  for (const terminal of terminals) terminal.dispose();
  for (const pid of leftovers) killGroup(pid);
  await sandbox.cleanup();
});

async function learnedOnce(name: string): Promise<{ plan: string; dir: string; home: string }> {
  const plan = await sandbox.writePlan(`${name}/plan.yaml`, PLAN);
  const dir = path.dirname(plan);
  const home = path.join(sandbox.home, name);
  mkdirSync(home, { recursive: true });
  expectExit(await runKsa(['run', plan, '--yes'], { home, cwd: dir, timeoutMs: 20_000 }), 0);
  return { plan, dir, home };
}

describe.concurrent('learned durations', () => {
  it('the live view shows the time left, usual durations, and "slower than usual"', async () => {
    const { plan, dir, home } = await learnedOnce('live');
    writeFileSync(path.join(dir, 'slow'), '');
    const terminal = spawnKsaPty(['run', plan, '--yes'], { cwd: dir, home, timeoutMs: 25_000 });
    terminals.push(terminal);
    // One earlier run is thin history: a range.
    await terminal.waitForOutput(/done · 1 running · [\d.]+m?s · [\d.]+m?s–[\d.]+m?s left/);
    // The usual durations are what the first run took: about 0.2 s and 0.3 s, more on a loaded machine.
    await terminal.waitForOutput(/prepare running [\d.]+m?s \(usually [\d.]+m?s\)/);
    await terminal.waitForOutput(/work running [\d.]+s \(slower than usual: [\d.]+s, usually [\d.]+m?s\)/, 10_000);
    expect((await terminal.exited).exitCode).toBe(0);
  });

  it('ksa status (and --json) of a running run includes the estimate', async () => {
    const { plan, dir, home } = await learnedOnce('status');
    writeFileSync(path.join(dir, 'hold'), '');
    const owner = startKsa(['run', plan, '--yes', '--json'], { home, cwd: dir, timeoutMs: 25_000 });
    leftovers.add(owner.pid);
    await owner.waitForOutput((stdout) => stdout.includes('"stepId":"gate"'), 10_000);
    const runId = parseNdjson(owner.stdout())[0]!.runId;
    const doc = await eventually(async () => {
      const status = await ksaJson<{ status: string; estimate?: { remainingLowMs: number; remainingHighMs: number; untimedSteps: number } }>(['status', runId], { home });
      return status.estimate ? status : undefined;
    }, 5000);
    expect(doc.status).toBe('running');
    expect(doc.estimate!.untimedSteps).toBe(0);
    expect(doc.estimate!.remainingLowMs).toBeGreaterThanOrEqual(0);
    expect(doc.estimate!.remainingHighMs).toBeLessThan(2000);
    const text = await runKsa(['status', runId], { home });
    // gate usually takes milliseconds: the estimate may already say it takes longer (see below).
    expect(text.stdout).toMatch(/estimated: (.*left|gate taking longer than usual: time left unknown) \(from earlier runs\)/);
    // gate took milliseconds last time; held here, it runs past 3× that: said in the table and in --json.
    const held = await eventually(async () => {
      const status = await ksaJson<{ steps: { id: string; usualMs?: number; slowerThanUsual?: boolean }[] }>(['status', runId], { home });
      const gate = status.steps.find((step) => step.id === 'gate');
      return gate?.slowerThanUsual ? gate : undefined;
    }, 5000);
    expect(held.usualMs).toEqual(expect.any(Number));
    const table = await runKsa(['status', runId], { home });
    expect(table.stdout).toMatch(/^ {2}gate +running +1 +[\d.]+m?s +slower than usual: [\d.]+m?s, usually \d+ms$/m);
    // The last step, past its usual time: what is left of it is unknown, never "about 0ms left".
    expect(table.stdout).toContain('estimated: gate taking longer than usual: time left unknown (from earlier runs)');
    expect(table.stdout).not.toContain('0ms left');
    const json = await ksaJson<{ estimate?: { remainingHighMs: number; takingLongerThanUsual?: string[] } }>(['status', runId], { home });
    expect(json.estimate).toMatchObject({ remainingHighMs: 0, takingLongerThanUsual: ['gate'] });
    writeFileSync(path.join(dir, 'go'), '');
    expectExit(await owner.result, 0);
  });
});
