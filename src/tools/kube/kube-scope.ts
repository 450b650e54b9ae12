import { z } from 'zod';

/** Which cluster and namespace a kubectl/helm call touches, as far as its arguments say. */
export type KubeScope = {
  /** The kube context named by the call; undefined = the current context of the kubeconfig. */
  readonly context?: string;
  /** The namespace named by the call; undefined = the context's namespace. */
  readonly namespace?: string;
  /** `-A` / `--all-namespaces`. */
  readonly allNamespaces?: boolean;
  /**
   * A flag in the argv that points the call at a cluster or credentials other than its
   * context's (`--kubeconfig`, `--server`): the context pin cannot check where such a call
   * goes. Only the flag's name: a `--token` value is a secret.
   */
  readonly retarget?: string;
};

export type KubeProgram = 'kubectl' | 'helm';

/** The `context` and `namespace` arguments every kubectl/helm tool takes. */
export const KubeTargetShape = {
  context: z
    .string()
    .min(1)
    .optional()
    .describe('The kube context (cluster) the step touches, passed as --context (helm: --kube-context). Plans set it to "{{ inputs.kubeContext }}". Default: the current context.'),
  namespace: z.string().min(1).optional().describe('The namespace, passed as -n. Default: the context\'s namespace.'),
};

/** The flags that name the target (kubectl and helm both take -n for the namespace). */
export function kubeFlags(program: KubeProgram, scope: KubeScope): string[] {
  const flags: string[] = [];
  if (scope.context) flags.push(program === 'helm' ? '--kube-context' : '--context', scope.context);
  if (scope.namespace) flags.push('-n', scope.namespace);
  return flags;
}

const CONTEXT_FLAGS = new Set(['--context', '--kube-context']);
/** kubectl's and helm's flags that bypass the context: another kubeconfig, API server, cluster entry or credentials. */
const RETARGET_FLAGS = new Set(['--kubeconfig', '--server', '-s', '--cluster', '--user', '--token', '--kube-apiserver', '--kube-token', '--kube-ca-file']);
const NAMESPACE_FLAGS = new Set(['-n', '--namespace']);

/** The target named inside an argv (`--context x`, `--context=x`, `-n x`, `-nx`, `--namespace=x`, `-A`); the last one wins, as in kubectl. */
export function scopeFromArgv(args: readonly unknown[]): KubeScope {
  let context: string | undefined;
  let namespace: string | undefined;
  let allNamespaces = false;
  let retarget: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = String(args[i]);
    if (arg === '--') break;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? (i + 1 < args.length ? String(args[++i]) : undefined);
    if (CONTEXT_FLAGS.has(flag)) context = value();
    else if (NAMESPACE_FLAGS.has(flag)) namespace = value();
    else if (/^-n[^-]/.test(arg)) namespace = arg.slice(2);
    else if (arg === '-A' || arg === '--all-namespaces') allNamespaces = true;
    else if (RETARGET_FLAGS.has(flag) && !ownFlag(flag, args)) retarget ??= flag;
  }
  return { ...(context ? { context } : {}), ...(namespace ? { namespace } : {}), ...(allNamespaces ? { allNamespaces } : {}), ...(retarget ? { retarget } : {}) };
}

/**
 * Where a flag of RETARGET_FLAGS is the subcommand's own: `kubectl config set-context --user x`
 * edits the kubeconfig, `kubectl create rolebinding --user alice` names a subject, `helm template -s`
 * picks a template.
 */
function ownFlag(flag: string, args: readonly unknown[]): boolean {
  const words = args.map(String);
  if (words.includes('config')) return true;
  // `helm template -s templates/x.yaml` is --show-only, not kubectl's --server.
  if (flag === '-s' && words.includes('template')) return true;
  return flag === '--user' && words.some((word) => word === 'rolebinding' || word === 'clusterrolebinding');
}

/** A call's target: the `context`/`namespace` arguments first, then what its argv says. */
export function scopeOfInput(input: { readonly context?: unknown; readonly namespace?: unknown; readonly args?: unknown }): KubeScope {
  const fromArgv = Array.isArray(input.args) ? scopeFromArgv(input.args) : {};
  const context = typeof input.context === 'string' && input.context ? input.context : fromArgv.context;
  const namespace = typeof input.namespace === 'string' && input.namespace ? input.namespace : fromArgv.namespace;
  return { ...(context ? { context } : {}), ...(namespace ? { namespace } : {}), ...(fromArgv.allNamespaces ? { allNamespaces: true } : {}), ...(fromArgv.retarget ? { retarget: fromArgv.retarget } : {}) };
}

/** Whether an argv asks for JSON output (`-o json`, `-ojson`, `-o=json`, `--output json`, `--output=json`). */
export function wantsJson(args: readonly string[]): boolean {
  return args.some((arg, i) => arg === '-ojson' || arg === '-o=json' || arg === '--output=json' || ((arg === '-o' || arg === '--output') && args[i + 1] === 'json'));
}
