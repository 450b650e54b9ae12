import { HELM_VALUE_FLAGS, KUBECTL_VALUE_FLAGS } from '../cluster-tools.js';
import { quoteArg } from '../command-line.js';

/** Flags of kubectl and helm that take a value, written one way for rules to match: `-n x`, `--context x`. */
const SPELLINGS: Readonly<Record<string, string>> = { '-n': '-n', '--namespace': '-n', '--context': '--context', '--kube-context': '--kube-context' };

/**
 * A kubectl/helm argv as rules are written for it: the subcommand first (global flags
 * written before it move after the other arguments, so `-n default delete pod web` reads
 * `delete pod web -n default`), and the target flags in one spelling: `--namespace=x`,
 * `--namespace x`, `-n=x` and `-nx` become `-n x`; `--context=x` becomes `--context x` (helm's
 * `--kube-context=x` becomes `--kube-context x`). So `"delete *"` and `"* -n prod*"` cover
 * every way of writing them. Nothing after `--` is touched: it belongs to another program.
 */
export function kubeSpelling(program: 'kubectl' | 'helm', args: readonly string[]): string[] {
  const spelled = spellTargets(subcommandFirst(args, program === 'helm' ? HELM_VALUE_FLAGS : KUBECTL_VALUE_FLAGS));
  // helm's aliases name its commands too: `"uninstall *"` covers `helm delete web` and `helm un web`.
  const verb = spelled[0];
  if (program !== 'helm' || verb === undefined || !Object.hasOwn(HELM_ALIASES, verb)) return spelled;
  return [HELM_ALIASES[verb]!, ...spelled.slice(1)];
}

const HELM_ALIASES: Readonly<Record<string, string>> = { delete: 'uninstall', del: 'uninstall', un: 'uninstall', ls: 'list', hist: 'history', inspect: 'show', dep: 'dependency', dependencies: 'dependency', fetch: 'pull' };

/** The subcommand first: global flags (with their values) written before it move after the other arguments, before any `--`. */
export function subcommandFirst(args: readonly string[], valueFlags: ReadonlySet<string>): readonly string[] {
  let i = 0;
  while (i < args.length && args[i]!.startsWith('-') && args[i] !== '-' && args[i] !== '--') {
    const flag = args[i]!;
    i += !flag.includes('=') && valueFlags.has(flag) ? 2 : 1;
  }
  if (i === 0 || i >= args.length || args[i] === '--') return args;
  const rest = args.slice(i);
  const dash = rest.indexOf('--');
  const leading = args.slice(0, i);
  return dash === -1 ? [...rest, ...leading] : [...rest.slice(0, dash), ...leading, ...rest.slice(dash)];
}

function spellTargets(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      out.push(...args.slice(i));
      break;
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = equals === -1 ? arg : arg.slice(0, equals);
    const spelled = Object.hasOwn(SPELLINGS, flag) ? SPELLINGS[flag] : undefined;
    if (spelled !== undefined && equals !== -1) out.push(spelled, arg.slice(equals + 1));
    else if (spelled !== undefined) out.push(spelled);
    // kubectl and helm read `-n=prod` as namespace prod, like `-nprod`.
    else if (/^-n=/.test(arg)) out.push('-n', arg.slice(3));
    else if (/^-n[^-]/.test(arg)) out.push('-n', arg.slice(2));
    else out.push(arg);
  }
  return out;
}

export function argvLine(args: readonly string[]): string {
  return args.map(quoteArg).join(' ');
}
