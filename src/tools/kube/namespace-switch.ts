import { KUBECTL_VALUE_FLAGS, positionals } from '../../policy/cluster-tools.js';

/**
 * A command that sets a context's namespace in the kubeconfig: the commands after it in the line that
 * name no namespace work in that one. `context` undefined: the context current when it runs.
 * `namespace`: the word as written (`-`: the namespace before the last switch, known at run time).
 */
export type NamespaceSwitch = { readonly context?: string; readonly namespace: string };

/** kubectl's namespace when the context names none, as `kubens -u` leaves it. */
const NO_NAMESPACE = 'default';

/** `kubens X` (or `kubectl ns X`, its kubectl plugin), `kubens -` (the one before), `kubens -u` (none); a bare `kubens` (the list) and its other flags switch nothing. */
export function kubensSwitch(args: readonly string[]): NamespaceSwitch | undefined {
  if (args.includes('-u') || args.includes('--unset')) return { namespace: NO_NAMESPACE };
  const first = args.find((arg) => arg !== '-f' && arg !== '--force');
  if (first === undefined || (first.startsWith('-') && first !== '-')) return undefined;
  return { namespace: first };
}

/**
 * `kubectl config set-context --current --namespace=X`, `kubectl config set-context NAME --namespace=X`,
 * `kubectl config set contexts.NAME.namespace X` and `kubectl ns X`. `namespace`: the value of the
 * command's --namespace, as the caller read it (variables filled in).
 */
export function kubectlNamespaceSwitch(args: readonly string[], namespace: string | undefined): NamespaceSwitch | undefined {
  const [verb, sub, name, value] = positionals(args, KUBECTL_VALUE_FLAGS);
  if (verb === 'ns') return kubensSwitch(args.slice(args.indexOf('ns') + 1));
  if (verb !== 'config') return undefined;
  if (sub === 'set-context' && namespace !== undefined) {
    if (args.includes('--current') || args.includes('--current=true')) return { namespace };
    return name === undefined ? undefined : { context: name, namespace };
  }
  const property = sub === 'set' ? /^contexts\.(.+)\.namespace$/.exec(name ?? '') : null;
  return property && value !== undefined ? { context: property[1]!, namespace: value } : undefined;
}
