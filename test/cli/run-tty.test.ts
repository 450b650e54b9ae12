import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, eventually, type CliSandbox } from '../helpers/cli.js';
import { colourSequences, spawnKsaPty, type KsaPty } from '../helpers/pty.js';
import { isProcessAlive, waitFor } from '../helpers/tool-context.js';

// `ksa run` in a real pseudo-terminal: the y/N approval prompt, the live
// progress and summary, and NO_COLOR.

let sandbox: CliSandbox;
const terminals: KsaPty[] = [];
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-tty-');
});
afterAll(async () => {
  // Not in afterEach: the tests run concurrently, and each one's terminal must outlive the others' ends.
  for (const terminal of terminals) terminal.dispose();
  await sandbox.cleanup();
});

const MARKER_PLAN = `goal: Leave marker files
steps:
  - id: first
    tool: shell
    args: { command: "touch marker-first" }
  - id: second
    tool: shell
    dependsOn: [first]
    args: { command: "echo working; touch marker-second" }
    rollback: { tool: shell, args: { command: "rm -f marker-second" } }
`;

async function planIn(name: string): Promise<{ plan: string; dir: string }> {
  const plan = await sandbox.writePlan(`${name}/plan.yaml`, MARKER_PLAN);
  return { plan, dir: path.dirname(plan) };
}

function markers(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith('marker-'))
    .sort();
}

function open(args: string[], dir: string, env?: Record<string, string | undefined>): KsaPty {
  const terminal = spawnKsaPty(args, { cwd: dir, home: sandbox.home, env, timeoutMs: 20_000 });
  terminals.push(terminal);
  return terminal;
}

describe.concurrent('ksa run in a terminal', () => {
  it('shows the plan and a [y/N] prompt; answering n runs nothing, exit 2', async () => {
    const { plan, dir } = await planIn('answer-no');
    const terminal = open(['run', plan], dir);
    await terminal.waitForOutput('[y/N]');
    const screen = await terminal.screen();
    expect(screen).toContain('Plan: Leave marker files');
    expect(screen).toContain('shell: touch marker-first');
    expect(screen).toMatch(/Run these 2 steps\? \[y\/N\]/);
    terminal.write('n\r');
    const exit = await terminal.exited;
    expect(exit, terminal.raw()).toMatchObject({ exitCode: 2, timedOut: false });
    expect(await terminal.screen()).toContain('Not run: the plan was not approved.');
    expect(markers(dir)).toEqual([]);
  });

  it('a one-step plan is asked about as one step', async () => {
    const plan = await sandbox.writePlan('one-step/plan.yaml', 'goal: One marker\nsteps:\n  - id: only\n    tool: shell\n    args: { command: "touch marker-only" }\n');
    const terminal = open(['run', plan], path.dirname(plan));
    await terminal.waitForOutput('[y/N]');
    expect(await terminal.screen()).toMatch(/Run this step\? \[y\/N\]/);
    terminal.write('n\r');
    expect(await terminal.exited).toMatchObject({ exitCode: 2, timedOut: false });
  });

  it('TERM=dumb (a terminal that cannot move its cursor) gets one plain line per event, no live view', async () => {
    const { plan, dir } = await planIn('dumb');
    const terminal = open(['run', plan, '--yes', '--allow-destroy'], dir, { TERM: 'dumb' });
    expect(await terminal.exited).toMatchObject({ exitCode: 0, timedOut: false });
    const raw = terminal.raw();
    expect(raw).toMatch(/▶ first started/);
    expect(raw).toMatch(/✓ first succeeded in/);
    expect(raw).not.toMatch(/\u001b\[(?:\d*[AGK]|\?25l|\?2026h)/);
  });

  it('a plan file and folder named with escapes (a cloned repository chose them) are shown with them visible, not obeyed', async () => {
    const osc = '\u001b]52;c;cHduZWQ=\u0007';
    const plan = await sandbox.writePlan(`repo${osc}/deploy${osc}.yaml`, MARKER_PLAN);
    const dir = path.dirname(plan);
    const validate = open(['validate', path.basename(plan)], dir);
    expect(await validate.exited).toMatchObject({ exitCode: 0, timedOut: false });
    expect(validate.raw()).not.toContain(osc);
    expect(validate.raw()).toContain('deploy\\e]52;c;cHduZWQ=\\x07.yaml: valid plan');
    const run = open(['run', path.basename(plan), '--yes', '--allow-destroy'], dir);
    expect(await run.exited).toMatchObject({ exitCode: 0, timedOut: false });
    expect(run.raw()).not.toContain(osc);
    expect(run.raw()).toContain('repo\\e]52;c;cHduZWQ=\\x07');
  });

  it('answering y runs the plan with live progress and a summary, exit 0', async () => {
    const { plan, dir } = await planIn('answer-yes');
    const terminal = open(['run', plan], dir);
    await terminal.waitForOutput('[y/N]');
    terminal.write('y\r');
    const exit = await terminal.exited;
    expect(exit, terminal.raw()).toMatchObject({ exitCode: 0, timedOut: false });
    const screen = await terminal.screen();
    // The live view's finished lines and progress bar, then the summary.
    expect(screen).toMatch(/✓ first succeeded/);
    expect(screen).toMatch(/2\/2 done/);
    expect(screen).toMatch(/✓ Run succeeded {2}Leave marker files/);
    expect(screen).toMatch(/2 succeeded · total .* · run \d{8}-\d{6}-[0-9a-f]{4}/);
    expect(markers(dir)).toEqual(['marker-first', 'marker-second']);
  });

  it('an empty answer (just Enter) is a no', async () => {
    const { plan, dir } = await planIn('answer-enter');
    const terminal = open(['run', plan], dir);
    await terminal.waitForOutput('[y/N]');
    terminal.write('\r');
    expect(await terminal.exited).toMatchObject({ exitCode: 2 });
    expect(markers(dir)).toEqual([]);
  });

  it('NO_COLOR=1: no colour escape codes anywhere in the raw output', async () => {
    const { plan, dir } = await planIn('no-color');
    const terminal = open(['run', plan], dir, { NO_COLOR: '1' });
    await terminal.waitForOutput('[y/N]');
    terminal.write('y\r');
    expect(await terminal.exited).toMatchObject({ exitCode: 0 });
    expect(terminal.raw()).toContain('Run succeeded');
    expect(colourSequences(terminal.raw())).toEqual([]);
  });

  it('without NO_COLOR the same run is coloured (so the check above means something)', async () => {
    const { plan, dir } = await planIn('color');
    const terminal = open(['run', plan], dir, { NO_COLOR: undefined });
    await terminal.waitForOutput('[y/N]');
    terminal.write('y\r');
    expect(await terminal.exited).toMatchObject({ exitCode: 0 });
    expect(colourSequences(terminal.raw()).length).toBeGreaterThan(0);
  });

  it('Ctrl-C at the prompt: exit 130 and nothing ran', async () => {
    const { plan, dir } = await planIn('ctrl-c-prompt');
    const terminal = open(['run', plan], dir);
    await terminal.waitForOutput('[y/N]');
    terminal.write('\x03');
    expect(await terminal.exited, terminal.raw()).toMatchObject({ exitCode: 130 });
    expect(markers(dir)).toEqual([]);
  });

  it('Ctrl-C during the run: the live view cancels, rolls back and exits 130', async () => {
    const plan = await sandbox.writePlan(
      'ctrl-c-run/plan.yaml',
      `goal: Wait for Ctrl-C
steps:
  - id: first
    tool: shell
    args: { command: "touch marker-first" }
    rollback: { tool: shell, args: { command: "rm marker-first; touch marker-rolled-back" } }
  - id: wait
    tool: shell
    dependsOn: [first]
    args: { command: "echo $$ > wait.pid; exec sleep 30" }
`,
    );
    const dir = path.dirname(plan);
    const terminal = open(['run', plan], dir);
    await terminal.waitForOutput('[y/N]');
    terminal.write('y\r');
    const pidFile = path.join(dir, 'wait.pid');
    const pid = await eventually(() => (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '' ? Number(readFileSync(pidFile, 'utf8')) : undefined), 10_000);
    // The terminal turns Ctrl-C into SIGINT for ksa's process group; the step's own group is ksa's to stop.
    terminal.write('\x03');
    const exit = await terminal.exited;
    expect(exit, terminal.raw()).toMatchObject({ exitCode: 130, timedOut: false });
    expect(await waitFor(() => !isProcessAlive(pid), 3000), `sleep ${pid} still alive`).toBe(true);
    expect(markers(dir)).toEqual(['marker-rolled-back']);
    const screen = await terminal.screen();
    expect(screen).toMatch(/⊘ Run cancelled \(rolled back 1 step\)/);
    // The last progress line agrees with the summary: nothing the run did stands.
    expect(screen).toMatch(/ 0\/2 done · 1 cancelled · 1 rolled back · /);
  });
});
