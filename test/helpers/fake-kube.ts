import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A recording stand-in for kubectl and helm (no cluster runs on these machines):
 * a small node script put first on PATH. Every call appends its argv to
 * calls.jsonl; the answers come from state.json, which tests (or a plan's own
 * shell step) may change between calls.
 */
export type FakeKubeState = {
  /** `kubectl config current-context`; undefined = "current-context is not set". */
  context?: string;
  namespace?: string;
  /** Other contexts of the kubeconfig, with their namespaces ("" for none). */
  contexts?: Record<string, string>;
  /** deployment.kubernetes.io/revision of workloads, by "kind/name"; missing = NotFound; 0 = exists without one (a StatefulSet). */
  revisions?: Record<string, number>;
  /** `kubectl rollout status` fails with this message. */
  rolloutFails?: string;
  /** `kubectl diff` prints this (exit 1); missing = no difference (exit 0). */
  diff?: string;
  /** `kubectl apply` fails with this message. */
  applyFails?: string;
  /** HTTP status served through `kubectl port-forward` (default 200). */
  healthStatus?: number;
  /** `kubectl port-forward` exits with this message instead of forwarding. */
  forwardFails?: string;
  /** Helm release revisions, by release; missing = not installed. */
  releases?: Record<string, number>;
  /** JSON answers (get of one object, helm status and upgrade) carry a `manifest` of this many characters, as a release's rendered manifest does. */
  manifestChars?: number;
};

const SCRIPT = String.raw`#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const dir = __dirname + '/..';
const program = path.basename(process.argv[1]);
const argv = process.argv.slice(2);
fs.appendFileSync(dir + '/calls.jsonl', JSON.stringify([program, ...argv]) + '\n');
const state = JSON.parse(fs.readFileSync(dir + '/state.json', 'utf8'));
const save = () => fs.writeFileSync(dir + '/state.json', JSON.stringify(state));
// Drop the target flags: --context/--kube-context/--namespace/-n with their values.
const args = [];
for (let i = 0; i < argv.length; i++) {
  if (['--context', '--kube-context', '--namespace', '-n'].includes(argv[i])) { i++; continue; }
  args.push(argv[i]);
}
const fail = (message, code = 1) => { process.stderr.write(message + '\n'); process.exit(code); };
const manifest = state.manifestChars ? { manifest: 'x'.repeat(state.manifestChars) } : {};
if (program !== 'kubectl' && program !== 'helm') {
  // docker, kind, minikube: recorded only.
  console.log('ok ' + program + ' ' + argv.join(' '));
  process.exit(0);
}
const files = () => args.flatMap((a, i) => (args[i - 1] === '-f' ? [a] : []));
if (program === 'kubectl') {
  const [verb, second] = args;
  if (verb === 'config' && second === 'current-context') {
    if (!state.context) fail('error: current-context is not set');
    console.log(state.context);
  } else if (verb === 'config' && second === 'view') {
    // Every context with its namespace, as the jsonpath ksa asks for prints them.
    const contexts = { ...(state.contexts || {}), ...(state.context ? { [state.context]: state.namespace || '' } : {}) };
    for (const [name, namespace] of Object.entries(contexts)) console.log(name + '\t' + namespace);
  } else if (verb === 'get' && !String(args[1]).includes('/')) {
    console.log('NAME    READY   STATUS\nweb-0   1/1     Running');
  } else if (verb === 'get') {
    const name = args[1];
    const revision = (state.revisions || {})[name];
    if (revision === undefined) fail('Error from server (NotFound): deployments.apps "' + name.split('/')[1] + '" not found');
    // 0: a workload that exists without a Deployment's revision annotation (a StatefulSet, a DaemonSet).
    if (revision === 0) console.log(JSON.stringify({ kind: 'StatefulSet', metadata: { name: name.split('/')[1] } }));
    else console.log(JSON.stringify({ kind: 'Deployment', metadata: { name: name.split('/')[1], annotations: { 'deployment.kubernetes.io/revision': String(revision) } }, ...manifest }));
  } else if (verb === 'apply') {
    if (state.applyFails) fail(state.applyFails);
    const items = files().map((file) => ({ kind: 'Deployment', metadata: { name: path.basename(file).replace(/\.ya?ml$/, ''), namespace: 'shop' } }));
    console.log(JSON.stringify(items.length === 1 ? items[0] : { kind: 'List', items }));
  } else if (verb === 'diff') {
    if (state.diff) { process.stdout.write(state.diff + '\n'); process.exit(1); }
  } else if (verb === 'rollout' && second === 'status') {
    if (state.rolloutFails) fail('error: ' + state.rolloutFails);
    console.log('deployment "' + args[2].split('/')[1] + '" successfully rolled out');
  } else if (verb === 'rollout' && second === 'undo') {
    console.log(args[2] + ' rolled back');
  } else if (verb === 'delete') {
    console.log(args[1] + ' deleted');
  } else if (verb === 'port-forward') {
    if (state.forwardFails) fail('error: ' + state.forwardFails);
    const [local, remote] = args[2].split(':');
    const server = http.createServer((req, res) => {
      res.writeHead(state.healthStatus || 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, remote: Number(remote) }));
    });
    server.listen(local ? Number(local) : 0, '127.0.0.1', () => {
      console.log('Forwarding from 127.0.0.1:' + server.address().port + ' -> ' + remote);
    });
    process.on('SIGTERM', () => process.exit(0));
  } else if (verb === 'version') {
    console.log('Client Version: v1.32.0 (stand-in)');
  } else {
    console.log('ok ' + args.join(' '));
  }
} else {
  const [verb, release] = args;
  const releases = state.releases || (state.releases = {});
  if (verb === 'status') {
    if (releases[release] === undefined) fail('Error: release: not found');
    console.log(JSON.stringify({ name: release, version: releases[release], namespace: 'shop', info: { status: 'deployed' }, ...manifest }));
  } else if (verb === 'upgrade') {
    const name = args[2];
    releases[name] = (releases[name] || 0) + 1;
    save();
    console.log(JSON.stringify({ name, version: releases[name], namespace: 'shop', info: { status: 'deployed' }, ...manifest }));
  } else if (verb === 'rollback') {
    console.log('Rollback was a success! Happy Helming!');
  } else if (verb === 'uninstall') {
    delete releases[release];
    save();
    console.log('release "' + release + '" uninstalled');
  } else {
    console.log('ok ' + args.join(' '));
  }
}
`;

export type FakeKube = {
  /** Put it first on PATH. */
  readonly bin: string;
  readonly stateFile: string;
  setState(state: FakeKubeState): Promise<void>;
  /** Every call so far, as [program, ...argv]. */
  calls(): Promise<string[][]>;
};

const PROGRAMS = ['kubectl', 'helm'];

/** `extra`: more programs to stand in for that only record their calls (docker, kind…). */
export async function createFakeKube(dir: string, state: FakeKubeState = {}, extra: readonly string[] = []): Promise<FakeKube> {
  const bin = path.join(dir, 'bin');
  await mkdir(bin, { recursive: true });
  for (const program of [...PROGRAMS, ...extra]) {
    await writeFile(path.join(bin, program), SCRIPT);
    await chmod(path.join(bin, program), 0o755);
  }
  const stateFile = path.join(dir, 'state.json');
  const callsFile = path.join(dir, 'calls.jsonl');
  await writeFile(callsFile, '');
  const setState = (next: FakeKubeState) => writeFile(stateFile, JSON.stringify(next));
  await setState(state);
  return {
    bin,
    stateFile,
    setState,
    async calls() {
      const text = await readFile(callsFile, 'utf8');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[]);
    },
  };
}
