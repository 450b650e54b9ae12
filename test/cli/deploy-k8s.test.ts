import { cp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, parseNdjson, REPO_ROOT, runKsa, type CliSandbox } from '../helpers/cli.js';
import { createFakeKube, type FakeKube } from '../helpers/fake-kube.js';
import { expectWellFormedRun, stepIdsOf } from '../helpers/run-events.js';

// No cluster can run on these machines: examples/deploy-k8s runs against recording
// stand-ins for kubectl, helm, docker and kind put first on PATH. What is checked is
// ksa's side: the argv of every call, the context each step names and shows, the
// rollback to the recorded revision, and the refusal of a step aimed at another cluster.

let sandbox: CliSandbox;
let kube: FakeKube;
let workdir: string;

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-k8s-');
  const skip = (source: string) => !['.deploy', 'node_modules'].includes(path.basename(source));
  await cp(path.join(REPO_ROOT, 'examples/deploy-k8s'), path.join(sandbox.dir, 'deploy-k8s'), { recursive: true, filter: skip });
  await cp(path.join(REPO_ROOT, 'examples/deploy-local'), path.join(sandbox.dir, 'deploy-local'), { recursive: true, filter: skip });
  workdir = path.join(sandbox.dir, 'deploy-k8s');
  kube = await createFakeKube(path.join(sandbox.dir, 'fake'), {}, ['docker', 'kind']);
});
afterAll(() => sandbox?.cleanup());

function ksa(args: string[]) {
  return runKsa(args, { home: sandbox.home, cwd: workdir, env: { PATH: `${kube.bin}${path.delimiter}${process.env.PATH}` }, timeoutMs: 60_000 });
}

const clusterCalls = async () => (await kube.calls()).filter(([program, ...args]) => (program === 'kubectl' || program === 'helm') && args[0] !== 'config');

/**
 * Runs a plan whose kubectl steps name no context while prod-eu becomes current between them (as another
 * terminal's use-context would): the second is refused. Returns the run, its refused step's event and the
 * stand-in's calls, of which only the first step's went to the cluster.
 */
async function runWhileProdBecomesCurrent(name: string) {
  const before = (await kube.calls()).length;
  const plan = path.join(sandbox.dir, name);
  await writeFile(
    plan,
    [
      'goal: Delete a pod, while someone makes prod current',
      'steps:',
      '  - { id: before, tool: kubectl, args: { args: [get, pods] } }',
      `  - { id: switch, dependsOn: [before], tool: shell, args: { command: "echo '{\\"context\\":\\"prod-eu\\"}' > ${kube.stateFile}" } }`,
      '  - { id: after, dependsOn: [switch], tool: kubectl, args: { args: [delete, pod, web-0] } }',
      '',
    ].join('\n'),
  );
  const result = await runKsa(['run', plan, '--yes', '--allow-destroy', '--json'], { home: sandbox.home, cwd: sandbox.dir, env: { PATH: `${kube.bin}${path.delimiter}${process.env.PATH}` } });
  expect(result.code, describeResult(result)).toBe(1);
  const failed = eventsOf(parseNdjson(result.stdout), 'step_failed', 'after')[0]!;
  expect(failed, result.stderr).toBeDefined();
  const calls = (await kube.calls()).slice(before);
  expect(calls.filter((call) => call[1] !== 'config')).toEqual([['kubectl', 'get', 'pods']]);
  return { result, failed, calls };
}

describe('examples/deploy-k8s against a stand-in kubectl', () => {
  it('deploys: every step shows and names its cluster; build, load, diff, dry-run, apply, set image, rollout, port-forward', async () => {
    await kube.setState({ context: 'kind-ksa', revisions: { 'deployment/shop-web': 2 } });
    const before = (await kube.calls()).length;
    const result = await ksa(['run', 'plan.yaml', '--yes', '--json']);
    expect(result.code, describeResult(result)).toBe(0);
    const events = parseNdjson(result.stdout);
    expect(expectWellFormedRun(events)).toBe('succeeded');
    expect(stepIdsOf(events, 'step_skipped').sort()).toEqual(['load_minikube', 'push']);

    // The approval view: each cluster step with its context and namespace, and the context the run holds to.
    expect(result.stderr.match(/^ +cluster kind-ksa · namespace default$/gm)).toHaveLength(6);
    expect(result.stderr).toContain('kube context: kind-ksa (a cluster step that would touch another context is refused)');

    const calls = (await kube.calls()).slice(before);
    const tag = String(eventsOf(events, 'step_succeeded', 'tag')[0]!.output!.stdout);
    expect(tag).toMatch(/^v1\.4\.2-\d{8}-\d{6}$/);
    expect(calls).toContainEqual(['docker', 'build', '-t', `shop:${tag}`, '-f', 'Containerfile', '../deploy-local/app']);
    expect(calls).toContainEqual(['kind', 'load', 'docker-image', `shop:${tag}`, '--name', 'ksa']);
    const cluster = calls.filter(([program, ...args]) => program === 'kubectl' && args[0] !== 'config');
    // The subcommand first, the cluster last: `kubectl apply -f k8s/ -o json --context kind-ksa -n default`.
    for (const call of cluster) expect(call.slice(-4), call.join(' ')).toEqual(['--context', 'kind-ksa', '-n', 'default']);
    expect(cluster.map((call) => call.slice(1, 3).join(' ')).sort()).toEqual(
      ['apply -f', 'apply -f', 'diff -f', 'get deployment/shop-web', 'port-forward svc/shop-web', 'rollout status', 'set image'].sort(),
    );
    expect(eventsOf(events, 'step_succeeded', 'apply')[0]!.output).toMatchObject({ previousRevision: 2 });
    expect(eventsOf(events, 'step_succeeded', 'health')[0]!.output).toMatchObject({ status: 200, body: { path: '/healthz', remote: 80 } });
  });

  it('a failed health check rolls the deployment back to the revision recorded by the apply', async () => {
    await kube.setState({ context: 'kind-ksa', revisions: { 'deployment/shop-web': 7 }, healthStatus: 503 });
    const before = (await kube.calls()).length;
    const result = await ksa(['run', 'plan.yaml', '--yes', '--json', '--input', 'load=registry', '--input', 'image=registry.example.com/shop']);
    expect(result.code, describeResult(result)).toBe(1);
    const events = parseNdjson(result.stdout);
    expect(eventsOf(events, 'step_failed').map((event) => event.stepId)).toEqual(['health']);
    expect(stepIdsOf(events, 'rollback_step_succeeded')).toEqual(['apply']);
    const calls = (await kube.calls()).slice(before);
    expect(calls.some(([program, verb, image]) => program === 'docker' && verb === 'push' && String(image).startsWith('registry.example.com/shop:v'))).toBe(true);
    expect(calls.at(-1)).toEqual(['kubectl', 'rollout', 'undo', 'deployment/shop-web', '--to-revision=7', '--context', 'kind-ksa', '-n', 'default']);
  });

  it('a first deploy that fails removes the new deployment (no revision to go back to)', async () => {
    await kube.setState({ context: 'kind-ksa', rolloutFails: 'deployment "shop-web" exceeded its progress deadline' });
    const result = await ksa(['run', 'plan.yaml', '--yes', '--json']);
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr).toContain('exceeded its progress deadline');
    expect((await clusterCalls()).at(-1)).toEqual(['kubectl', 'delete', 'deployment/shop-web', '--ignore-not-found', '--context', 'kind-ksa', '-n', 'default']);
  });
});

describe('the context a plan was approved with', () => {
  it('a step that would touch another context (switched while the run goes on) is refused, and nothing of it runs', async () => {
    await kube.setState({ context: 'kind-dev' });
    const { result, failed, calls } = await runWhileProdBecomesCurrent('switch.yaml');
    expect(result.stderr).toMatch(/^ +cluster kind-dev \(current\) · namespace default \(the context's\)$/m);
    expect(failed.error).toBe(
      'step after (kubectl) would touch kube context "prod-eu", but the plan was approved for "kind-dev"; nothing was run. Switch back with kubectl config use-context kind-dev, or plan again for the other cluster.',
    );
    // kubectl ran for the first step and to read the current context, never for the refused one.
    expect(calls.filter((call) => call[1] === 'config').length).toBeGreaterThanOrEqual(2);
  });

  it("the plan card shows the namespace of the context a step names, not the current context's", async () => {
    await kube.setState({ context: 'kind-dev', namespace: 'shop', contexts: { 'prod-eu': 'billing', bare: '' } });
    const plan = path.join(sandbox.dir, 'named-context.yaml');
    await writeFile(
      plan,
      [
        'goal: Clean up in other clusters',
        'inputs: { target: prod-eu }',
        'steps:',
        '  - { id: del, tool: kubectl, args: { args: [delete, pod, web-0], context: "{{ inputs.target }}" } }',
        '  - { id: bare, tool: k8s_rollout_status, args: { resource: deployment/web, context: bare } }',
        '  - { id: ghost, tool: kubectl, args: { args: [get, pods], context: ghost } }',
        '  - { id: here, tool: kubectl, args: { args: [get, pods] } }',
        '',
      ].join('\n'),
    );
    const result = await runKsa(['run', plan, '--dry-run'], { home: sandbox.home, cwd: sandbox.dir, env: { PATH: `${kube.bin}${path.delimiter}${process.env.PATH}` } });
    expect(result.code, describeResult(result)).toBe(0);
    const card = result.stdout + result.stderr;
    expect(card).toMatch(/^ +cluster prod-eu · namespace billing \(the context's\)$/m);
    expect(card).toMatch(/^ +cluster bare · namespace default \(the context's\)$/m);
    expect(card).toMatch(/^ +cluster ghost · the namespace of context ghost$/m);
    expect(card).toMatch(/^ +cluster kind-dev \(current\) · namespace shop \(the context's\)$/m);
    expect(card).not.toMatch(/cluster (prod-eu|bare|ghost) · namespace shop/);
  });

  it('a shell step that runs kubectl or helm shows the cluster and namespace of each command on the card, as cluster tools do', async () => {
    await kube.setState({ context: 'kind-dev', namespace: 'shop', contexts: { 'prod-eu': 'billing' } });
    const plan = path.join(sandbox.dir, 'shell-kube.yaml');
    await writeFile(
      plan,
      [
        'goal: Look at the clusters from shell lines',
        'inputs: { target: prod-eu }',
        'steps:',
        '  - { id: here, tool: shell, args: { command: "kubectl get pods | grep Running" } }',
        '  - { id: chart, tool: shell, args: { command: "helm list --kube-context {{ inputs.target }}" } }',
        '  - { id: web, tool: shell, args: { command: "sudo kubectl --context prod-eu -n web get svc" } }',
        '  - { id: plain, tool: shell, args: { command: "echo kubectl" } }',
        '',
      ].join('\n'),
    );
    const result = await runKsa(['run', plan, '--dry-run'], { home: sandbox.home, cwd: sandbox.dir, env: { PATH: `${kube.bin}${path.delimiter}${process.env.PATH}` } });
    expect(result.code, describeResult(result)).toBe(0);
    const card = result.stdout + result.stderr;
    expect(card).toMatch(/^ +shell: kubectl get pods \| grep Running\n +cluster kind-dev \(current\) · namespace shop \(the context's\)$/m);
    expect(card).toMatch(/^ +shell: helm list --kube-context \{\{ inputs.target \}\}\n +cluster prod-eu · namespace billing \(the context's\)$/m);
    expect(card).toMatch(/^ +shell: sudo kubectl --context prod-eu -n web get svc\n +cluster prod-eu · namespace web$/m);
    expect(card.match(/^ +cluster /gm)).toHaveLength(3);
  });

  it('a plan for another context with a cluster step that names none is refused before anything runs, naming the step', async () => {
    await kube.setState({ context: 'kind-dev', namespace: 'shop', contexts: { 'prod-eu': 'billing' } });
    const before = (await kube.calls()).length;
    const plan = path.join(sandbox.dir, 'unnamed.yaml');
    await writeFile(
      plan,
      ['goal: Look at prod', 'inputs: { kubeContext: prod-eu }', 'steps:', '  - { id: named, tool: kubectl, args: { args: [get, pods], context: "{{ inputs.kubeContext }}" } }', '  - { id: bare, tool: kubectl, args: { args: [get, pods] }, dependsOn: [named] }', ''].join('\n'),
    );
    const result = await runKsa(['run', plan, '--yes'], { home: sandbox.home, cwd: sandbox.dir, env: { PATH: `${kube.bin}${path.delimiter}${process.env.PATH}` } });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain(`ksa: ${plan}: step bare names no kube context, so kubectl would use the current one, kind-dev, but the plan is for "prod-eu" (its kubeContext input): give it context: "{{ inputs.kubeContext }}", or switch with kubectl config use-context prod-eu; nothing was run`);
    expect((await kube.calls()).slice(before).filter((call) => call[1] !== 'config')).toEqual([]);
  });

  it('with no context current at approval, a step that names none is refused once one becomes current', async () => {
    await kube.setState({});
    const { result, failed } = await runWhileProdBecomesCurrent('none-current.yaml');
    expect(result.stderr).toContain('kube context: none is current (a cluster step that names none is refused if one becomes current)');
    expect(failed.error).toMatch(/^step after \(kubectl\) would touch kube context "prod-eu", but the plan was approved while no kube context was current; nothing was run\./);
  });

  it('a step whose args point kubectl at another kubeconfig is refused like a context switch, and nothing of it runs', async () => {
    await kube.setState({ context: 'kind-dev' });
    const before = (await kube.calls()).length;
    const plan = path.join(sandbox.dir, 'kubeconfig.yaml');
    await writeFile(plan, ['goal: Delete a pod elsewhere', 'steps:', '  - { id: elsewhere, tool: kubectl, args: { args: [--kubeconfig, /other/config, delete, pod, web-0] } }', ''].join('\n'));
    const result = await runKsa(['run', plan, '--yes', '--allow-destroy', '--json'], { home: sandbox.home, cwd: sandbox.dir, env: { PATH: `${kube.bin}${path.delimiter}${process.env.PATH}` } });
    expect(result.code, describeResult(result)).toBe(1);
    const failed = eventsOf(parseNdjson(result.stdout), 'step_failed', 'elsewhere')[0]!;
    expect(failed, result.stderr).toBeDefined();
    expect(failed.error).toBe(
      'step elsewhere (kubectl) passes --kubeconfig, which points it past kube context "kind-dev" the plan was approved for; nothing was run. Remove --kubeconfig and name the cluster with the step\'s context argument.',
    );
    const calls = (await kube.calls()).slice(before);
    expect(calls.filter((call) => call[1] !== 'config')).toEqual([]);
  });

  it('a shell step whose line runs kubectl against another context is refused like a kubectl step, and nothing of it runs', async () => {
    await kube.setState({ context: 'kind-dev' });
    const before = (await kube.calls()).length;
    const plan = path.join(sandbox.dir, 'shell-kubectl.yaml');
    await writeFile(plan, ['goal: Delete a pod through a shell line', 'steps:', '  - { id: clean, tool: shell, args: { command: "echo cleaning && kubectl --context prod-eu delete pod web-0" } }', ''].join('\n'));
    const result = await runKsa(['run', plan, '--yes', '--allow-destroy', '--json'], { home: sandbox.home, cwd: sandbox.dir, env: { PATH: `${kube.bin}${path.delimiter}${process.env.PATH}` } });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr).toContain('kube context: kind-dev (a cluster step that would touch another context is refused)');
    const failed = eventsOf(parseNdjson(result.stdout), 'step_failed', 'clean')[0]!;
    expect(failed, result.stderr).toBeDefined();
    expect(failed.error).toBe(
      'step clean (shell) names kube context "prod-eu", but the plan was approved for "kind-dev"; nothing was run. Set the context its kubectl command names to "kind-dev", or plan again for "prod-eu".',
    );
    const calls = (await kube.calls()).slice(before);
    expect(calls.filter((call) => call[1] !== 'config')).toEqual([]);
  });

  it('a number or true/false filled into an argv by a whole-string template is passed as its text', async () => {
    await kube.setState({ context: 'kind-dev', revisions: { 'deployment/shop-web': 1 } });
    const before = (await kube.calls()).length;
    const plan = path.join(sandbox.dir, 'scale.yaml');
    await writeFile(
      plan,
      ['goal: Scale the shop', 'inputs: { replicas: 3, wait: true }', 'steps:', '  - { id: scale, tool: kubectl, args: { args: [scale, deployment/shop-web, --replicas, "{{ inputs.replicas }}", "--wait={{ inputs.wait }}", "{{ inputs.wait }}"] } }', ''].join('\n'),
    );
    const result = await runKsa(['run', plan, '--yes', '--input', 'replicas=5', '--json'], { home: sandbox.home, cwd: sandbox.dir, env: { PATH: `${kube.bin}${path.delimiter}${process.env.PATH}` } });
    expect(result.code, describeResult(result)).toBe(0);
    const calls = (await kube.calls()).slice(before).filter((call) => call[1] !== 'config');
    expect(calls).toEqual([['kubectl', 'scale', 'deployment/shop-web', '--replicas', '5', '--wait=true', 'true']]);
  });
});
