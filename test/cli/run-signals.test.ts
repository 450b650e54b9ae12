import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, eventually, parseNdjson, startKsa, type CliSandbox } from '../helpers/cli.js';
import { expectWellFormedRun } from '../helpers/run-events.js';
import { killSent } from '../helpers/kill-sent.js';
import { isProcessAlive, waitFor } from '../helpers/tool-context.js';

// Ctrl-C (SIGINT) and SIGTERM while a real process tree runs: cancel, kill the
// tree, roll back, exit 130/143; a second Ctrl-C stops at once.

let sandbox: CliSandbox;
/** Every pid a test learned of, killed at the end whatever happened. */
const leftovers = new Set<number>();
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone, as it should be.
    }
  }
  await sandbox.cleanup();
});

/**
 * `first` succeeds (its rollback writes a marker); `long` runs a small process
 * tree: a shell and a background sleep it waits for. With `stubborn`, both
 * ignore SIGTERM, so only SIGKILL ends them.
 */
function longPlan({ stubborn = false } = {}): string {
  const ignore = stubborn ? "trap '' TERM; " : '';
  return `goal: Run something long
steps:
  - id: first
    tool: shell
    args: { command: "echo first" }
    rollback: { tool: shell, args: { command: "echo rolled back > rollback.marker" } }
  - id: long
    tool: shell
    dependsOn: [first]
    args: { command: "${ignore}echo $$ > shell.pid; sleep 30 & echo $! > sleep.pid; wait" }
`;
}

/** Starts the run and resolves once the long step's processes exist. */
async function startLongRun(name: string, options: { stubborn?: boolean } = {}) {
  const plan = await sandbox.writePlan(`${name}/plan.yaml`, longPlan(options));
  const dir = path.dirname(plan);
  const ksa = startKsa(['run', plan, '--yes', '--json'], { home: sandbox.home, cwd: dir, timeoutMs: 20_000 });
  const readPid = (file: string) => {
    const text = existsSync(path.join(dir, file)) ? readFileSync(path.join(dir, file), 'utf8').trim() : '';
    return text === '' ? undefined : Number(text);
  };
  const pids = await eventually(() => {
    const shell = readPid('shell.pid');
    const sleep = readPid('sleep.pid');
    return shell !== undefined && sleep !== undefined ? { shell, sleep } : undefined;
  }, 10_000);
  leftovers.add(pids.shell);
  leftovers.add(pids.sleep);
  expect(isProcessAlive(pids.sleep)).toBe(true);
  return { ksa, dir, pids };
}

async function expectTreeGone(pids: { shell: number; sleep: number }): Promise<void> {
  for (const pid of [pids.shell, pids.sleep]) {
    expect(await waitFor(() => !isProcessAlive(pid), 3000), `process ${pid} of the cancelled step is still alive`).toBe(true);
  }
}

describe.concurrent('ksa run: signals', () => {
  it('one SIGINT: running step aborted, its process tree killed, finished steps rolled back, exit 130', async () => {
    const { ksa, dir, pids } = await startLongRun('sigint');
    ksa.kill('SIGINT');
    const result = await ksa.result;
    expect(result.code, describeResult(result)).toBe(130);
    expect(readFileSync(path.join(dir, 'rollback.marker'), 'utf8')).toBe('rolled back\n');
    await expectTreeGone(pids);

    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('cancelled');
    expect(eventsOf(events, 'step_cancelled', 'long')).toHaveLength(1);
    expect(eventsOf(events, 'rollback_step_succeeded').map((event) => event.stepId)).toEqual(['first']);
    expect(result.stderr).toMatch(/SIGINT: cancelling/);
    expect(result.stderr).toMatch(/⊘ Run cancelled/);
  });

  it('SIGTERM does the same with exit 143', async () => {
    const { ksa, dir, pids } = await startLongRun('sigterm');
    ksa.kill('SIGTERM');
    const result = await ksa.result;
    expect(result.code, describeResult(result)).toBe(143);
    expect(existsSync(path.join(dir, 'rollback.marker'))).toBe(true);
    await expectTreeGone(pids);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('cancelled');
    expect(eventsOf(events, 'run_finished')[0]!.error).toMatch(/SIGTERM/);
  });

  it('one SIGINT on a step that ignores SIGTERM: killed after the grace period, still rolled back, exit 130', async () => {
    const { ksa, dir, pids } = await startLongRun('stubborn', { stubborn: true });
    ksa.kill('SIGINT');
    const result = await ksa.result;
    expect(result.code, describeResult(result)).toBe(130);
    await expectTreeGone(pids);
    expect(existsSync(path.join(dir, 'rollback.marker'))).toBe(true);
    expect(expectWellFormedRun(parseNdjson(result.stdout))).toBe('cancelled');
  });

  it('two SIGINTs in quick succession stop at once: exit 130 promptly, tree killed, no rollback', async () => {
    const { ksa, dir, pids } = await startLongRun('double', { stubborn: true });
    ksa.kill('SIGINT');
    // Signals that arrive together may merge into one: the second is sent once the first was taken.
    await ksa.waitForOutput((_, stderr) => stderr.includes('SIGINT: cancelling'), 10_000);
    ksa.kill('SIGINT');
    // A single SIGINT would leave the stubborn step its 2 s kill grace: stopping at once kills it before saying so.
    await ksa.waitForOutput((_, stderr) => stderr.includes('stopped at once'), 10_000);
    expect(killSent(pids.shell) && killSent(pids.sleep), 'the stubborn step was not killed when ksa said it stopped at once').toBe(true);
    const result = await ksa.result;
    expect(result.code, describeResult(result)).toBe(130);
    await expectTreeGone(pids);
    expect(existsSync(path.join(dir, 'rollback.marker'))).toBe(false);
    expect(result.stderr).toMatch(/stopped at once; rollback did not run/);
    // Whatever was written is still valid NDJSON.
    expect(() => parseNdjson(result.stdout)).not.toThrow();
  });

  it('a second Ctrl-C during the rollback says which steps it left not rolled back, in stderr and in the run', async () => {
    const plan = await sandbox.writePlan('cut-short/plan.yaml', CUT_SHORT_PLAN);
    const dir = path.dirname(plan);
    const ksa = startKsa(['run', plan, '--yes', '--json'], { home: sandbox.home, cwd: dir, timeoutMs: 20_000 });
    leftovers.add(ksa.pid);
    await ksa.waitForOutput((stdout) => stdout.includes('"rollback_started"'), 10_000);
    await waitFor(() => existsSync(path.join(dir, 'undo-app.started')), 10_000);
    ksa.kill('SIGINT');
    await ksa.waitForOutput((_, stderr) => stderr.includes('SIGINT: cancelling'), 10_000);
    ksa.kill('SIGINT');
    const result = await ksa.result;
    expect(result.code, describeResult(result)).toBe(130);
    expect(result.stderr).toMatch(/stopped at once during the rollback; not rolled back: app, config\. Continue with: ksa resume/);
    expect(result.stderr).not.toMatch(/rollback did not run/);
    const finished = eventsOf(parseNdjson(result.stdout), 'run_finished')[0] as { status?: string; error?: string } | undefined;
    expect(finished).toMatchObject({ status: 'interrupted', error: 'stopped at once during the rollback; not rolled back: app, config' });
  });
});

/** `broken` fails after `config` and `app` succeeded; the rollback of `app` (the newest) takes long. */
const CUT_SHORT_PLAN = `goal: Rollback cut short
steps:
  - id: config
    tool: shell
    args: { command: "echo config" }
    rollback: { tool: shell, args: { command: "echo undone > undo-config.marker" } }
  - id: app
    tool: shell
    dependsOn: [config]
    args: { command: "echo app" }
    rollback: { tool: shell, args: { command: "touch undo-app.started; sleep 10" } }
  - id: broken
    tool: shell
    dependsOn: [app]
    args: { command: "exit 3" }
`;
