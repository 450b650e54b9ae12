import { describe, expect, it } from 'vitest';
import { validatePlan, type Plan, type ToolCall } from '../../../src/planning/index.js';
import { approvedKubeContext, createBuiltinRegistry, guardKubeContext, KubeContextMismatchError, KubeRetargetError } from '../../../src/tools/index.js';

// A shell step whose line runs kubectl or helm is held to the kube context the plan was approved for.

const registry = createBuiltinRegistry();

function shell(command: string, env?: Record<string, string>): ToolCall {
  return { tool: 'shell', args: { command, ...(env ? { env } : {}) }, stepId: 'clean', attempt: 1, phase: 'run', signal: new AbortController().signal, onOutput: () => {} };
}

function pinned(current: string | undefined = 'kind-dev') {
  const invoked: string[] = [];
  const guarded = guardKubeContext(async (c) => (invoked.push(String(c.args.command)), { ok: true }), { tools: registry, approved: 'kind-dev', current: async () => current });
  return { invoked, refusal: (call: ToolCall) => guarded(call).then(() => undefined, (error: unknown) => error as Error) };
}

describe('the kube context pin and shell steps', () => {
  it('refuses a kubectl or helm command in a shell line that names another context, however it is wrapped', async () => {
    const { invoked, refusal } = pinned();
    const lines = [
      'kubectl --context prod-eu delete pod web',
      'sudo kubectl --context=prod-eu delete pod web',
      'bash -c "helm --kube-context prod-eu uninstall web"',
      'kubectl get pods && /usr/local/bin/kubectl delete pod web --context prod-eu',
      'echo web | xargs kubectl --context prod-eu delete pod',
      'kubectl config use-context prod-eu && kubectl delete pod web',
      'kubectl --context kind-dev config use-context prod-eu && kubectl delete pod web',
      'kubectl config set current-context prod-eu && kubectl delete pod web',
      'kubectl --kubeconfig /x config set current-context prod-eu; kubectl delete pod web',
      'kubectx prod-eu && kubectl delete pod web',
      'find . -maxdepth 0 -exec kubectl --context prod-eu delete pod web \\;',
      'find k8s -name "*.yaml" -execdir kubectl --context prod-eu apply -f {} +',
      'kubectl ctx prod-eu && kubectl delete pod web',
    ];
    for (const line of lines) {
      const error = await refusal(shell(line));
      expect(KubeContextMismatchError.isInstance(error), line).toBe(true);
      expect(error?.message, line).toMatch(/^step clean \(shell\) names kube context "prod-eu", but the plan was approved for "kind-dev"; nothing was run\. /);
    }
    expect((await refusal(shell(lines[0]!)))?.message).toBe(
      'step clean (shell) names kube context "prod-eu", but the plan was approved for "kind-dev"; nothing was run. Set the context its kubectl command names to "kind-dev", or plan again for "prod-eu".',
    );
    expect((await refusal(shell('kubectx prod-eu')))?.message).toBe(
      'step clean (shell) names kube context "prod-eu", but the plan was approved for "kind-dev"; nothing was run. Set the context its kubectx command names to "kind-dev", or plan again for "prod-eu".',
    );
    expect(invoked).toEqual([]);
  });

  it('follows code a shell reads on stdin, as deny rules do: a pipe, a here-string, a here-document', async () => {
    const { invoked, refusal } = pinned();
    const lines = [
      "echo 'kubectl --context prod-eu delete ns prod' | bash",
      "printf 'kubectl delete ns prod --context=prod-eu' | sudo sh -s",
      "bash <<< 'helm --kube-context prod-eu uninstall web'",
      "bash <<'E'\nkubectl config use-context prod-eu\nkubectl delete ns prod\nE",
    ];
    for (const line of lines) expect((await refusal(shell(line)))?.message, line).toMatch(/^step clean \(shell\) names kube context "prod-eu", but the plan was approved for "kind-dev"; nothing was run\. /);
    expect((await refusal(shell("echo 'kubectl --kubeconfig /x get pods' | bash")))?.message).toContain('passes --kubeconfig');
    // A shell a -c string starts reads the outer one's stdin.
    for (const line of ["echo 'kubectl --context prod-eu get ns' | bash -c 'bash'", "echo 'kubectl --context prod-eu get ns' | sh -c 'exec bash -s'", "echo 'kubectl --context prod-eu get ns' | su -c bash"]) {
      expect((await refusal(shell(line)))?.message, line).toMatch(/^step clean \(shell\) names kube context "prod-eu", /);
    }
    // Without a context, code read on stdin runs only while the approved context is current.
    const elsewhere = pinned('prod-eu');
    expect((await elsewhere.refusal(shell("echo 'kubectl delete ns prod' | bash")))?.message).toMatch(/^step clean \(shell\) would touch kube context "prod-eu", /);
    // Text only printed, not read by a shell, runs nothing.
    expect(await elsewhere.refusal(shell("echo 'kubectl delete ns prod' | cat"))).toBeUndefined();
    expect(invoked).toEqual([]);
  });

  it('refuses kubectx - (the previous context), saying it is chosen at run time rather than naming "-"', async () => {
    const { invoked, refusal } = pinned();
    const error = await refusal(shell('kubectx - && kubectl delete pod web'));
    expect(KubeContextMismatchError.isInstance(error)).toBe(true);
    expect(error?.message).toBe(
      'step clean (shell) switches to the previous kube context (kubectx -), which is chosen at run time, but the plan was approved for "kind-dev"; nothing was run. Name the context in the line (kubectx kind-dev), or plan again.',
    );
    expect((await refusal(shell('kubectl ctx -; kubectl delete pod web')))?.message).toMatch(/^step clean \(shell\) switches to the previous kube context \(kubectl ctx -\), which is chosen at run time, /);
    // kubectl has no previous context: its use-context - names a context called "-".
    expect((await refusal(shell('kubectl config use-context - && kubectl delete pod web')))?.message).toMatch(/^step clean \(shell\) names kube context "-", but the plan was approved for "kind-dev"/);
    expect(invoked).toEqual([]);
  });

  it('refuses a kubectl or helm command pointed past the context by a flag or a variable, naming which', async () => {
    const { invoked, refusal } = pinned();
    const cases: [ToolCall, string][] = [
      [shell('kubectl --kubeconfig /other/config delete pod web'), 'passes --kubeconfig, which points it past kube context "kind-dev" the plan was approved for; nothing was run. Remove --kubeconfig from its kubectl command and name the cluster with --context kind-dev.'],
      [shell('helm list --kube-apiserver https://10.0.0.1:6443'), 'passes --kube-apiserver, which points it past kube context "kind-dev" the plan was approved for; nothing was run. Remove --kube-apiserver from its helm command and name the cluster with --kube-context kind-dev.'],
      [shell('KUBECONFIG=/x kubectl get pods'), 'sets KUBECONFIG for kubectl, which points it past kube context "kind-dev" the plan was approved for; nothing was run. Remove KUBECONFIG from the step and name the cluster with --context kind-dev.'],
      [shell('env KUBECONFIG=/x kubectl get pods'), 'sets KUBECONFIG for kubectl'],
      [shell('sudo KUBECONFIG=/x kubectl get pods'), 'sets KUBECONFIG for kubectl'],
      [shell('export KUBECONFIG=/x; kubectl get pods'), 'sets KUBECONFIG for kubectl'],
      [shell('HELM_KUBECONTEXT=prod-eu helm list'), 'sets HELM_KUBECONTEXT for helm'],
      [shell('kubectl get pods', { KUBECONFIG: '/x' }), 'sets KUBECONFIG for kubectl'],
      [shell('kubectl get pods --token=s3cret'), 'passes --token'],
      [shell('kubectl get pods -s=https://evil:6443'), 'passes -s'],
      [shell('kubectl get pods -shttps://evil:6443'), 'passes -s'],
      [shell('kubectl get cm config --kubeconfig /tmp/other'), 'passes --kubeconfig'],
    ];
    for (const [call, message] of cases) {
      const error = await refusal(call);
      expect(KubeRetargetError.isInstance(error), String(call.args.command)).toBe(true);
      expect(error?.message, String(call.args.command)).toContain(`step clean (shell) ${message}`);
      expect(error?.message).not.toContain('s3cret');
    }
    expect(invoked).toEqual([]);
  });

  it('a kubectl without a context runs only while the approved context is current', async () => {
    const elsewhere = pinned('prod-eu');
    expect((await elsewhere.refusal(shell('sudo kubectl delete pod web')))?.message).toBe(
      'step clean (shell) would touch kube context "prod-eu", but the plan was approved for "kind-dev"; nothing was run. Switch back with kubectl config use-context kind-dev, or plan again for the other cluster.',
    );
    const here = pinned('kind-dev');
    expect(await here.refusal(shell('kubectl delete pod web'))).toBeUndefined();
    expect(await here.refusal(shell('helm --kube-context kind-dev list && kubectl --context=kind-dev get pods'))).toBeUndefined();
    expect(here.invoked).toHaveLength(2);
  });

  it('lets through lines that only mention kubectl or helm, and config commands that touch no cluster', async () => {
    const { invoked, refusal } = pinned('prod-eu');
    const lines = ['echo kubectl --context prod-eu', 'grep -r "helm --kube-context prod" docs', 'npm test', 'KUBECONFIG=/x echo done', 'kubectx', 'kubectx -c', 'kubectx dev=kind-dev'];
    for (const line of lines) expect(await refusal(shell(line)), line).toBeUndefined();
    expect(invoked).toEqual(lines);
  });
});

describe('approvedKubeContext with shell steps', () => {
  const plan = (command: string): Plan => {
    const result = validatePlan({ goal: 'g', inputs: { pod: 'web' }, steps: [{ id: 'a', tool: 'shell', args: { command } }] }, { tools: registry.catalog() });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    return result.plan;
  };

  it('pins a plan whose shell lines run kubectl or helm to the current context, and no plan that only mentions them', async () => {
    expect(await approvedKubeContext(plan('kubectl delete pod {{ inputs.pod }}'), {}, registry, async () => 'kind-dev')).toBe('kind-dev');
    expect(await approvedKubeContext(plan('cd chart && sudo helm upgrade web .'), {}, registry, async () => 'kind-dev')).toBe('kind-dev');
    expect(await approvedKubeContext(plan('kubectx prod-eu'), {}, registry, async () => 'kind-dev')).toBe('kind-dev');
    expect(await approvedKubeContext(plan('find . -exec kubectl delete -f {} \\;'), {}, registry, async () => 'kind-dev')).toBe('kind-dev');
    expect(await approvedKubeContext(plan("echo 'kubectl delete ns prod' | bash"), {}, registry, async () => 'kind-dev')).toBe('kind-dev');
    expect(await approvedKubeContext(plan('echo kubectl'), {}, registry, async () => 'kind-dev')).toBeUndefined();
  });
});
