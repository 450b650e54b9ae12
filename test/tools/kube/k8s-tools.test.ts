import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CommandFailedError, createBuiltinRegistry, HttpStatusError, ToolError } from '../../../src/tools/index.js';
import type { ToolCall } from '../../../src/planning/index.js';
import { createFakeKube, type FakeKube } from '../../helpers/fake-kube.js';
import { createTempDir } from '../../helpers/tool-context.js';

// The Kubernetes and Helm tools against the recording stand-in kubectl/helm on PATH:
// the exact argv, the parsed output and the error paths. (This file runs in its own process.)

let temp: { dir: string; cleanup: () => Promise<void> };
let kube: FakeKube;
const registry = createBuiltinRegistry();
const lines: string[] = [];

function invoke(tool: string, args: Record<string, unknown>, signal = new AbortController().signal): Promise<any> {
  const call: ToolCall = { tool, args, stepId: 's', attempt: 1, phase: 'run', signal, onOutput: (line) => lines.push(line) };
  return registry.invoke(call, { workspace: temp.dir });
}

const lastCalls = async (n: number) => (await kube.calls()).slice(-n);

beforeAll(async () => {
  temp = await createTempDir('ksa-kube-');
  kube = await createFakeKube(temp.dir);
  process.env.PATH = `${kube.bin}${path.delimiter}${process.env.PATH}`;
});
afterAll(() => temp.cleanup());
beforeEach(async () => {
  lines.length = 0;
  await kube.setState({ context: 'kind-dev' });
});

describe('kubectl and helm (argv)', () => {
  it('put context and namespace in front, and parse -o json into output.json', async () => {
    const output = await invoke('kubectl', { args: ['get', 'deployment/web', '-o', 'json'], context: 'kind-dev', namespace: 'shop' }).catch((e) => e);
    // The stand-in knows no deployment/web yet: NotFound fails the step with kubectl's words.
    expect(CommandFailedError.isInstance(output)).toBe(true);
    expect((output as Error).message).toMatch(/^kubectl exited with code 1: Error from server \(NotFound\)/);
    await kube.setState({ context: 'kind-dev', revisions: { 'deployment/web': 4 } });
    const found = await invoke('kubectl', { args: ['get', 'deployment/web', '-o', 'json'], context: 'kind-dev', namespace: 'shop' });
    expect(found.json).toMatchObject({ kind: 'Deployment', metadata: { name: 'web' } });
    expect(await lastCalls(1)).toEqual([['kubectl', 'get', 'deployment/web', '-o', 'json', '--context', 'kind-dev', '-n', 'shop']]);
    const list = await invoke('helm', { args: ['list'], context: 'kind-dev' });
    expect(list.json).toBeUndefined();
    expect(await lastCalls(1)).toEqual([['helm', 'list', '--kube-context', 'kind-dev']]);
  });

  it('-o json output that is not JSON fails with a clear message', async () => {
    const error = await invoke('kubectl', { args: ['something', '-o', 'json'] }).catch((e) => e);
    expect(ToolError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('kubectl was asked for -o json but printed something else: ok something -o json');
  });

  it('-o json over the 1 MiB an output keeps is parsed whole; the output\'s stdout is cut as usual', async () => {
    await kube.setState({ context: 'kind-dev', revisions: { 'deployment/web': 4 }, manifestChars: 3_000_000 });
    const found = await invoke('kubectl', { args: ['get', 'deployment/web', '-o=json'] });
    expect(found.json).toMatchObject({ kind: 'Deployment', metadata: { name: 'web' } });
    expect(found.json.manifest).toHaveLength(3_000_000);
    expect(found.truncated).toBe(true);
    expect(Buffer.byteLength(found.stdout)).toBeLessThan(1024 * 1024 + 100);
    await kube.setState({ context: 'kind-dev', revisions: { 'deployment/web': 4 }, manifestChars: 70 * 1024 * 1024 });
    const error = await invoke('kubectl', { args: ['get', 'deployment/web', '-o', 'json'] }).catch((e) => e);
    expect((error as Error).message).toBe('kubectl printed more than 64 MiB of JSON, more than ksa reads; ask for less (a namespace, a label selector, or -o jsonpath)');
  });
});

describe('k8s_apply, k8s_diff', () => {
  it('records the revision before applying, then applies with -o json and lists what was applied', async () => {
    await kube.setState({ context: 'kind-dev', revisions: { 'deployment/web': 3 } });
    const output = await invoke('k8s_apply', { manifests: ['k8s/web.yaml', 'k8s/svc.yaml'], context: 'kind-dev', namespace: 'shop', record: 'deployment/web' });
    expect(output).toMatchObject({ previousRevision: 3, dryRun: 'none', resources: [{ kind: 'Deployment', name: 'web', namespace: 'shop' }, { kind: 'Deployment', name: 'svc', namespace: 'shop' }] });
    expect(await lastCalls(2)).toEqual([
      ['kubectl', 'get', 'deployment/web', '-o', 'json', '--context', 'kind-dev', '-n', 'shop'],
      ['kubectl', 'apply', '-f', 'k8s/web.yaml', '-f', 'k8s/svc.yaml', '-o', 'json', '--context', 'kind-dev', '-n', 'shop'],
    ]);
  });

  it('a first deploy records previousRevision null; server-side dry-run is a flag', async () => {
    const output = await invoke('k8s_apply', { manifests: 'k8s/web.yaml', record: 'deployment/web', dryRun: 'server', serverSide: true });
    expect(output.previousRevision).toBeNull();
    expect((await lastCalls(1))[0]).toEqual(['kubectl', 'apply', '-f', 'k8s/web.yaml', '--dry-run=server', '--server-side', '-o', 'json']);
  });

  it('a workload that exists without a Deployment revision (a StatefulSet) records 0, and its rollback goes back one revision instead of deleting it', async () => {
    await kube.setState({ context: 'kind-dev', revisions: { 'statefulset/db': 0 } });
    const output = await invoke('k8s_apply', { manifests: 'k8s/db.yaml', record: 'statefulset/db' });
    expect(output.previousRevision).toBe(0);
    expect(await invoke('k8s_rollback', { resource: 'statefulset/db', toRevision: output.previousRevision })).toMatchObject({ action: 'undo' });
    expect((await lastCalls(1))[0]).toEqual(['kubectl', 'rollout', 'undo', 'statefulset/db']);
  });

  it('a failing apply fails the step with kubectl\'s words', async () => {
    await kube.setState({ context: 'kind-dev', applyFails: 'error: error validating "k8s/web.yaml": unknown field "replica"' });
    const error = await invoke('k8s_apply', { manifests: 'k8s/web.yaml' }).catch((e) => e);
    expect((error as Error).message).toBe('kubectl exited with code 1: error: error validating "k8s/web.yaml": unknown field "replica"');
  });

  it('k8s_diff: no difference, a difference (exit 1 is not a failure)', async () => {
    expect(await invoke('k8s_diff', { manifests: 'k8s/' })).toEqual({ changed: false, diff: '' });
    await kube.setState({ context: 'kind-dev', diff: '-  replicas: 1\n+  replicas: 3' });
    expect(await invoke('k8s_diff', { manifests: 'k8s/', namespace: 'shop' })).toEqual({ changed: true, diff: '-  replicas: 1\n+  replicas: 3' });
  });
});

describe('k8s_rollout_status, k8s_rollback', () => {
  it('waits with --watch and a timeout in seconds; a failed rollout fails the step', async () => {
    await invoke('k8s_rollout_status', { resource: 'deployment/web', timeoutMs: 90_500 });
    expect((await lastCalls(1))[0]).toEqual(['kubectl', 'rollout', 'status', 'deployment/web', '--watch', '--timeout=91s']);
    await kube.setState({ context: 'kind-dev', rolloutFails: 'timed out waiting for the condition' });
    const error = await invoke('k8s_rollout_status', { resource: 'deployment/web' }).catch((e) => e);
    expect((error as Error).message).toBe('kubectl exited with code 1: error: timed out waiting for the condition');
  });

  it('rolls back to the recorded revision, one back, or deletes what was new', async () => {
    expect(await invoke('k8s_rollback', { resource: 'deployment/web', toRevision: 3 })).toMatchObject({ action: 'undo' });
    await invoke('k8s_rollback', { resource: 'deployment/web' });
    expect(await invoke('k8s_rollback', { resource: 'deployment/web', toRevision: null, context: 'kind-dev' })).toMatchObject({ action: 'delete' });
    expect(await lastCalls(3)).toEqual([
      ['kubectl', 'rollout', 'undo', 'deployment/web', '--to-revision=3'],
      ['kubectl', 'rollout', 'undo', 'deployment/web'],
      ['kubectl', 'delete', 'deployment/web', '--ignore-not-found', '--context', 'kind-dev'],
    ]);
  });

  it('bad arguments are refused before anything runs', async () => {
    const before = (await kube.calls()).length;
    const error = await invoke('k8s_rollback', { resource: 'web', toRevision: 0 }).catch((e) => e);
    expect((error as Error).message).toMatch(/resource: a workload as kind\/name/);
    expect((await kube.calls()).length).toBe(before);
  });
});

describe('k8s_port_forward', () => {
  it('forwards for the step only: the request goes through the forward, then kubectl is stopped', async () => {
    const output = await invoke('k8s_port_forward', { resource: 'svc/web', remotePort: 80, path: '/healthz', context: 'kind-dev', namespace: 'shop' });
    expect(output).toMatchObject({ status: 200, body: { path: '/healthz', remote: 80 } });
    expect(output.localPort).toBeGreaterThan(0);
    expect((await lastCalls(1))[0]).toEqual(['kubectl', 'port-forward', 'svc/web', ':80', '--address', '127.0.0.1', '--context', 'kind-dev', '-n', 'shop']);
    // The forward is gone once the step is over.
    await expect(fetch(`http://127.0.0.1:${output.localPort}/`)).rejects.toThrow();
  });

  it('an unhealthy answer fails the step (and still stops the forward); a forward that cannot start says why', async () => {
    await kube.setState({ context: 'kind-dev', healthStatus: 503 });
    const error = await invoke('k8s_port_forward', { resource: 'svc/web', remotePort: 80 }).catch((e) => e);
    expect(HttpStatusError.isInstance(error)).toBe(true);
    await kube.setState({ context: 'kind-dev', forwardFails: 'services "web" not found' });
    const failed = await invoke('k8s_port_forward', { resource: 'svc/web', remotePort: 80 }).catch((e) => e);
    expect((failed as Error).message).toBe('kubectl port-forward svc/web exited (code 1) before forwarding: error: services "web" not found');
  });

  it('an abort stops the forward at once', async () => {
    const controller = new AbortController();
    const pending = invoke('k8s_port_forward', { resource: 'svc/web', remotePort: 80, readyTimeoutMs: 60_000 }, controller.signal).catch((e) => e);
    controller.abort(new Error('cancelled'));
    expect(((await pending) as Error).message).toBe('cancelled');
  });
});

describe('helm_upgrade, helm_rollback', () => {
  it('a first install records previousRevision null, an upgrade the one it replaced', async () => {
    const first = await invoke('helm_upgrade', { release: 'web', chart: './chart', namespace: 'shop', context: 'kind-dev', set: { 'image.tag': 'v2' }, values: ['prod.yaml'], timeoutMs: 120_000 });
    expect(first).toMatchObject({ release: 'web', revision: 1, previousRevision: null, status: 'deployed', namespace: 'shop' });
    const second = await invoke('helm_upgrade', { release: 'web', chart: './chart' });
    expect(second).toMatchObject({ revision: 2, previousRevision: 1 });
    expect((await kube.calls()).filter((call) => call[0] === 'helm').slice(-4)).toEqual([
      ['helm', 'status', 'web', '-o', 'json', '--kube-context', 'kind-dev', '-n', 'shop'],
      ['helm', 'upgrade', '--install', 'web', './chart', '-f', 'prod.yaml', '--set-string', 'image.tag=v2', '--wait', '--timeout', '120s', '-o', 'json', '--kube-context', 'kind-dev', '-n', 'shop'],
      ['helm', 'status', 'web', '-o', 'json'],
      ['helm', 'upgrade', '--install', 'web', './chart', '--wait', '--timeout', '300s', '-o', 'json'],
    ]);
  });

  it('a string value reaches the chart as that string, a number or true/false as its type', async () => {
    const set = { 'image.tag': '1.10', 'ingress.hosts': 'a.example.com,b.example.com', path: 'C:\\charts', json: '{"a":1}', enabled: 'true', replicaCount: 3, 'debug.on': false };
    await invoke('helm_upgrade', { release: 'typed', chart: './chart', set });
    const upgrade = (await kube.calls()).filter((call) => call[0] === 'helm' && call[1] === 'upgrade').at(-1)!;
    expect(upgrade.slice(5, -5)).toEqual([
      '--set-string', 'image.tag=1.10',
      '--set-string', 'ingress.hosts=a.example.com\\,b.example.com',
      '--set-string', 'path=C:\\\\charts',
      '--set-string', 'json=\\{"a":1}',
      '--set-string', 'enabled=true',
      '--set', 'replicaCount=3',
      '--set', 'debug.on=false',
    ]);
    // Before the run a template is shown as written.
    expect(registry.get('helm_upgrade')!.describe!({ release: 'web', chart: './chart', set: { 'image.tag': '{{ steps.build.output.tag }}' } })).toContain("--set-string 'image.tag={{ steps.build.output.tag }}'");
  });

  it('reads a release whose JSON (with its rendered manifest) is over 1 MiB', async () => {
    await kube.setState({ context: 'kind-dev', manifestChars: 2_000_000 });
    expect(await invoke('helm_upgrade', { release: 'big', chart: './chart' })).toMatchObject({ release: 'big', revision: 1, previousRevision: null });
    const second = await invoke('helm_upgrade', { release: 'big', chart: './chart' });
    expect(second).toMatchObject({ revision: 2, previousRevision: 1 });
    expect(second.json.manifest).toHaveLength(2_000_000);
  });

  it('a rollback whose revision comes from a template shows both calls it may make', () => {
    expect(registry.get('k8s_rollback')!.describe!({ resource: 'deployment/web', toRevision: '{{ steps.apply.output.previousRevision }}' })).toBe(
      "kubectl rollout undo deployment/web '--to-revision={{ steps.apply.output.previousRevision }}' (or, if the workload was new, kubectl delete deployment/web --ignore-not-found)",
    );
    expect(registry.get('helm_rollback')!.describe!({ release: 'web', revision: '{{ steps.up.output.previousRevision }}', wait: false })).toBe(
      "helm rollback web '{{ steps.up.output.previousRevision }}' --timeout 300s (or, if the release was new, helm uninstall web --timeout 300s)",
    );
    expect(registry.get('k8s_rollback')!.describe!({ resource: 'deployment/web', toRevision: 3 })).toBe('kubectl rollout undo deployment/web --to-revision=3');
  });

  it('rolls back to a revision, or uninstalls a release that was new', async () => {
    expect(await invoke('helm_rollback', { release: 'web', revision: 1 })).toMatchObject({ action: 'rollback' });
    expect(await invoke('helm_rollback', { release: 'web', revision: null, wait: false })).toMatchObject({ action: 'uninstall' });
    expect(await lastCalls(2)).toEqual([
      ['helm', 'rollback', 'web', '1', '--wait', '--timeout', '300s'],
      ['helm', 'uninstall', 'web', '--timeout', '300s'],
    ]);
  });
});
