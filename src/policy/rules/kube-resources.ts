import { KUBECTL_VALUE_FLAGS } from '../cluster-tools.js';
import { kindNames } from './kube-kinds.js';

/** Commands whose second word is part of the command (`rollout restart deploy/web`, `set image deploy/web …`). */
const TWO_WORDS = new Set(['rollout', 'set']);

/** Enough spellings for any plan a person writes; past it, the command's other spellings still stand. */
const MAX_SPELLINGS = 256;

/**
 * The objects a kubectl argv (subcommand first, as kubeSpelling writes it) names, one per spelling, each with every
 * name of its kind (kube-kinds.ts) and in both forms kubectl reads: `delete namespace prod`, `delete namespaces/prod` and
 * `delete ns staging prod` are also `delete ns prod`, `delete ns,deploy prod` is also `delete deploy prod`. So a deny
 * rule written with one of kubectl's names for a kind (`"delete ns prod"`, `"delete namespace/prod"`) meets the
 * others. A kind kubectl knows by another group or version (`deployments.apps`) is that kind; one not listed (a
 * custom resource) keeps its name. Option words stay where they were, after the objects.
 */
export function kubeResourceSpellings(args: readonly string[]): string[][] {
  const verb = args.slice(0, TWO_WORDS.has(args[0] ?? '') && args[1] !== undefined && !args[1].startsWith('-') ? 2 : 1);
  const operands: string[] = [];
  const options: string[] = [];
  for (let i = verb.length; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      options.push(...args.slice(i));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') operands.push(arg);
    else {
      options.push(arg);
      if (!arg.includes('=') && KUBECTL_VALUE_FLAGS.has(arg) && i + 1 < args.length) options.push(args[++i]!);
    }
  }
  const spellings = new Map<string, string[]>();
  const add = (objectWords: readonly string[]) => {
    const spelled = [...verb, ...objectWords, ...options];
    if (spellings.size < MAX_SPELLINGS) spellings.set(spelled.join('\0'), spelled);
  };
  for (const { kind, name } of objectsNamed(operands)) {
    for (const each of kindNames(kind)) {
      if (name === undefined) add([each]);
      else {
        add([each, name]);
        add([`${each}/${name}`]);
      }
    }
  }
  const whole = args.join('\0');
  return [...spellings.values()].filter((spelled) => spelled.join('\0') !== whole);
}

/** `ns staging prod`, `ns/staging ns/prod`, `ns,deploy prod`: each kind with each name (none: `delete ns --all`). */
function objectsNamed(operands: readonly string[]): { readonly kind: string; readonly name?: string }[] {
  const [first, ...rest] = operands;
  if (first === undefined) return [];
  if (first.includes('/')) {
    return operands.flatMap((operand) => {
      const slash = operand.indexOf('/');
      return slash > 0 ? [{ kind: operand.slice(0, slash), name: operand.slice(slash + 1) }] : [];
    });
  }
  const kinds = first.split(',').filter((kind) => kind !== '');
  return kinds.flatMap((kind) => (rest.length === 0 ? [{ kind }] : rest.map((name) => ({ kind, name }))));
}
