import { describe, expect, it } from 'vitest';
import { scopeFromArgv, scopeOfInput } from '../../../src/tools/index.js';
import { kubeFlags, wantsJson } from '../../../src/tools/kube/kube-scope.js';

describe('scopeFromArgv', () => {
  it('reads --context, --kube-context, -n, --namespace in both spellings; the last wins', () => {
    expect(scopeFromArgv(['get', 'pods', '--context', 'kind-dev', '-n', 'shop'])).toEqual({ context: 'kind-dev', namespace: 'shop' });
    expect(scopeFromArgv(['--context=prod', 'get', 'pods', '--namespace=billing'])).toEqual({ context: 'prod', namespace: 'billing' });
    expect(scopeFromArgv(['list', '--kube-context', 'eu', '-nweb'])).toEqual({ context: 'eu', namespace: 'web' });
    expect(scopeFromArgv(['get', 'pods', '-n', 'a', '-n', 'b'])).toEqual({ namespace: 'b' });
  });

  it('-A is all namespaces; nothing after -- counts; no flags, no scope', () => {
    expect(scopeFromArgv(['get', 'pods', '-A'])).toEqual({ allNamespaces: true });
    expect(scopeFromArgv(['exec', 'web', '--', 'sh', '-c', 'kubectl --context prod get pods'])).toEqual({});
    expect(scopeFromArgv(['get', 'nodes'])).toEqual({});
  });
});

describe('the flags that point a call past its context', () => {
  it('reads the shorthands as kubectl does: -s URL, -s=URL, -sURL, after switches in one word', () => {
    for (const server of [['-s', 'https://evil:6443'], ['-s=https://evil:6443'], ['-shttps://evil:6443'], ['-As', 'https://evil:6443'], ['--server=https://evil:6443']]) {
      expect(scopeFromArgv(['get', 'pods', ...server]).retarget, server.join(' ')).toBe(server[0]!.startsWith('--') ? '--server' : '-s');
    }
    expect(scopeFromArgv(['get', 'pods', '-n=shop'])).toEqual({ namespace: 'shop' });
    expect(scopeFromArgv(['get', 'pods', '-An', 'shop'])).toEqual({ namespace: 'shop', allNamespaces: true });
    expect(scopeFromArgv(['exec', '-it', 'web', '--', 'sh'])).toEqual({});
  });

  it('leaves them to the subcommand only where it is kubectl config, create rolebinding, set subject or helm template', () => {
    expect(scopeFromArgv(['config', 'set-cluster', 'kind', '--server', 'https://x'])).toEqual({});
    expect(scopeFromArgv(['--kubeconfig', '/x', 'config', 'view'])).toEqual({});
    expect(scopeFromArgv(['create', 'rolebinding', 'read', '--role', 'view', '--user', 'alice'])).toEqual({});
    expect(scopeFromArgv(['set', 'subject', 'rolebinding', 'read', '--user=alice'])).toEqual({});
    expect(scopeFromArgv(['template', 'web', 'chart', '-s', 'templates/deployment.yaml'])).toEqual({});
    // A ConfigMap or namespace named config, a rolebinding listed: no kubectl config, no create rolebinding.
    expect(scopeFromArgv(['get', 'configmap', 'config', '-s', 'https://evil:6443']).retarget).toBe('-s');
    expect(scopeFromArgv(['delete', 'configmap', 'config', '--kubeconfig', '/tmp/other']).retarget).toBe('--kubeconfig');
    expect(scopeFromArgv(['-n', 'config', 'get', 'pods', '--token=x']).retarget).toBe('--token');
    expect(scopeFromArgv(['get', 'rolebinding', '-A', '--user', 'cluster-admin']).retarget).toBe('--user');
    expect(scopeFromArgv(['get', 'pods', '-l', 'app=template', '-s', 'https://evil:6443']).retarget).toBe('-s');
  });
});

describe('scopeOfInput', () => {
  it('the context and namespace arguments win over the argv', () => {
    expect(scopeOfInput({ context: 'kind-dev', args: ['get', 'pods', '--context', 'prod', '-n', 'shop'] })).toEqual({ context: 'kind-dev', namespace: 'shop' });
    expect(scopeOfInput({ namespace: 'web' })).toEqual({ namespace: 'web' });
  });

  it('unvalidated input does not throw', () => {
    expect(scopeOfInput({ args: '{{ inputs.args }}' as never, context: 3 as never })).toEqual({});
  });
});

describe('kubeFlags and wantsJson', () => {
  it('kubectl says --context, helm --kube-context', () => {
    expect(kubeFlags('kubectl', { context: 'c', namespace: 'n' })).toEqual(['--context', 'c', '-n', 'n']);
    expect(kubeFlags('helm', { context: 'c' })).toEqual(['--kube-context', 'c']);
    expect(kubeFlags('helm', {})).toEqual([]);
  });

  it('knows the spellings of -o json', () => {
    for (const args of [['-o', 'json'], ['-ojson'], ['-o=json'], ['--output', 'json'], ['--output=json']]) expect(wantsJson(['get', 'pods', ...args]), args.join(' ')).toBe(true);
    expect(wantsJson(['get', 'pods', '-o', 'yaml'])).toBe(false);
  });
});
