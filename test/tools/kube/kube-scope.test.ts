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
