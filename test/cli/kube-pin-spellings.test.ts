import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, eventsOf, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { createFakeKube, type FakeKube } from '../helpers/fake-kube.js';

// The kube context pin against the ways kubectl itself reads a command line: every step here
// would reach another cluster with a real kubectl, so each is refused and the stand-in never
// runs it. The stand-in records every call.

let sandbox: CliSandbox;
let kube: FakeKube;

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-kube-pin-');
  kube = await createFakeKube(path.join(sandbox.dir, 'fake'), { context: 'kind-ksa' }, ['kubectx']);
});
afterAll(() => sandbox?.cleanup());

/** Runs a one-step plan; returns the run's result, the step's error and what reached the cluster. */
async function runStep(name: string, step: string) {
  const before = (await kube.calls()).length;
  const plan = path.join(sandbox.dir, `${name}.yaml`);
  await writeFile(plan, ['goal: Reach another cluster', 'steps:', `  - ${step}`, ''].join('\n'));
  const result = await runKsa(['run', plan, '--yes', '--allow-destroy', '--json'], { home: sandbox.home, cwd: sandbox.dir, env: { PATH: `${kube.bin}${path.delimiter}${process.env.PATH}` } });
  const failed = eventsOf(parseNdjson(result.stdout), 'step_failed')[0];
  // ksa itself asks kubectl config for the current context and its namespace.
  const reached = (await kube.calls()).slice(before).filter((call) => call[1] !== 'config');
  return { result, error: failed?.error, reached };
}

describe('kubectl flags that point a step at another server or kubeconfig', () => {
  it.each([
    ['server-equals', '{ id: s, tool: kubectl, args: { args: [get, pods, "-s=https://evil:6443"] } }', 'kubectl', '-s'],
    ['server-attached', '{ id: s, tool: kubectl, args: { args: [get, pods, "-shttps://evil:6443"] } }', 'kubectl', '-s'],
    ['configmap-config', '{ id: s, tool: kubectl, args: { args: [delete, configmap, config, --kubeconfig, /tmp/other.yaml] } }', 'kubectl', '--kubeconfig'],
    ['shell-server-equals', '{ id: s, tool: shell, args: { command: "kubectl get pods -s=https://evil:6443" } }', 'shell', '-s'],
    ['shell-configmap-config', '{ id: s, tool: shell, args: { command: "kubectl get cm config --kubeconfig /tmp/other" } }', 'shell', '--kubeconfig'],
  ])('%s is refused before kubectl runs', async (name, step, tool, flag) => {
    const { result, error, reached } = await runStep(name, step);
    expect(result.code, describeResult(result)).toBe(1);
    expect(error).toMatch(new RegExp(`^step s \\(${tool}\\) passes ${flag}, which points it past kube context "kind-ksa" the plan was approved for; nothing was run\\.`));
    expect(reached).toEqual([]);
  });
});

describe('a shell line that switches the current context before its other commands', () => {
  it.each([
    ['set-current-context', 'kubectl config set current-context prod-eu && kubectl delete deploy/web', 'kubectl'],
    ['kubectx', 'kubectx prod-eu && kubectl delete deploy/web', 'kubectx'],
  ])('%s is refused like use-context, and nothing of the line runs', async (name, command, program) => {
    const { result, error, reached } = await runStep(name, `{ id: s, tool: shell, args: { command: "${command}" } }`);
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr).toContain('kube context: kind-ksa (a cluster step that would touch another context is refused)');
    expect(error).toBe(`step s (shell) names kube context "prod-eu", but the plan was approved for "kind-ksa"; nothing was run. Set the context its ${program} command names to "kind-ksa", or plan again for "prod-eu".`);
    expect(reached).toEqual([]);
    expect((await kube.calls()).some((call) => call.includes('current-context') && call.includes('prod-eu'))).toBe(false);
  });
});

describe('a context known only at run time', () => {
  it('is named as the line writes it, quoted once', async () => {
    const { result, error, reached } = await runStep('use-context-variable', '{ id: s, tool: shell, args: { command: "kubectl config use-context \\"$CTX\\" && kubectl delete deploy/web" } }');
    expect(result.code, describeResult(result)).toBe(1);
    expect(error).toBe('step s (shell) names kube context "$CTX", but the plan was approved for "kind-ksa"; nothing was run. Set the context its kubectl command names to "kind-ksa", or plan again for "$CTX".');
    expect(reached).toEqual([]);
  });
});

describe('kubectl run by find -exec', () => {
  it.each([
    ['exec', 'find . -maxdepth 0 -exec kubectl --context prod scale deploy/web --replicas=0 \\\\;'],
    ['exec-plus', 'find . -maxdepth 0 -execdir kubectl --context prod delete -f {} +'],
  ])('%s: the plan is pinned and the command that names another context is refused', async (name, command) => {
    const { result, error, reached } = await runStep(name, `{ id: s, tool: shell, args: { command: "${command}" } }`);
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stderr).toContain('kube context: kind-ksa (a cluster step that would touch another context is refused)');
    expect(error).toMatch(/^step s \(shell\) names kube context "prod", but the plan was approved for "kind-ksa"; nothing was run\./);
    expect(reached).toEqual([]);
  });
});
