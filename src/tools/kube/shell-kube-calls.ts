import { KUBECTL_VALUE_FLAGS, positionals } from '../../policy/cluster-tools.js';
import { shellCommands, type ShellParser } from '../../policy/index.js';
import { TEMPLATE } from '../../planning/templates.js';
import { parseShell } from '../shell-parser.js';
import { scopeFromArgv, type KubeProgram, type KubeScope, type ShellKubeProgram } from './kube-scope.js';

/** The word a `{{ … }}` of a line not rendered yet is read as. */
export const TEMPLATE_WORD = 'KSA_TEMPLATE';

/** A kubectl or helm command inside a shell step, with the cluster it names; or a kubectx that switches the context. */
export type ShellKubeCall = { readonly program: ShellKubeProgram; readonly scope: KubeScope };

/**
 * Variables that send kubectl/helm to another kubeconfig, API server, context or credentials
 * (helm reads the HELM_KUBE* ones). Set by the line or the step's `env`, they point the call past
 * the pin: which cluster they name is only known when the command runs.
 */
const RETARGET_VARIABLES: Readonly<Record<KubeProgram, readonly string[]>> = {
  kubectl: ['KUBECONFIG'],
  helm: ['KUBECONFIG', 'HELM_KUBECONTEXT', 'HELM_KUBEAPISERVER', 'HELM_KUBETOKEN', 'HELM_KUBECAFILE'],
};

/**
 * The kubectl and helm commands a shell line runs (behind `sudo`, `env`, in `bash -c` strings,
 * pipelines and lists, as the deny rules find them), each with the context it names, and the
 * flag or variable that points it past its context (`--kubeconfig`, `KUBECONFIG=…`). A word that
 * only mentions kubectl (`echo kubectl`) is no command. A command that switches the current
 * context to X (`kubectl config use-context X`, `kubectx X`…) names X: the commands after it in the
 * line would run there, and the pin looks only before the step.
 */
export async function shellKubeCalls(
  command: string,
  options: { readonly env?: Readonly<Record<string, unknown>>; readonly parse?: ShellParser } = {},
): Promise<ShellKubeCall[]> {
  const parse = options.parse ?? parseShell;
  const stepEnv = Object.keys(options.env ?? {});
  const calls: ShellKubeCall[] = [];
  // `{{ … }}` of a line not rendered yet (the plan before its run) is one opaque word.
  for (const found of await shellCommands(command.replace(TEMPLATE, TEMPLATE_WORD), parse)) {
    const args = found.args.map((word) => word.literal ?? word.text);
    if (found.name === 'kubectx') {
      const switched = kubectxTarget(args);
      if (switched !== undefined) calls.push({ program: 'kubectx', scope: { context: switched } });
      continue;
    }
    if (found.name !== 'kubectl' && found.name !== 'helm') continue;
    const program: KubeProgram = found.name;
    const scope = scopeFromArgv(args);
    const variable = RETARGET_VARIABLES[program].find((name) => found.assigned.has(name) || stepEnv.includes(name));
    const switched = program === 'kubectl' ? switchedContext(args) : undefined;
    calls.push({
      program,
      scope: {
        ...scope,
        // `kubectl --context a config use-context b` touches no cluster: what counts is where it moves the line.
        ...(switched !== undefined ? { context: switched } : {}),
        ...(scope.retarget === undefined && variable !== undefined ? { retarget: variable } : {}),
      },
    });
  }
  return calls;
}

/**
 * The context a kubectl command switches the kubeconfig to: `kubectl config use-context X` (`use X`),
 * `kubectl config set current-context X`, and `kubectl ctx X` (kubectx as a kubectl plugin).
 */
function switchedContext(args: readonly string[]): string | undefined {
  const [verb, sub, property, value] = positionals(args, KUBECTL_VALUE_FLAGS);
  if (verb === 'ctx') return kubectxTarget(args.slice(args.indexOf('ctx') + 1));
  if (verb !== 'config') return undefined;
  if (sub === 'use-context' || sub === 'use') return property;
  return sub === 'set' && property === 'current-context' ? value : undefined;
}

/** `kubectx X` switches to X, `kubectx -` to the context before; `kubectx NEW=OLD` (a rename), a bare `kubectx` (the list) and its flags switch nothing. */
function kubectxTarget(args: readonly string[]): string | undefined {
  const [first] = args;
  if (first === undefined || (first.startsWith('-') && first !== '-') || first.includes('=')) return undefined;
  return first;
}
