import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';
import { kubeTargets } from '../../src/tui/plan-lines.js';
import { describer } from '../../src/tui/tool-describer.js';

// The "cluster … · namespace …" line of each step, as the plan card and ksa run's printed plan show it.

const tools = describer(createBuiltinRegistry(), { context: 'kind-dev', namespace: 'shop', namespaces: { 'kind-dev': 'shop', 'prod-eu': 'web' } });

async function targetsOf(steps: PlanInput['steps'], inputs?: PlanInput['inputs']): Promise<Record<string, string[]>> {
  const plan = PlanSchema.parse({ goal: 'look at the cluster', steps, ...(inputs ? { inputs } : {}) });
  const shellKube = await tools.shellKube!(plan);
  return Object.fromEntries(plan.steps.map((step) => [step.id, kubeTargets(step, tools, plan.inputs, shellKube)]));
}

describe('the cluster line: --all-namespaces with a value', () => {
  it('reads the value of --all-namespaces=false and -A=false as kubectl does, for the kubectl tool and shell lines', async () => {
    expect(
      await targetsOf([
        { id: 'tool', tool: 'kubectl', args: { args: ['get', 'pods', '--all-namespaces=false', '-n', 'x'] } },
        { id: 'line', tool: 'shell', args: { command: 'kubectl get pods --all-namespaces=false -n x' } },
        { id: 'short', tool: 'shell', args: { command: 'kubectl get pods -A=false' } },
        { id: 'on', tool: 'shell', args: { command: 'kubectl get pods --all-namespaces=true' } },
        { id: 'short-on', tool: 'kubectl', args: { args: ['get', 'pods', '-A=true'] } },
        { id: 'bare', tool: 'shell', args: { command: 'kubectl get pods --all-namespaces' } },
      ]),
    ).toEqual({
      tool: ['cluster kind-dev (current) · namespace x'],
      line: ['cluster kind-dev (current) · namespace x'],
      short: ["cluster kind-dev (current) · namespace shop (the context's)"],
      on: ['cluster kind-dev (current) · all namespaces'],
      'short-on': ['cluster kind-dev (current) · all namespaces'],
      bare: ['cluster kind-dev (current) · all namespaces'],
    });
  });
});

describe('the cluster line of a shell step: namespaces set through variables', () => {
  it('fills a variable of -n from the step env or an assignment of the line; else names it, known at run time, without quotes', async () => {
    expect(
      await targetsOf([
        { id: 'env', tool: 'shell', args: { command: 'kubectl get pods -n "$NS"', env: { NS: 'web' } } },
        { id: 'braced', tool: 'shell', args: { command: 'kubectl get pods --namespace=${NS}', env: { NS: 'web' } } },
        { id: 'line', tool: 'shell', args: { command: 'NS=api; kubectl get pods -n "$NS"' } },
        { id: 'exported', tool: 'shell', args: { command: 'export NS=api && kubectl get pods -n $NS', env: { NS: 'web' } } },
        { id: 'unset', tool: 'shell', args: { command: 'kubectl get pods -n "$NS"' } },
        { id: 'computed', tool: 'shell', args: { command: 'NS=$(cat ns.txt); kubectl get pods -n "$NS"', env: { NS: 'web' } } },
        // A prefix sets the variable for kubectl's process, after its words were expanded.
        { id: 'prefix', tool: 'shell', args: { command: 'NS=api kubectl get pods -n "$NS"' } },
      ]),
    ).toEqual({
      env: ['cluster kind-dev (current) · namespace web'],
      braced: ['cluster kind-dev (current) · namespace web'],
      line: ['cluster kind-dev (current) · namespace api'],
      exported: ['cluster kind-dev (current) · namespace api'],
      unset: ['cluster kind-dev (current) · namespace $NS (set at run time)'],
      computed: ['cluster kind-dev (current) · namespace $NS (set at run time)'],
      prefix: ['cluster kind-dev (current) · namespace $NS (set at run time)'],
    });
  });

  it('shows no value of the step env for a variable the line may change unseen: sourced, eval, unset, read, printf -v, :=, in bash -c', async () => {
    const env = { NS: 'staging' };
    expect(
      await targetsOf([
        { id: 'sourced', tool: 'shell', args: { command: '. ./env.sh; kubectl delete pods --all -n "$NS"', env } },
        { id: 'source', tool: 'shell', args: { command: 'source ./env.sh && kubectl delete pods --all -n $NS', env } },
        { id: 'eval', tool: 'shell', args: { command: 'eval "$(cat env.sh)"; kubectl delete pods --all -n "$NS"', env } },
        { id: 'unset', tool: 'shell', args: { command: 'unset NS; kubectl delete pods --all -n "$NS"', env } },
        { id: 'read', tool: 'shell', args: { command: 'read -r NS < ns.txt; kubectl delete pods --all -n "$NS"', env } },
        { id: 'printf', tool: 'shell', args: { command: 'printf -v NS prod; kubectl delete pods --all -n "$NS"', env } },
        { id: 'default', tool: 'shell', args: { command: ': "${NS:=prod}"; kubectl delete pods --all -n "$NS"', env } },
        { id: 'script', tool: 'shell', args: { command: "bash -c '. ./env.sh; kubectl delete pods --all -n \"$NS\"'", env } },
        { id: 'outer', tool: 'shell', args: { command: ". ./env.sh; bash -c 'kubectl delete pods --all -n \"$NS\"'", env } },
        // Nothing in the line touches NS: the env's value is the one read.
        { id: 'kept', tool: 'shell', args: { command: 'echo go; kubectl delete pods --all -n "$NS"', env } },
      ]),
    ).toEqual({
      sourced: ['cluster kind-dev (current) · namespace $NS (set at run time)'],
      source: ['cluster kind-dev (current) · namespace $NS (set at run time)'],
      eval: ['cluster kind-dev (current) · namespace $NS (set at run time)'],
      unset: ['cluster kind-dev (current) · namespace $NS (set at run time)'],
      read: ['cluster kind-dev (current) · namespace $NS (set at run time)'],
      printf: ['cluster kind-dev (current) · namespace $NS (set at run time)'],
      // What the line reads of NS is not taken from the env here, so `:=` may give its default too: both are said.
      default: ['cluster kind-dev (current) · namespace $NS (set at run time)', 'cluster kind-dev (current) · namespace prod'],
      script: ['cluster kind-dev (current) · namespace $NS (set at run time)'],
      outer: ['cluster kind-dev (current) · namespace $NS (set at run time)'],
      kept: ['cluster kind-dev (current) · namespace staging'],
    });
  });

  it('shows no value of the step env for a variable bash sets itself, nor where an IFS of the step or the line splits values', async () => {
    expect(
      await targetsOf([
        // bash sets UID as it starts, whatever the step env says.
        { id: 'bash-own', tool: 'shell', args: { command: 'kubectl delete pods --all -n $UID', env: { UID: 'staging' } } },
        { id: 'step-ifs', tool: 'shell', args: { command: 'kubectl delete pods --all -n $NS', env: { NS: 'shop-prod', IFS: '-' } } },
        { id: 'line-ifs', tool: 'shell', args: { command: 'read -r IFS < sep.txt; kubectl delete pods --all -n $NS', env: { NS: 'shop-prod' } } },
        { id: 'kept', tool: 'shell', args: { command: 'kubectl delete pods --all -n $NS', env: { NS: 'shop-prod' } } },
      ]),
    ).toEqual({
      'bash-own': ['cluster kind-dev (current) · namespace $UID (set at run time)'],
      'step-ifs': ['cluster kind-dev (current) · namespace $NS (set at run time)'],
      'line-ifs': ['cluster kind-dev (current) · namespace $NS (set at run time)'],
      kept: ['cluster kind-dev (current) · namespace shop-prod'],
    });
  });

  it("helm without its HELM_NAMESPACE (env -u, env -i) uses the context's namespace; one the line may set unseen is known at run time", async () => {
    const env = { HELM_NAMESPACE: 'web' };
    expect(
      await targetsOf([
        { id: 'env-u', tool: 'shell', args: { command: 'env -u HELM_NAMESPACE helm uninstall app', env } },
        { id: 'unset-flag', tool: 'shell', args: { command: 'env --unset=HELM_NAMESPACE helm uninstall app', env } },
        { id: 'sourced', tool: 'shell', args: { command: '. ./env.sh; helm uninstall app', env } },
        { id: 'unset', tool: 'shell', args: { command: 'unset HELM_NAMESPACE; helm uninstall app', env } },
        { id: 'env-i', tool: 'shell', args: { command: "HELM_NAMESPACE=api env -i bash -c 'helm uninstall app'", env } },
        { id: 'env-i-set', tool: 'shell', args: { command: 'env -i HELM_NAMESPACE=api helm uninstall app', env } },
      ]),
    ).toEqual({
      'env-u': ["cluster kind-dev (current) · namespace shop (the context's)"],
      'unset-flag': ["cluster kind-dev (current) · namespace shop (the context's)"],
      sourced: ['cluster kind-dev (current) · namespace $HELM_NAMESPACE (set at run time)'],
      unset: ['cluster kind-dev (current) · namespace $HELM_NAMESPACE (set at run time)'],
      'env-i': ["cluster kind-dev (current) · namespace shop (the context's)"],
      'env-i-set': ['cluster kind-dev (current) · namespace api'],
    });
  });

  it('shows another expansion of -n without the shell quotes, known at run time; an input in the step env with its value', async () => {
    expect(
      await targetsOf([
        { id: 'default', tool: 'shell', args: { command: 'kubectl delete pods --all -n "${NS:-web}"' } },
        { id: 'joined', tool: 'shell', args: { command: 'kubectl delete pods --all -n "$APP-prod"', env: { APP: 'shop' } } },
        { id: 'flag', tool: 'shell', args: { command: "kubectl delete pods --all --namespace=\"${NS}\"-'eu'" } },
        { id: 'helm', tool: 'shell', args: { command: 'helm uninstall app -n "${NS:-web}"' } },
        { id: 'input', tool: 'shell', args: { command: 'kubectl delete pods --all -n "$NS"', env: { NS: '{{ inputs.ns }}' } } },
      ], { ns: 'prodns' }),
    ).toEqual({
      default: ['cluster kind-dev (current) · namespace ${NS:-web} (set at run time)'],
      joined: ['cluster kind-dev (current) · namespace $APP-prod (set at run time)'],
      flag: ['cluster kind-dev (current) · namespace ${NS}-eu (set at run time)'],
      helm: ['cluster kind-dev (current) · namespace ${NS:-web} (set at run time)'],
      input: ['cluster kind-dev (current) · namespace prodns'],
    });
  });

  it("helm's HELM_NAMESPACE, from the line or the step env, is its namespace when no -n names one", async () => {
    expect(
      await targetsOf([
        { id: 'prefix', tool: 'shell', args: { command: 'HELM_NAMESPACE=web helm list' } },
        { id: 'env', tool: 'shell', args: { command: 'helm list', env: { HELM_NAMESPACE: 'web' } } },
        { id: 'wrapper', tool: 'shell', args: { command: 'sudo env HELM_NAMESPACE=web helm list' } },
        { id: 'script', tool: 'shell', args: { command: "HELM_NAMESPACE=web bash -c 'helm list'" } },
        { id: 'flag', tool: 'shell', args: { command: 'helm list -n billing', env: { HELM_NAMESPACE: 'web' } } },
        { id: 'computed', tool: 'shell', args: { command: 'HELM_NAMESPACE=$(cat ns.txt) helm list' } },
        // kubectl reads no such variable.
        { id: 'kubectl', tool: 'shell', args: { command: 'kubectl get pods', env: { HELM_NAMESPACE: 'web' } } },
      ]),
    ).toEqual({
      prefix: ['cluster kind-dev (current) · namespace web'],
      env: ['cluster kind-dev (current) · namespace web'],
      wrapper: ['cluster kind-dev (current) · namespace web'],
      script: ['cluster kind-dev (current) · namespace web'],
      flag: ['cluster kind-dev (current) · namespace billing'],
      computed: ['cluster kind-dev (current) · namespace $HELM_NAMESPACE (set at run time)'],
      kubectl: ["cluster kind-dev (current) · namespace shop (the context's)"],
    });
  });
});

describe('the cluster line of a shell step that switches the context first', () => {
  it('shows the commands after the switch in the context it switches to, or one known only at run time as such', async () => {
    expect(
      await targetsOf([
        { id: 'use', tool: 'shell', args: { command: 'kubectl config use-context prod-eu && kubectl delete deploy web' } },
        { id: 'kubectx', tool: 'shell', args: { command: 'kubectx prod-eu; kubectl delete deploy web -n api' } },
        { id: 'set', tool: 'shell', args: { command: "sudo bash -c 'kubectl config set current-context prod-eu' && helm uninstall app" } },
        { id: 'variable', tool: 'shell', args: { command: 'kubectl config use-context "$CTX" && kubectl delete deploy web' } },
        // What names its own context, or runs before the switch, is not moved.
        { id: 'named', tool: 'shell', args: { command: 'kubectl config use-context prod-eu && kubectl --context kind-dev delete deploy web' } },
        { id: 'before', tool: 'shell', args: { command: 'kubectl delete deploy web; kubectl config use-context prod-eu' } },
      ]),
    ).toEqual({
      use: ["cluster prod-eu · namespace web (the context's)"],
      kubectx: ["cluster prod-eu · namespace web (the context's)", 'cluster prod-eu · namespace api'],
      set: ["cluster prod-eu · namespace web (the context's)"],
      variable: ['cluster $CTX (set at run time) · the namespace of context $CTX'],
      named: ["cluster prod-eu · namespace web (the context's)", "cluster kind-dev · namespace shop (the context's)"],
      before: ["cluster kind-dev (current) · namespace shop (the context's)", "cluster prod-eu · namespace web (the context's)"],
    });
  });
});

describe("the cluster line of a shell step: helm's HELM_NAMESPACE set by the line", () => {
  it('counts only when exported (export, set -a, a prefix) or in the environment already; a plain assignment stays the shell\'s', async () => {
    expect(
      await targetsOf([
        { id: 'plain', tool: 'shell', args: { command: 'HELM_NAMESPACE=web; helm list' } },
        { id: 'other-command', tool: 'shell', args: { command: 'HELM_NAMESPACE=web helm list; helm status app' } },
        { id: 'child', tool: 'shell', args: { command: "HELM_NAMESPACE=web; bash -c 'helm list'" } },
        { id: 'inner', tool: 'shell', args: { command: "bash -c 'HELM_NAMESPACE=web; helm list'" } },
        { id: 'export', tool: 'shell', args: { command: 'export HELM_NAMESPACE=web; helm list' } },
        { id: 'export-after', tool: 'shell', args: { command: 'HELM_NAMESPACE=web; export HELM_NAMESPACE; helm list' } },
        { id: 'allexport', tool: 'shell', args: { command: 'set -a; HELM_NAMESPACE=web; helm list' } },
        { id: 'inner-export', tool: 'shell', args: { command: "bash -c 'export HELM_NAMESPACE=web && helm list'" } },
        { id: 'prefix', tool: 'shell', args: { command: 'HELM_NAMESPACE=web helm list' } },
        // Already in helm's environment: the line's assignment changes what it gets.
        { id: 'step-env', tool: 'shell', args: { command: 'HELM_NAMESPACE=web; helm list', env: { HELM_NAMESPACE: 'api' } } },
        { id: 'sourced', tool: 'shell', args: { command: 'HELM_NAMESPACE=web; . ./env.sh; helm list' } },
      ]),
    ).toEqual({
      plain: ["cluster kind-dev (current) · namespace shop (the context's)"],
      'other-command': ['cluster kind-dev (current) · namespace web', "cluster kind-dev (current) · namespace shop (the context's)"],
      child: ["cluster kind-dev (current) · namespace shop (the context's)"],
      inner: ["cluster kind-dev (current) · namespace shop (the context's)"],
      export: ['cluster kind-dev (current) · namespace web'],
      'export-after': ['cluster kind-dev (current) · namespace web'],
      allexport: ['cluster kind-dev (current) · namespace web'],
      'inner-export': ['cluster kind-dev (current) · namespace web'],
      prefix: ['cluster kind-dev (current) · namespace web'],
      'step-env': ['cluster kind-dev (current) · namespace web'],
      sourced: ['cluster kind-dev (current) · namespace $HELM_NAMESPACE (set at run time)'],
    });
  });
});

describe('the cluster line of a shell step that switches the namespace first', () => {
  it("shows the commands after kubens or kubectl config set-context … --namespace in that namespace, in the context it was set for", async () => {
    expect(
      await targetsOf([
        { id: 'kubens', tool: 'shell', args: { command: 'kubens api && kubectl delete deploy web' } },
        { id: 'sudo', tool: 'shell', args: { command: "sudo kubens api; bash -c 'helm uninstall app'" } },
        { id: 'plugin', tool: 'shell', args: { command: 'kubectl ns api && kubectl delete deploy web' } },
        { id: 'current', tool: 'shell', args: { command: 'kubectl config set-context --current --namespace=api && kubectl delete deploy web' } },
        { id: 'variable', tool: 'shell', args: { command: 'kubens "$NS" && kubectl delete deploy web', env: { NS: 'api' } } },
        { id: 'unknown', tool: 'shell', args: { command: 'kubectl config set-context --current --namespace "$NS"; kubectl delete deploy web' } },
        // The named context's namespace: the current one's, or the one a later switch moves to.
        { id: 'named', tool: 'shell', args: { command: 'kubectl config set-context kind-dev --namespace api && kubectl delete deploy web' } },
        { id: 'other', tool: 'shell', args: { command: 'kubectl config set-context prod-eu --namespace=api && kubectx prod-eu && kubectl delete deploy web' } },
        { id: 'property', tool: 'shell', args: { command: 'kubectl config set contexts.kind-dev.namespace api; kubectl delete deploy web' } },
        // kubens sets the namespace of the context current then: back in kind-dev, its own again.
        { id: 'switched', tool: 'shell', args: { command: 'kubectx prod-eu && kubens api && kubectl delete deploy web; kubectx kind-dev; kubectl delete deploy web' } },
        { id: 'previous', tool: 'shell', args: { command: 'kubens - && kubectl delete deploy web' } },
        { id: 'unset', tool: 'shell', args: { command: 'kubens -u && kubectl delete deploy web' } },
        // What names its own namespace, or runs before the switch, is not moved; a bare kubens only lists.
        { id: 'flag', tool: 'shell', args: { command: 'kubens api && kubectl delete deploy web -n billing' } },
        { id: 'before', tool: 'shell', args: { command: 'kubectl delete deploy web; kubens api' } },
        { id: 'list', tool: 'shell', args: { command: 'kubens; kubens -c; kubectl delete deploy web' } },
      ]),
    ).toEqual({
      kubens: ['cluster kind-dev (current) · namespace api'],
      sudo: ['cluster kind-dev (current) · namespace api'],
      plugin: ['cluster kind-dev (current) · namespace api'],
      current: ['cluster kind-dev (current) · namespace api'],
      variable: ['cluster kind-dev (current) · namespace api'],
      unknown: ['cluster kind-dev (current) · namespace $NS (set at run time)'],
      named: ['cluster kind-dev (current) · namespace api'],
      other: ['cluster prod-eu · namespace api'],
      property: ['cluster kind-dev (current) · namespace api'],
      switched: ["cluster prod-eu · namespace web (the context's)", 'cluster prod-eu · namespace api', "cluster kind-dev · namespace shop (the context's)"],
      previous: ['cluster kind-dev (current) · namespace the previous one (set at run time)'],
      unset: ['cluster kind-dev (current) · namespace default'],
      flag: ['cluster kind-dev (current) · namespace api', 'cluster kind-dev (current) · namespace billing'],
      before: ["cluster kind-dev (current) · namespace shop (the context's)", 'cluster kind-dev (current) · namespace api'],
      list: ["cluster kind-dev (current) · namespace shop (the context's)"],
    });
  });

  it('shows kubectx - as the previous context, known at run time, not as a context named "-"', async () => {
    expect(await targetsOf([{ id: 'back', tool: 'shell', args: { command: 'kubectx - && kubectl delete deploy web' } }])).toEqual({
      back: ["cluster the previous context (set at run time) · that context's namespace"],
    });
  });
});

describe('the cluster line of a shell step that sets another context', () => {
  it('kubectx X; kubectx - is back in the context the line started in: the current one, with its namespace', async () => {
    expect(
      await targetsOf([
        { id: 'back', tool: 'shell', args: { command: 'kubectx prod-eu; kubectx -; kubectl delete deploy web' } },
        { id: 'use-context', tool: 'shell', args: { command: 'kubectl config use-context prod-eu && kubectl config use-context - && kubectl delete deploy web' } },
        { id: 'twice', tool: 'shell', args: { command: 'kubectx prod-eu; kubectx -; kubectx -; kubectl delete deploy web' } },
        { id: 'after-unknown', tool: 'shell', args: { command: 'kubectx -; kubectx -; kubectl delete deploy web' } },
      ]),
    ).toEqual({
      back: ["cluster prod-eu · namespace web (the context's)", "cluster kind-dev (current) · namespace shop (the context's)"],
      // kubectl has no previous context: its `-` is a context named "-", not kubectx's previous one.
      'use-context': ["cluster prod-eu · namespace web (the context's)", 'cluster "-" · the namespace of context "-"'],
      twice: ["cluster prod-eu · namespace web (the context's)", "cluster kind-dev (current) · namespace shop (the context's)"],
      'after-unknown': ["cluster the previous context (set at run time) · that context's namespace", "cluster kind-dev (current) · namespace shop (the context's)"],
    });
  });

  it('kubectl ctx - (kubectx as a kubectl plugin) goes back as kubectx - does; kubectl config use-context - names a context "-"', async () => {
    expect(
      await targetsOf([
        { id: 'plugin', tool: 'shell', args: { command: 'kubectl ctx prod-eu; kubectl ctx -; kubectl delete deploy web' } },
        { id: 'mixed', tool: 'shell', args: { command: 'kubectx prod-eu && kubectl ctx - && kubectl delete deploy web' } },
        { id: 'plugin-alone', tool: 'shell', args: { command: 'kubectl ctx - && kubectl delete deploy web' } },
        { id: 'use-context', tool: 'shell', args: { command: 'kubectl config use-context - && kubectl delete deploy web' } },
        { id: 'after-use-context', tool: 'shell', args: { command: 'kubectl config use-context prod-eu; kubectl config use-context -; kubectl delete deploy web' } },
      ]),
    ).toEqual({
      plugin: ["cluster prod-eu · namespace web (the context's)", "cluster kind-dev (current) · namespace shop (the context's)"],
      mixed: ["cluster prod-eu · namespace web (the context's)", "cluster kind-dev (current) · namespace shop (the context's)"],
      'plugin-alone': ["cluster the previous context (set at run time) · that context's namespace"],
      'use-context': ['cluster "-" · the namespace of context "-"'],
      'after-use-context': ["cluster prod-eu · namespace web (the context's)", 'cluster "-" · the namespace of context "-"'],
    });
  });

  it('kubectx - after a switch kubectl made goes where kubectx last left, known only at run time', async () => {
    expect(
      await targetsOf([
        { id: 'between', tool: 'shell', args: { command: 'kubectx prod-eu; kubectl config use-context staging; kubectx -; kubectl delete deploy web -n web' } },
        { id: 'plugin', tool: 'shell', args: { command: 'kubectl ctx prod-eu && kubectl config use-context staging && kubectl ctx - && kubectl delete deploy web -n web' } },
        { id: 'first', tool: 'shell', args: { command: 'kubectl config use-context staging; kubectx -; kubectl delete deploy web -n web' } },
        // A switch by kubectx after kubectl's is kept: its - goes back to it.
        { id: 'after', tool: 'shell', args: { command: 'kubectl config use-context staging; kubectx prod-eu; kubectx -; kubectl delete deploy web -n web' } },
        { id: 'plugin-after', tool: 'shell', args: { command: 'kubectl config use-context staging; kubectl ctx prod-eu; kubectl ctx -; kubectl delete deploy web -n web' } },
      ]),
    ).toEqual({
      between: ["cluster prod-eu · namespace web (the context's)", 'cluster staging · the namespace of context staging', "cluster the previous context (set at run time) · that context's namespace", 'cluster the previous context (set at run time) · namespace web'],
      plugin: ["cluster prod-eu · namespace web (the context's)", 'cluster staging · the namespace of context staging', "cluster the previous context (set at run time) · that context's namespace", 'cluster the previous context (set at run time) · namespace web'],
      first: ['cluster staging · the namespace of context staging', "cluster the previous context (set at run time) · that context's namespace", 'cluster the previous context (set at run time) · namespace web'],
      after: ['cluster staging · the namespace of context staging', "cluster prod-eu · namespace web (the context's)", 'cluster staging · namespace web'],
      'plugin-after': ['cluster staging · the namespace of context staging', "cluster prod-eu · namespace web (the context's)", 'cluster staging · namespace web'],
    });
  });

  it("kubectl config set-context of another context touches no cluster: the current context's line stays as it is", async () => {
    expect(
      await targetsOf([
        { id: 'other', tool: 'shell', args: { command: 'kubectl config set-context prod-eu --namespace=x; kubectl delete deploy web' } },
        { id: 'property', tool: 'shell', args: { command: 'kubectl config set contexts.prod-eu.namespace x && kubectl delete deploy web' } },
        { id: 'alone', tool: 'shell', args: { command: 'kubectl config set-context prod-eu --namespace=x' } },
        { id: 'later', tool: 'shell', args: { command: 'kubectl config set-context prod-eu --namespace=x && kubectl delete deploy web && kubectl config use-context prod-eu && kubectl delete deploy web' } },
        { id: 'switched', tool: 'shell', args: { command: 'kubectx prod-eu; kubectl config set-context kind-dev --namespace=x; kubectl delete deploy web; kubectx kind-dev; kubectl delete deploy web' } },
      ]),
    ).toEqual({
      other: ["cluster kind-dev (current) · namespace shop (the context's)"],
      property: ["cluster kind-dev (current) · namespace shop (the context's)"],
      alone: [],
      later: ["cluster kind-dev (current) · namespace shop (the context's)", 'cluster prod-eu · namespace x'],
      switched: ["cluster prod-eu · namespace web (the context's)", 'cluster kind-dev · namespace x'],
    });
  });
});

describe('the cluster line of a shell step: helm namespace set by a declaration with flags', () => {
  it('reads declare -x, typeset -x and declare -rx as export; export -n takes HELM_NAMESPACE from helm', async () => {
    expect(
      await targetsOf([
        { id: 'export', tool: 'shell', args: { command: 'export HELM_NAMESPACE=web; helm uninstall app' } },
        { id: 'declare', tool: 'shell', args: { command: 'declare -x HELM_NAMESPACE=web; helm uninstall app' } },
        { id: 'typeset', tool: 'shell', args: { command: 'typeset -x HELM_NAMESPACE=web && helm uninstall app' } },
        { id: 'readonly', tool: 'shell', args: { command: 'declare -rx HELM_NAMESPACE=web; helm uninstall app' } },
        { id: 'flag', tool: 'shell', args: { command: 'declare -x NS=api; kubectl delete deploy web -n "$NS"' } },
        { id: 'reference', tool: 'shell', args: { command: 'declare -xn HELM_NAMESPACE=web; helm uninstall app' } },
        { id: 'unexported', tool: 'shell', args: { command: 'export -n HELM_NAMESPACE=web; helm uninstall app' } },
      ]),
    ).toEqual({
      export: ['cluster kind-dev (current) · namespace web'],
      declare: ['cluster kind-dev (current) · namespace web'],
      typeset: ['cluster kind-dev (current) · namespace web'],
      readonly: ['cluster kind-dev (current) · namespace web'],
      flag: ['cluster kind-dev (current) · namespace api'],
      reference: ['cluster kind-dev (current) · namespace $HELM_NAMESPACE (set at run time)'],
      unexported: ["cluster kind-dev (current) · namespace shop (the context's)"],
    });
  });
});
