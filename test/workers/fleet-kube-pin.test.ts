import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, parseNdjson, runKsa, type CliSandbox, type KsaProcess } from '../helpers/cli.js';
import { createFakeKube, type FakeKube } from '../helpers/fake-kube.js';
import { startWorker, stopAll } from '../helpers/fleet.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

// The kube context a run was approved for holds on the workers too: a worker whose
// kubeconfig points at another cluster refuses the cluster step before kubectl runs.
// Each machine has its own recording stand-in for kubectl (no cluster runs here).

let sandbox: CliSandbox;
let redis: TestRedis;
let here: FakeKube;
let prodWorker: FakeKube;
let devWorker: FakeKube;
const workers: KsaProcess[] = [];
let workDir: string;

const onPath = (kube: FakeKube) => ({ PATH: `${kube.bin}${path.delimiter}${process.env.PATH}` });

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-fleet-kube-pin-');
  redis = await startRedis();
  workDir = path.join(sandbox.dir, 'ws');
  mkdirSync(workDir);
  here = await createFakeKube(path.join(sandbox.dir, 'here'), { context: 'kind-dev' });
  prodWorker = await createFakeKube(path.join(sandbox.dir, 'prod'), { context: 'prod-eu' });
  devWorker = await createFakeKube(path.join(sandbox.dir, 'dev'), { context: 'kind-dev' });
  workers.push(await startWorker(redis.url, 'ops-prod', { labels: ['prod-box'], cwd: workDir, home: sandbox.home, env: onPath(prodWorker) }));
  workers.push(await startWorker(redis.url, 'ops-dev', { labels: ['dev-box'], cwd: workDir, home: sandbox.home, env: onPath(devWorker) }));
}, 60_000);
afterAll(async () => {
  await stopAll(workers);
  await redis?.cleanup();
  await sandbox?.cleanup();
});

const plan = (box: string, command: string) => `goal: List the pods
steps:
  - id: pods
    tool: kubectl
    runsOn: [${box}]
    args: { args: [get, pods] }
  - id: line
    tool: shell
    runsOn: [${box}]
    args: { command: "${command}" }
`;

describe('ksa run --redis: the kube context pin on a worker', () => {
  it('a worker whose current context is another cluster refuses the step, naming itself; kubectl never runs there', async () => {
    // The pods step alone: a second step queued behind it on the same worker would never start once the run has failed.
    const planFile = await sandbox.writePlan('pin/prod.yaml', plan('prod-box', 'kubectl get nodes').replace(/  - id: line[\s\S]*$/, ''));
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: workDir, env: onPath(here), timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    const errors = eventsOf(events, 'step_failed', 'pods').map((event) => (event as { error?: string }).error);
    expect(errors).toContain(
      'on worker ops-prod: step pods (kubectl) would touch kube context "prod-eu", but the plan was approved for "kind-dev"; nothing was run. Switch back with kubectl config use-context kind-dev, or plan again for the other cluster.',
    );
    // Only the pin's own question was asked on the worker: kubectl get never ran there.
    expect((await prodWorker.calls()).filter((call) => !call.includes('current-context'))).toEqual([]);
  });

  it('a shell step on a worker that names another context is refused there too', async () => {
    const planFile = await sandbox.writePlan('pin/shell.yaml', plan('dev-box', 'kubectl --context prod-eu delete pod web').replace(/  - id: pods[\s\S]*?args: \{ args: \[get, pods\] \}\n/, ''));
    const result = await runKsa(['run', planFile, '--yes', '--allow-destroy', '--json', '--redis', redis.url], { home: sandbox.home, cwd: workDir, env: onPath(here), timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(1);
    const [failed] = eventsOf(parseNdjson(result.stdout), 'step_failed', 'line') as { error?: string }[];
    expect(failed?.error).toMatch(/^on worker ops-dev: step line \(shell\) names kube context "prod-eu", but the plan was approved for "kind-dev"; nothing was run\./);
    expect((await devWorker.calls()).filter((call) => call.includes('delete'))).toEqual([]);
  });

  it('a worker on the approved context runs the step', async () => {
    const planFile = await sandbox.writePlan('pin/dev.yaml', plan('dev-box', 'kubectl get nodes'));
    const result = await runKsa(['run', planFile, '--yes', '--json', '--redis', redis.url], { home: sandbox.home, cwd: workDir, env: onPath(here), timeoutMs: 30_000 });
    expect(result.code, describeResult(result)).toBe(0);
    expect((await devWorker.calls()).some((call) => call.includes('pods'))).toBe(true);
  });
});
