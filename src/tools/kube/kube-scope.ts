import { z } from 'zod';
import { HELM_VALUE_FLAGS, KUBECTL_VALUE_FLAGS, positionals } from '../../policy/cluster-tools.js';

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
/** A program of a shell line the context pin holds: kubectl and helm, kubectx, which switches the current context, and kubens, which sets its namespace. */
export type ShellKubeProgram = KubeProgram | 'kubectx' | 'kubens';

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
/** Any flag that takes a value, so the subcommand is found past `--kubeconfig x`. */
const VALUE_FLAGS: ReadonlySet<string> = new Set([...KUBECTL_VALUE_FLAGS, ...HELM_VALUE_FLAGS]);
/**
 * A word of shorthands as pflag reads it: switches that take no value (`-A`, `-i`, `-t`…), then
 * maybe `-n` or kubectl's `-s` with its value attached (`-nweb`, `-n=web`, `-s=URL`, `-sURL`) or next.
 */
const SHORTHANDS = /^-([ARahiqtw]*)(?:([ns])=?([\s\S]*))?$/;

/** One argument as a flag, its attached value, and the switches written with it (`-An x`: `-A`). */
function splitFlag(arg: string): { flag: string; inline?: string; switches?: string } {
  if (arg.startsWith('--')) {
    const equals = arg.indexOf('=');
    return equals === -1 ? { flag: arg } : { flag: arg.slice(0, equals), inline: arg.slice(equals + 1) };
  }
  const match = SHORTHANDS.exec(arg);
  if (!match || arg === '-') return { flag: arg };
  const [, switches = '', letter, value = ''] = match;
  if (letter === undefined) return { flag: arg, switches };
  return { flag: `-${letter}`, switches, ...(value !== '' || arg.includes('=') ? { inline: value } : {}) };
}

/** The target named inside an argv (`--context x`, `--context=x`, `-n x`, `-nx`, `-n=x`, `--namespace=x`, `-A`, `--all-namespaces=false`); the last one wins, as in kubectl. */
export function scopeFromArgv(args: readonly unknown[]): KubeScope {
  const words = args.map(String);
  let context: string | undefined;
  let namespace: string | undefined;
  let allNamespaces = false;
  let retarget: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const arg = words[i]!;
    if (arg === '--') break;
    // `-A=false` (pflag's value of the last switch of a word): SHORTHANDS leaves it whole.
    const shorthandAll = /^-[ARahiqtw]*A=([\s\S]*)$/.exec(arg);
    if (shorthandAll) {
      allNamespaces = boolValue(shorthandAll[1]!) ?? allNamespaces;
      continue;
    }
    const { flag, inline, switches } = splitFlag(arg);
    const value = () => inline ?? (i + 1 < words.length ? words[++i] : undefined);
    // A value of its own is the switch's (`--all-namespaces=false`), never the next word.
    if (flag === '--all-namespaces') allNamespaces = inline === undefined ? true : (boolValue(inline) ?? allNamespaces);
    else if (switches?.includes('A')) allNamespaces = true;
    if (CONTEXT_FLAGS.has(flag)) context = value();
    else if (NAMESPACE_FLAGS.has(flag)) namespace = value();
    else if (RETARGET_FLAGS.has(flag) && !ownFlag(flag, words)) retarget ??= flag;
  }
  return { ...(context ? { context } : {}), ...(namespace ? { namespace } : {}), ...(allNamespaces ? { allNamespaces } : {}), ...(retarget ? { retarget } : {}) };
}

/** A boolean flag's value as kubectl and helm read it (Go's strconv.ParseBool); undefined for one they refuse. */
function boolValue(text: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
  return undefined;
}

/**
 * Where a flag of RETARGET_FLAGS is the subcommand's own: `kubectl config set-context --user x`
 * edits the kubeconfig, `kubectl create rolebinding --user alice` and `kubectl set subject
 * rolebinding x --user alice` name a subject, `helm template -s` picks a template. Only the
 * subcommand counts: a ConfigMap named `config` is no `kubectl config`.
 */
function ownFlag(flag: string, words: readonly string[]): boolean {
  const [verb, object] = positionals(words, VALUE_FLAGS);
  if (verb === 'config') return true;
  // `helm template -s templates/x.yaml` is --show-only, not kubectl's --server.
  if (flag === '-s') return verb === 'template';
  if (flag !== '--user') return false;
  return (verb === 'create' && (object === 'rolebinding' || object === 'clusterrolebinding')) || (verb === 'set' && object === 'subject');
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
