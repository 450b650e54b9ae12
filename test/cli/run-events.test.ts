import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectWellFormedRun, stepIdsOf } from '../helpers/run-events.js';

// `ksa run --yes --json` on a plan that succeeds: the NDJSON stream, inputs, skips and exit 0.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const GREETING_PLAN = `goal: Write a greeting
inputs:
  greeting: hello
steps:
  - id: greet
    name: Write the greeting
    tool: shell
    args: { command: "echo {{ inputs.greeting }} > greeting.txt && cat greeting.txt" }
  - id: is_french
    type: condition
    dependsOn: [greet]
    when: steps.greet.output.stdout == "bonjour"
  - id: french
    tool: write_file
    dependsOn: [is_french]
    when: steps.is_french.output.value
    args: { path: french.txt, content: "oui" }
  - id: pause
    tool: sleep
    args: { ms: 20 }
  - id: done
    tool: read_file
    dependsOn: [french, pause]
    args: { path: greeting.txt }
`;

async function runGreeting(name: string, extraArgs: string[] = []) {
  const plan = await sandbox.writePlan(`${name}/plan.yaml`, GREETING_PLAN);
  const dir = path.dirname(plan);
  const result = await runKsa(['run', plan, '--yes', '--json', ...extraArgs], { home: sandbox.home, cwd: dir });
  return { result, dir };
}

describe.concurrent('ksa run --yes --json, a plan that succeeds', () => {
  it('stdout is pure NDJSON with well-formed events; human output is on stderr; exit 0', async () => {
    const { result, dir } = await runGreeting('ndjson');
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('succeeded');

    // Every step ran (or was skipped) once and in dependency order.
    expect(stepIdsOf(events, 'step_succeeded').sort()).toEqual(['done', 'greet', 'is_french', 'pause']);
    expect(stepIdsOf(events, 'step_skipped')).toEqual(['french']);
    const order = (type: string, id: string) => events.findIndex((event) => event.type === type && event.stepId === id);
    expect(order('step_succeeded', 'greet')).toBeLessThan(order('step_started', 'is_french'));
    expect(order('step_skipped', 'french')).toBeLessThan(order('step_started', 'done'));
    for (const event of eventsOf(events, 'step_succeeded')) expect(event.attempt).toBe(1);

    // Outputs are in the events: the condition's value and the file the last step read.
    expect(eventsOf(events, 'step_succeeded', 'is_french')[0]!.output).toEqual({ value: false });
    expect(eventsOf(events, 'step_succeeded', 'done')[0]!.output).toMatchObject({ content: 'hello\n' });
    expect(eventsOf(events, 'run_started')[0]).toMatchObject({ goal: 'Write a greeting', stepCount: 5 });

    // Human output went to stderr, none of it to stdout.
    expect(result.stderr).toContain('Plan: Write a greeting');
    expect(result.stderr).toMatch(/✓ Run succeeded {2}Write a greeting/);
    expect(result.stdout).not.toContain('Plan:');
    expect(result.stdout).not.toContain('Run succeeded');

    // The real effect, and the run's logs under this test's KSA_HOME.
    expect(readFileSync(path.join(dir, 'greeting.txt'), 'utf8')).toBe('hello\n');
    expect(existsSync(path.join(dir, 'french.txt'))).toBe(false);
    expect(readdirSync(path.join(sandbox.home, 'runs'))).toContain(events[0]!.runId);
  });

  it('--input overrides the plan inputs (and a when that was false becomes true)', async () => {
    const { result, dir } = await runGreeting('input', ['--input', 'greeting=bonjour']);
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('succeeded');
    expect(readFileSync(path.join(dir, 'greeting.txt'), 'utf8')).toBe('bonjour\n');
    expect(eventsOf(events, 'step_succeeded', 'is_french')[0]!.output).toEqual({ value: true });
    expect(stepIdsOf(events, 'step_skipped')).toEqual([]);
    expect(readFileSync(path.join(dir, 'french.txt'), 'utf8')).toBe('oui');
    expect(result.stderr).toContain('inputs: greeting=bonjour');
  });

  it('without --json, step output lines and progress are plain text on stderr and stdout stays empty', async () => {
    const plan = await sandbox.writePlan('plain/plan.yaml', GREETING_PLAN);
    const result = await runKsa(['run', plan, '--yes'], { home: sandbox.home, cwd: path.dirname(plan) });
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/▶ greet started/);
    expect(result.stderr).toMatch(/greet \| hello/);
    expect(result.stderr).toMatch(/○ french skipped: /);
    expect(result.stderr).toMatch(/✓ Run succeeded/);
  });
});
