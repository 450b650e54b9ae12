import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// A deny rule holds against the rewrites a user would call the same command.

const options = riskOptions(createBuiltinRegistry());
const POLICY = parsePolicy('deny:\n  - kubectl: "delete *"\n  - shell: "rm -rf /*"\n', '/ws/.ksa/policy.yaml');

async function decide(steps: PlanInput['steps']): Promise<Record<string, string>> {
  const { decision } = await assessPolicy(PlanSchema.parse({ goal: 'rewrites', steps }), POLICY, 'write', options);
  return Object.fromEntries(decision.steps.map((step) => [step.stepId, step.decision]));
}

const shell = (id: string, command: string): PlanInput['steps'][number] => ({ id, tool: 'shell', args: { command } });

describe('deny rules see through rewrites', () => {
  it('rm -rf /* covers sudo, env, flag order and splitting, absolute paths, blanks, quoting and bash -c', async () => {
    const rewrites = [
      'rm -rf /var/x',
      'sudo rm -rf /var/x',
      'env LANG=C rm -rf /var/x',
      'rm -fr /var/x',
      'rm -r -f /var/x',
      '/bin/rm -rf /var/x',
      'rm  -rf /var/x',
      "rm -rf '/var/x'",
      "bash -c 'rm -rf /var/x'",
      "sudo sh -c 'cd /tmp; rm -fr /var/x'",
      'ls | xargs rm -rf /var/x',
      'rm -rfv /var/x',
      'rm -v -r -f /var/x',
      'rm -Rrf /var/x',
      'echo start && rm -rf /var/x',
      'rm -Rf /var/x',
      'rm --recursive --force /var/x',
      'rm -r --force /var/x',
      'sudo rm --force -R /var/x',
      'sudo LANG=C rm -rf /var/x',
      'rm -rf -- /var/x',
      'rm --no-preserve-root -rf /',
      'rm -r -f -- /var',
      'rm -rf {/var,/etc}',
      'rm -rf build /var',
      'rm -rf x /',
      'rm -rf /srv/{a,b}',
    ];
    const result = await decide(rewrites.map((command, i) => shell(`s${i}`, command)));
    expect(Object.entries(result).filter(([, decision]) => decision !== 'deny').map(([id]) => rewrites[Number(id.slice(1))])).toEqual([]);
  });

  it('a command behind xargs or parallel gets arguments no one wrote: "rm -rf *" and "delete *" still hold', async () => {
    const policy = parsePolicy('deny:\n  - shell: "rm -rf *"\n  - kubectl: "delete *"\n', '/ws/.ksa/policy.yaml');
    const { decision } = await assessPolicy(
      PlanSchema.parse({
        goal: 'appended',
        steps: [shell('xargs', 'echo victim | xargs rm -rf'), shell('parallel', 'ls | parallel rm -rf'), shell('kubectl', 'kubectl get pods -o name | xargs kubectl delete'), shell('count', 'ls | xargs wc -l')],
      }),
      policy,
      'write',
      options,
    );
    expect(Object.fromEntries(decision.steps.map((step) => [step.stepId, step.decision]))).toEqual({ xargs: 'deny', parallel: 'deny', kubectl: 'deny', count: 'allow' });
  });

  it('a command find -exec runs meets the rules for it, in every form of -exec', async () => {
    const policy = parsePolicy('deny:\n  - kubectl: "delete *"\n  - kubectl: "* --context prod*"\n  - shell: "rm -rf *"\n', '/ws/.ksa/policy.yaml');
    const steps = [
      shell('scale', 'find . -maxdepth 0 -exec kubectl --context prod scale deploy/web --replicas=0 \\;'),
      shell('delete', "find . -maxdepth 0 -exec kubectl delete pods --all ';'"),
      shell('plus', 'find k8s -name "*.yaml" -exec kubectl delete -f {} +'),
      shell('second', 'find . -name x -exec echo {} \\; -execdir sudo rm -rf {} \\;'),
      shell('ok', 'find . -ok sh -c "kubectl delete pod web" \\;'),
      shell('print', 'find . -name "*.yaml" -exec cat {} \\;'),
    ];
    const { decision } = await assessPolicy(PlanSchema.parse({ goal: 'find -exec', steps }), policy, 'write', options);
    expect(Object.fromEntries(decision.steps.map((step) => [step.stepId, step.decision]))).toEqual({ scale: 'deny', delete: 'deny', plus: 'deny', second: 'deny', ok: 'deny', print: 'allow' });
    expect(decision.steps[0]!.why).toContain('denied by deny kubectl: "* --context prod*"');
  });

  it('helm: "uninstall *" covers its aliases delete, del and un, as a step and in a shell line', async () => {
    const policy = parsePolicy('deny:\n  - helm: "uninstall *"\n', '/ws/.ksa/policy.yaml');
    const { decision } = await assessPolicy(
      PlanSchema.parse({
        goal: 'aliases',
        steps: [
          { id: 'delete', tool: 'helm', args: { args: ['delete', 'web'] } },
          { id: 'un', tool: 'helm', args: { args: ['-n', 'prod', 'un', 'web'] } },
          shell('del', 'helm del web'),
          { id: 'list', tool: 'helm', args: { args: ['ls'] } },
        ],
      }),
      policy,
      'write',
      options,
    );
    expect(Object.fromEntries(decision.steps.map((step) => [step.stepId, step.decision]))).toEqual({ delete: 'deny', un: 'deny', del: 'deny', list: 'allow' });
  });

  it('docker: "rm *" covers global flags first and the management spelling (container rm, container remove), as a step and in a shell line; podman too', async () => {
    const policy = parsePolicy('deny:\n  - docker: "rm *"\n  - docker: "container rm *"\n  - podman: "image rm *"\n  - podman: "rm *"\n', '/ws/.ksa/policy.yaml');
    const docker = (id: string, ...args: string[]): PlanInput['steps'][number] => ({ id, tool: 'docker', args: { args } });
    const { decision } = await assessPolicy(
      PlanSchema.parse({
        goal: 'docker spellings',
        steps: [
          docker('context', '--context', 'default', 'rm', '-f', 'web'),
          docker('container', 'container', 'rm', '-f', 'web'),
          docker('remove', '--host=tcp://x', 'container', 'remove', 'web'),
          shell('host', 'docker -H tcp://x rm web'),
          shell('loglevel', 'docker --log-level debug rm web'),
          shell('short', 'docker -l debug rm web'),
          shell('config', 'docker --config /tmp rm web'),
          shell('debug', 'docker -D rm web'),
          shell('managed', 'sudo docker --context prod container rm -f web'),
          { id: 'rmi', tool: 'podman', args: { args: ['rmi', 'nginx'] } },
          shell('runtime', 'podman --runtime runc rm -f web'),
          shell('tmpdir', 'podman --tmpdir /tmp --storage-opt x=y rm -f web'),
          docker('ps', '--context', 'default', 'ps', '-a'),
          docker('run', 'run', '--rm', 'alpine', 'rm', 'x'),
          docker('volume', 'volume', 'rm', 'data'),
        ],
      }),
      policy,
      'write',
      options,
    );
    expect(Object.fromEntries(decision.steps.map((step) => [step.stepId, step.decision]))).toEqual({
      context: 'deny',
      container: 'deny',
      remove: 'deny',
      host: 'deny',
      loglevel: 'deny',
      short: 'deny',
      config: 'deny',
      debug: 'deny',
      managed: 'deny',
      rmi: 'deny',
      runtime: 'deny',
      tmpdir: 'deny',
      ps: 'allow',
      run: 'allow',
      volume: 'ask',
    });
  });

  it('kubectl: "delete *" covers kubectl in a shell line, behind sudo, and with global flags first', async () => {
    expect(
      await decide([
        shell('plain', 'kubectl delete pod web'),
        shell('flags', 'kubectl -n default delete pod web'),
        shell('sudo', 'sudo /usr/local/bin/kubectl --context=kind-dev delete pod web'),
        shell('bashc', 'bash -c "kubectl get pods && kubectl delete pod web"'),
        { id: 'argv', tool: 'kubectl', args: { args: ['-n', 'default', 'delete', 'pod', 'web'] } },
      ]),
    ).toEqual({ plain: 'deny', flags: 'deny', sudo: 'deny', bashc: 'deny', argv: 'deny' });
  });

  it('a rule written with long flags covers the short spellings, for the programs whose flags mean the same everywhere', async () => {
    const policy = parsePolicy('deny:\n  - shell: "rm --recursive --force /*"\n  - shell: "git push --force *"\n  - shell: "chmod --recursive 777 *"\n', '/ws/.ksa/policy.yaml');
    const steps = [shell('rm', 'rm -rf /var/x'), shell('push', 'git push -f origin main'), shell('chmod', 'chmod -R 777 /srv'), shell('plain', 'git push origin main'), shell('norec', 'rm -f /var/x')];
    const { decision } = await assessPolicy(PlanSchema.parse({ goal: 'long flags', steps }), policy, 'write', options);
    expect(Object.fromEntries(decision.steps.map((step) => [step.stepId, step.decision]))).toEqual({ rm: 'deny', push: 'deny', chmod: 'deny', plain: 'allow', norec: 'ask' });
  });

  it('leaves alone what the rules do not say: other paths, other flags, reading commands', async () => {
    expect(
      await decide([shell('rel', 'rm -rf build'), shell('get', 'kubectl get pods -n default'), shell('echo', 'echo rm -rf /var/x'), shell('force', 'rm -f /var/x')]),
    ).toEqual({ rel: 'ask', get: 'allow', echo: 'allow', force: 'ask' });
  });
});
