import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, eventually, parseNdjson, runKsa, startKsa, type CliResult } from '../helpers/cli.js';
import { waitForStoredStatus } from '../helpers/durable.js';
import { fleetScenarios, waitForJobState, type FleetScenario } from '../helpers/fleet.js';
import { keysHolding } from '../helpers/redis-keys.js';
import { sshKeys } from '../helpers/ssh-keys.js';
import { walk } from '../helpers/store-fixtures.js';

// A private key typed into a plan, printed on a worker by a later step without its header (`sed -n 2,4p id_rsa`):
// the worker knows its lines by the digests its job carries, and hides them before they leave for Redis (the job's
// output batches and result, the queue's events), in the first run as after ksa resume and in ksa cancel's rollbacks.

const fleet = fleetScenarios('ksa-fleet-plan-key-lines-');
const KEY = sshKeys().pem;

/** `show` prints body lines 1-3 (its rollback 4-6) in the first run; `again` prints 7-9 once `gate` found `go`. */
const PLAN = `goal: Install a key and print parts of it on a worker
steps:
  - id: key
    tool: write_file
    args: { path: id_rsa, content: ${JSON.stringify(KEY.text)} }
  - id: show
    tool: shell
    runsOn: [vault]
    dependsOn: [key]
    args: { command: "sed -n 2,4p id_rsa" }
    rollback: { tool: shell, args: { command: "sed -n 5,7p id_rsa" } }
  - id: gate
    tool: shell
    runsOn: [vault]
    dependsOn: [show]
    args: { command: "echo $$ > gate.pid; while [ ! -f go ]; do sleep 0.1; done" }
  - id: again
    tool: shell
    runsOn: [vault]
    dependsOn: [gate]
    args: { command: "sed -n 8,10p id_rsa; echo printed" }
`;

/** Runs the plan until `gate` runs on the worker, then kills its coordinator (-9): the run is left to be taken over. */
async function killedAtGate(name: string): Promise<FleetScenario & { runId: string }> {
  const scenario = await fleet.setup(name, ['vault-1'], { labels: ['vault'] });
  const { redis, dir, home } = scenario;
  const planFile = await fleet.sandbox.writePlan(`${name}/plan.yaml`, PLAN);
  const run = startKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 60_000 });
  // Its shell outlives a worker killed with the file: killed after it.
  fleet.orphans.add(await eventually(() => Number(readFileSync(path.join(dir, 'gate.pid'), 'utf8').trim()) || undefined, 30_000));
  const runId = (parseNdjson(run.stdout())[0] as { runId: string }).runId;
  const shown = eventsOf(parseNdjson(run.stdout()), 'step_output', 'show').map((event) => event.line);
  expect(shown, run.stdout()).toEqual(['***', '***', '***']);
  await waitForStoredStatus(runId, 'gate', 'running', { home, cwd: dir });
  run.kill('SIGKILL');
  await run.result;
  return { ...scenario, runId };
}

/** Every key of the Redis and every file of KSA_HOME holding one of the key's body lines, and the commands' own output. */
async function whereBodyLines(scenario: FleetScenario, printed: readonly CliResult[]): Promise<{ redis: string[]; files: string[]; output: boolean }> {
  const client = new Redis(scenario.redis.url);
  try {
    const redis = await keysHolding(client, KEY.body.slice(0, 9));
    const files = (await walk(scenario.home)).filter((entry) => !entry.dir && KEY.body.some((line) => readFileSync(path.join(scenario.home, entry.rel), 'utf8').includes(line)));
    const output = printed.some((result) => KEY.body.some((line) => result.stdout.includes(line) || result.stderr.includes(line)));
    return { redis, files: files.map((entry) => entry.rel), output };
  } finally {
    client.disconnect();
  }
}

describe.concurrent('workers: the lines of a key typed into the plan, printed by a step on a worker', () => {
  it('reach Redis as *** in the first run and after ksa resume, as the run shows and keeps them', async () => {
    const scenario = await killedAtGate('resume');
    const { redis, dir, home, runId } = scenario;
    writeFileSync(path.join(dir, 'go'), '');
    await waitForJobState(redis.url, 'steps-vault', `${runId}.gate.1`, 'completed');
    const resumed = await runKsa(['resume', runId, '--yes', '--json', '--redis', redis.url], { home, cwd: dir, timeoutMs: 45_000 });
    expect(resumed.code, describeResult(resumed)).toBe(0);
    expect(eventsOf(parseNdjson(resumed.stdout), 'step_output', 'again').map((event) => event.line)).toEqual(['***', '***', '***', 'printed']);
    expect(await whereBodyLines(scenario, [resumed])).toEqual({ redis: [], files: [], output: false });
  }, 120_000);

  it('reach Redis as *** from a rollback ksa cancel runs there', async () => {
    const scenario = await killedAtGate('cancel');
    const { redis, dir, home, runId } = scenario;
    const cancelled = await runKsa(['cancel', runId, '--yes', '--redis', redis.url], { home, cwd: dir, timeoutMs: 45_000 });
    expect(cancelled.code, describeResult(cancelled)).toBe(0);
    await waitForJobState(redis.url, 'worker-vault-1', `${runId}.show.rollback.vault-1`, 'completed');
    expect(await whereBodyLines(scenario, [cancelled])).toEqual({ redis: [], files: [], output: false });
  }, 120_000);

  it('reach Redis as *** in a run given the key as an input, secret or not', async () => {
    const scenario = await fleet.setup('input', ['vault-1'], { labels: ['vault'] });
    const { redis, dir, home } = scenario;
    const planFile = await fleet.sandbox.writePlan('input/plan.yaml', `goal: Install a key given as an input
inputs: { sshKey: changeme, deployKey: changeme }
steps:
  - { id: key, tool: write_file, args: { path: id_rsa, content: "{{ inputs.sshKey }}" } }
  - { id: other, tool: write_file, args: { path: deploy_key, content: "{{ inputs.deployKey }}" } }
  - { id: show, tool: shell, runsOn: [vault], dependsOn: [key, other], args: { command: "sed -n 2,4p id_rsa; sed -n 5,7p deploy_key" } }
`);
    const given = ['--input', `sshKey=${KEY.text}`, '--input', `deployKey=${KEY.text}`];
    const run = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url, ...given], { home, cwd: dir, timeoutMs: 45_000 });
    expect(run.code, describeResult(run)).toBe(0);
    expect(eventsOf(parseNdjson(run.stdout), 'step_output', 'show').map((event) => event.line)).toEqual(['***', '***', '***', '***', '***', '***']);
    expect(await whereBodyLines(scenario, [run])).toEqual({ redis: [], files: [], output: false });
  }, 120_000);
});
