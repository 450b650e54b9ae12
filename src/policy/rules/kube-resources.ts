import { KUBECTL_VALUE_FLAGS } from '../cluster-tools.js';
import { EVERY_OBJECT, picking, TWO_WORDS } from './every-object.js';
import { kindNames } from './kube-kinds.js';
import { rawObject } from './kube-raw-path.js';

/** Enough spellings for any plan a person writes; past it, the command's other spellings still stand. */
const MAX_SPELLINGS = 256;

/** An object a call names: its kind as written, its name (none: `delete ns --all`), and whether it stands for every one it picks. */
type Named = { readonly kind: string; readonly name?: string; readonly every?: true };

/**
 * The objects a kubectl argv (subcommand first, as kubeSpelling writes it) names, one per spelling, each with every
 * name of its kind (kube-kinds.ts) and in both forms kubectl reads: `delete namespace prod`, `delete namespaces/prod`
 * and `delete ns staging prod` are also `delete ns prod`, `delete ns,deploy prod` is also `delete deploy prod`. So a
 * deny rule written with one of kubectl's names for a kind (`"delete ns prod"`, `"delete namespace/prod"`) meets the
 * others. A kind kubectl knows by another group or version (`deployments.apps`) is that kind; one not listed (a
 * custom resource) keeps its name. Option words stay where they were, after the objects.
 * A kind's objects picked other than by name (`--all`, `-l`, `--selector`, `--field-selector`) are also spelled
 * with EVERY_OBJECT as their name, with the other options and without any (`delete ns %every%`), and in every namespace
 * (`-A`) with `-n %every%`: a rule naming one of them meets that (everyObjectPatterns). `--raw PATH` names the object
 * its path does (`delete --raw /api/v1/namespaces/prod` is also `delete ns prod`), a collection's as EVERY_OBJECT.
 */
export function kubeResourceSpellings(args: readonly string[]): string[][] {
  const verb = args.slice(0, TWO_WORDS.has(args[0] ?? '') && args[1] !== undefined && !args[1].startsWith('-') ? 2 : 1);
  const operands: string[] = [];
  const options: string[] = [];
  // The options but those that pick objects (and `--raw`'s path), as they stand after an object spelled EVERY_OBJECT.
  const kept: string[] = [];
  let picksObjects = false;
  let everyNamespace = false;
  let raw: string | undefined;
  for (let i = verb.length; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      options.push(...args.slice(i));
      kept.push(...args.slice(i));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      operands.push(arg);
      continue;
    }
    const value = !arg.includes('=') && (KUBECTL_VALUE_FLAGS.has(arg) || arg === '--raw') && i + 1 < args.length ? args[++i]! : undefined;
    const written = value === undefined ? [arg] : [arg, value];
    options.push(...written);
    const picked = picking(arg);
    if (arg === '--raw' || arg.startsWith('--raw=')) raw = value ?? arg.slice('--raw='.length);
    else if (picked === 'objects') picksObjects = true;
    else if (picked === 'namespaces') everyNamespace = true;
    else kept.push(...written);
  }
  const spellings = new Map<string, string[]>();
  const add = (objectWords: readonly string[], after: readonly string[]) => {
    const spelled = [...verb, ...objectWords, ...after];
    if (spellings.size < MAX_SPELLINGS) spellings.set(spelled.join('\0'), spelled);
  };
  const fromPath = raw !== undefined && operands.length === 0 ? rawObject(raw) : undefined;
  const objects: readonly Named[] = fromPath === undefined ? objectsNamed(operands, picksObjects) : [{ kind: fromPath.kind, ...(fromPath.name === undefined ? { every: true as const } : { name: fromPath.name }) }];
  // `--raw`'s path names the namespace too; the rest of the call's options stand as they are.
  const after = fromPath === undefined ? options : [...kept, ...(fromPath.namespace === undefined ? [] : ['-n', fromPath.namespace])];
  for (const { kind, name, every } of objects) {
    for (const each of kindNames(kind)) {
      if (every) {
        // With the options left, with none (a rule names only what it deletes), and in every namespace.
        for (const words of [[each, EVERY_OBJECT], [`${each}/${EVERY_OBJECT}`]]) {
          add(words, fromPath === undefined ? kept : after);
          add(words, []);
          if (everyNamespace) add(words, ['-n', EVERY_OBJECT]);
        }
      } else if (name === undefined) add([each], after);
      else {
        add([each, name], after);
        add([`${each}/${name}`], after);
        if (fromPath !== undefined) add([each, name], []);
      }
    }
  }
  const whole = args.join('\0');
  return [...spellings.values()].filter((spelled) => spelled.join('\0') !== whole);
}

/**
 * `ns staging prod`, `ns/staging ns/prod`, `ns,deploy prod`: each kind with each name; a kind with none (`delete ns
 * --all`) once as written and, when the call picks objects other than by name (`picks`), once as every one.
 */
function objectsNamed(operands: readonly string[], picks: boolean): Named[] {
  const [first, ...rest] = operands;
  if (first === undefined) return [];
  if (first.includes('/')) {
    return operands.flatMap((operand) => {
      const slash = operand.indexOf('/');
      return slash > 0 ? [{ kind: operand.slice(0, slash), name: operand.slice(slash + 1) }] : [];
    });
  }
  const kinds = first.split(',').filter((kind) => kind !== '');
  return kinds.flatMap((kind): Named[] => (rest.length > 0 ? rest.map((name) => ({ kind, name })) : picks ? [{ kind }, { kind, every: true }] : [{ kind }]));
}
