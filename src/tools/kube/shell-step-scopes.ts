import type { Plan } from '../../planning/index.js';
import type { KubeScope } from './kube-scope.js';

/** The key of the current context's namespace when the card does not know its name. */
const CURRENT = '';
/** What `kubens -` switches to. */
const PREVIOUS = '-';
/** What `kubectx -` (and `kubectl ctx -`) switch to: no context's name (kubectl's `use-context -` names one called `-`). */
const PREVIOUS_CONTEXT = '\u0000previous';

/** The clusters each shell step's line names, by step id; a step whose line runs no kubectl or helm is left out. */
export type ShellStepScopes = Readonly<Record<string, readonly KubeScope[]>>;

/**
 * What the plan card says of a shell step's kubectl/helm commands, read as the context pin reads
 * them (shellKubeCalls): each different target once. Loaded on first use, as the pin's reading is:
 * a plan without shell steps never loads the shell parser for it. `current`: the kubeconfig's current
 * context, when known (`kubectl config set-context dev --namespace=x` then moves the namespace of a command that names none).
 */
export async function shellStepScopes(plan: Plan, current?: string): Promise<ShellStepScopes> {
  const steps = plan.steps.flatMap((step) => (step.type !== 'llm_query' && step.type !== 'condition' && step.tool === 'shell' && typeof step.args.command === 'string' ? [step] : []));
  if (steps.length === 0) return {};
  const { shellKubeCalls, TEMPLATE_WORD } = await import('./shell-kube-calls.js');
  // A template the card cannot fill (a step's output) stays one: the reader saw it as one opaque word.
  const shown = (value: string | undefined) => value?.replaceAll(TEMPLATE_WORD, '{{…}}');
  // A variable no one writes a value of here (`-n "$NS"`, `${NS:-web}`) is the shell's when the line runs;
  // a namespace's name has no `$` of its own. So is the one before (`kubens -`), which only the kubeconfig knows then.
  const shownNamespace = (value: string) => (value === PREVIOUS ? 'the previous one (set at run time)' : value.includes('$') ? `${shown(value)} (set at run time)` : shown(value));
  // So is a context (`kubectl config use-context "$CTX"`, `kubectx -`), without the shell's quotes.
  // A context named `-` (`kubectl config use-context -`: kubectl has no previous context) is shown quoted, as the name it is.
  const shownContext = (value: string) => (value === PREVIOUS_CONTEXT ? 'the previous context (set at run time)' : value === '-' ? '"-"' : value.includes('$') ? `${shown(value.replace(/["']/g, ''))} (set at run time)` : shown(value));
  const scopes: Record<string, KubeScope[]> = {};
  for (const step of steps) {
    const env = typeof step.args.env === 'object' && step.args.env !== null ? (step.args.env as Record<string, unknown>) : undefined;
    const seen = new Set<string>();
    // `kubectl config use-context prod && kubectl delete deploy web`: the delete runs in prod, not in the current context.
    let switchedTo: string | undefined;
    // The context before the line's last switch, once it made one: `kubectx prod; kubectx -` is back where it started.
    let before: { readonly context: string | undefined } | undefined;
    // `kubens prodns && kubectl delete deploy web`: the delete works in prodns, not in the context's namespace. By context.
    const namespaces = new Map<string, string>();
    for (const call of await shellKubeCalls(step.args.command as string, { env })) {
      const set = call.setsNamespace;
      const here = switchedTo ?? current;
      // `kubectl config set-context prod --namespace=x` is shown in the context whose namespace it sets; when that is the
      // one the line is in, as that one's line. Another context's namespace it only writes down for a later switch there.
      const elsewhere = set?.context !== undefined && here !== undefined && set.context !== here;
      // kubectx's `-` (also as `kubectl ctx -`) goes back to the context before the line's last switch (kubectl's use-context has no `-`).
      const back = call.previous === true && before !== undefined;
      const written = call.previous ? PREVIOUS_CONTEXT : call.scope.context;
      const named = back ? before!.context : set?.context !== undefined && set.context === here ? switchedTo : (set?.context ?? written ?? (call.scope.retarget === undefined ? switchedTo : undefined));
      if (call.switches) {
        // kubectx keeps the context it leaves in its own file (~/.kube/kubectx); kubectl's use-context does not, so a
        // `kubectx -` after it goes to a context only known when it runs.
        before = call.program === 'kubectx' || call.kubectx === true ? { context: switchedTo } : undefined;
        switchedTo = named;
      }
      if (set) namespaces.set(named ?? current ?? CURRENT, set.namespace);
      if (elsewhere) continue;
      const namespace = set?.namespace ?? call.scope.namespace ?? (call.scope.allNamespaces || call.scope.retarget ? undefined : namespaces.get(named ?? current ?? CURRENT));
      const { context: _written, ...rest } = call.scope;
      const scope: KubeScope = { ...(back ? rest : call.scope), ...(named !== undefined ? { context: named } : {}), ...(namespace !== undefined ? { namespace } : {}) };
      const target: KubeScope = { ...scope, ...(scope.context ? { context: shownContext(scope.context) } : {}), ...(scope.namespace ? { namespace: shownNamespace(scope.namespace) } : {}) };
      const key = JSON.stringify([target.context, target.namespace, target.allNamespaces, target.retarget]);
      if (seen.has(key)) continue;
      seen.add(key);
      (scopes[step.id] ??= []).push(target);
    }
  }
  return scopes;
}
