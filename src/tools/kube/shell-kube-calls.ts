import { KUBECTL_VALUE_FLAGS, positionals } from '../../policy/cluster-tools.js';
import { commandValues, shellCommands, type ShellCommand, type ShellParser } from '../../policy/index.js';
import { TEMPLATE } from '../../planning/templates.js';
import { parseShell } from '../shell-parser.js';
import { exportedVariables, type ExportedVariables } from './exported-variables.js';
import { kubectlNamespaceSwitch, kubensSwitch, type NamespaceSwitch } from './namespace-switch.js';
import { scopeFromArgv, type KubeProgram, type KubeScope, type ShellKubeProgram } from './kube-scope.js';

/** The word a `{{ … }}` of a line not rendered yet is read as. */
export const TEMPLATE_WORD = 'KSA_TEMPLATE';

/**
 * A kubectl or helm command inside a shell step, with the cluster it names; or a kubectx/kubens that switches the context or namespace.
 * `switches`: it moves the kubeconfig's current context to its scope's (the line's later commands that name none run there).
 * `setsNamespace`: it sets a context's namespace (the line's later commands there that name none work in it).
 * `previous`: the switch is kubectx's `-` (`kubectx -`, `kubectl ctx -`), back to the context before; kubectl's own
 * `config use-context -` names a context called `-`. `kubectx`: the switch is kubectx's run as a kubectl plugin
 * (`kubectl ctx prod`), which keeps the context it leaves for a later `-`, as kubectx does and kubectl's own does not.
 */
export type ShellKubeCall = { readonly program: ShellKubeProgram; readonly scope: KubeScope; readonly switches?: true; readonly previous?: true; readonly kubectx?: true; readonly setsNamespace?: NamespaceSwitch };

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
 * The kubectl and helm commands a shell line runs (behind `sudo`, `env`, in `bash -c` strings, in code
 * a shell reads from a pipe or here-document, pipelines and lists, as the deny rules find them), each with the context it names, and the
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
  // A value that is not text is known only at run time.
  const stepValues = new Map(Object.entries(options.env ?? {}).map(([name, value]) => [name, typeof value === 'string' ? value : undefined]));
  const calls: ShellKubeCall[] = [];
  // `{{ … }}` of a line not rendered yet (the plan before its run) is one opaque word.
  const line = command.replace(TEMPLATE, TEMPLATE_WORD);
  // Code a shell reads on stdin (`echo 'kubectl delete ns prod' | bash`, `bash <<'E'`) is followed as deny rules follow it.
  const commands = await shellCommands(line, parse, { stdinCode: true });
  // Read once, for a helm command the line assigns HELM_NAMESPACE around.
  let exported: Promise<ExportedVariables> | undefined;
  const exports = async (name: string) => {
    const found = await (exported ??= exportedVariables(line, commands, parse));
    return found.all || found.names.has(name);
  };
  // A variable has the value the line or the step's env writes down; one the line sets to what
  // only the run tells (`NS=$(…)`, `NS=x kubectl`, after its words are expanded) has none here,
  // nor has one the line may change unseen (`. ./env.sh`, `eval`, `unset NS`), or bash sets itself (`UID`), or an IFS
  // would split: the env's value may not be the one read.
  const variableValues = (found: ShellCommand) => commandValues(found, stepValues);
  for (const found of commands) {
    const args = found.args.map((word) => word.literal ?? word.text);
    if (found.name === 'kubectx') {
      const switched = kubectxTarget(args);
      if (switched !== undefined) calls.push({ program: 'kubectx', scope: { context: switched }, switches: true, ...(switched === '-' ? { previous: true as const } : {}) });
      continue;
    }
    if (found.name === 'kubens') {
      const switched = kubensSwitch(args);
      if (switched !== undefined) calls.push({ program: 'kubens', scope: {}, setsNamespace: namespaceSwitchOf(switched, variableValues(found)) });
      continue;
    }
    if (found.name !== 'kubectl' && found.name !== 'helm') continue;
    const program: KubeProgram = found.name;
    const valueOf = variableValues(found);
    // helm's process also gets what its own prefixes (`HELM_NAMESPACE=web helm …`, `env HELM_NAMESPACE=web helm …`) set, or unset (`env -u`).
    // What the line assigns otherwise reaches it only exported (`export HELM_NAMESPACE=web`), or already in the environment (the step's env).
    const helmNamespace = found.environment.has('HELM_NAMESPACE') || found.cleanEnvironment
      ? { known: true, value: found.environment.has('HELM_NAMESPACE') ? found.environment.get('HELM_NAMESPACE') : '' }
      : {
          known: stepEnv.includes('HELM_NAMESPACE') || (program === 'helm' && (found.assigned.has('HELM_NAMESPACE') || found.mayChange('HELM_NAMESPACE')) && (await exports('HELM_NAMESPACE'))),
          value: valueOf('HELM_NAMESPACE'),
        };
    const argvScope = scopeFromArgv(args);
    const scope = { ...argvScope, ...namespaceOf(program, argvScope.namespace, helmNamespace, valueOf) };
    const variable = RETARGET_VARIABLES[program].find((name) => found.assigned.has(name) || stepEnv.includes(name));
    const switched = program === 'kubectl' ? switchedContext(args) : undefined;
    const setsNamespace = program === 'kubectl' ? kubectlNamespaceSwitch(args, argvScope.namespace) : undefined;
    calls.push({
      program,
      scope: {
        ...scope,
        // `kubectl --context a config use-context b` touches no cluster: what counts is where it moves the line.
        ...(switched !== undefined ? { context: switched } : {}),
        ...(scope.retarget === undefined && variable !== undefined ? { retarget: variable } : {}),
      },
      ...(switched !== undefined ? { switches: true as const } : {}),
      ...(switched !== undefined && positionals(args, KUBECTL_VALUE_FLAGS)[0] === 'ctx' ? { kubectx: true as const, ...(switched === '-' ? { previous: true as const } : {}) } : {}),
      ...(setsNamespace !== undefined ? { setsNamespace: namespaceSwitchOf(setsNamespace, valueOf) } : {}),
    });
  }
  return calls;
}

/** A namespace switch's value with its variable filled in as -n's is (`kubens "$NS"`); `-` (the one before) stays as written. */
function namespaceSwitchOf(switched: NamespaceSwitch, valueOf: (name: string) => string | undefined): NamespaceSwitch {
  if (switched.namespace === '-') return switched;
  const { namespace } = namespaceOf('kubectl', switched.namespace, { known: false, value: undefined }, valueOf);
  return { ...switched, namespace: namespace ?? switched.namespace };
}

/** `$NS`, `${NS}`, `"$NS"`: a word that is one variable's value. */
const VARIABLE_WORD = /^("?)\$(?:([A-Za-z_]\w*)|\{([A-Za-z_]\w*)\})\1$/;

/**
 * The namespace of a command: its -n, a variable filled in where its value is written down
 * (else left as `$NS`, known when it runs); for helm without -n, its HELM_NAMESPACE.
 */
function namespaceOf(
  program: KubeProgram,
  flag: string | undefined,
  helmNamespace: { readonly known: boolean; readonly value: string | undefined },
  valueOf: (name: string) => string | undefined,
): { namespace?: string } {
  if (flag === undefined) {
    // An empty HELM_NAMESPACE is none: helm uses the context's.
    if (program !== 'helm' || !helmNamespace.known || helmNamespace.value === '') return {};
    return { namespace: helmNamespace.value ?? '$HELM_NAMESPACE' };
  }
  const match = VARIABLE_WORD.exec(flag);
  // Another expansion (`"${NS:-web}"`, `"$APP-prod"`) is shown as written, without the shell's quotes: known at run time.
  if (!match) return { namespace: flag.includes('$') ? flag.replace(/["']/g, '') : flag };
  const name = (match[2] ?? match[3])!;
  return { namespace: valueOf(name) || `$${name}` };
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
