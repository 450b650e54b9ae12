import { shellCommands, type ShellParser } from '../../policy/index.js';
import { TEMPLATE } from '../../planning/templates.js';
import { parseShell } from '../shell-parser.js';
import { scopeFromArgv, type KubeProgram, type KubeScope } from './kube-scope.js';

/** A kubectl or helm command inside a shell step, with the cluster it names. */
export type ShellKubeCall = { readonly program: KubeProgram; readonly scope: KubeScope };

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
 * only mentions kubectl (`echo kubectl`) is no command. `kubectl config use-context X` names X:
 * the commands after it in the line would run there, and the pin looks only before the step.
 */
export async function shellKubeCalls(
  command: string,
  options: { readonly env?: Readonly<Record<string, unknown>>; readonly parse?: ShellParser } = {},
): Promise<ShellKubeCall[]> {
  const parse = options.parse ?? parseShell;
  const stepEnv = Object.keys(options.env ?? {});
  const calls: ShellKubeCall[] = [];
  // `{{ … }}` of a line not rendered yet (the plan before its run) is one opaque word.
  for (const found of await shellCommands(command.replace(TEMPLATE, 'KSA_TEMPLATE'), parse)) {
    if (found.name !== 'kubectl' && found.name !== 'helm') continue;
    const program: KubeProgram = found.name;
    const args = found.args.map((word) => word.literal ?? word.text);
    const scope = scopeFromArgv(args);
    const variable = RETARGET_VARIABLES[program].find((name) => found.assigned.has(name) || stepEnv.includes(name));
    const switched = program === 'kubectl' ? switchedContext(args) : undefined;
    calls.push({
      program,
      scope: {
        ...scope,
        ...(scope.context === undefined && switched !== undefined ? { context: switched } : {}),
        ...(scope.retarget === undefined && variable !== undefined ? { retarget: variable } : {}),
      },
    });
  }
  return calls;
}

/** The context `kubectl config use-context X` (or `use X`) switches to. */
function switchedContext(args: readonly string[]): string | undefined {
  const config = args.indexOf('config');
  if (config === -1 || !['use-context', 'use'].includes(args[config + 1] ?? '')) return undefined;
  return args.slice(config + 2).find((arg) => !arg.startsWith('-'));
}
