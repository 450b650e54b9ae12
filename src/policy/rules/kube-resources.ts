import { kubectlCommand, kubectlOption } from '../kubectl-options.js';
import { EVERY_OBJECT, TWO_WORDS } from './every-object.js';
import { kindNames, kindsNamed } from './kube-kinds.js';
import { BARE_KIND_PICKS_ALL, objectOperandCount } from './kube-operands.js';
import { rawObject } from './kube-raw-path.js';

/** Enough spellings for any plan a person writes; past it, the command's other spellings still stand. */
const MAX_SPELLINGS = 256;

/** An object a call names: its kind as written, its name (none: `delete ns --all`), and whether it stands for every one it picks. */
type Named = { readonly kind: string; readonly name?: string; readonly every?: true };

/** A word after the command's own, or an option with its value: how it stands in the call's other spellings. */
type Part = { readonly words: readonly string[]; readonly role: 'operand' | 'option' | 'picks' | 'raw' };

/**
 * The objects a kubectl argv (subcommand first, as kubeSpelling writes it) names, one per spelling, each with every
 * name of its kind (kube-kinds.ts) and in both forms kubectl reads: `delete namespace prod`, `delete namespaces/prod`
 * and `delete ns staging prod` are also `delete ns prod`, `delete ns,deploy prod` is also `delete deploy prod`. So a
 * deny rule written with one of kubectl's names for a kind (`"delete ns prod"`, `"delete namespace/prod"`) meets the
 * others. A kind kubectl knows by another group or version (`deployments.apps`) is that kind; one not listed (a
 * custom resource) keeps its name; the category `all` is each of its kinds. Option words (with the values the command
 * reads for them, kubectl-options.ts) and what the command sets (`label … env=x`, kube-operands.ts) stay where they
 * were, after the objects.
 * A kind's objects picked other than by name (`--all`, `-l`, `--selector`, `--field-selector`; a bare kind for `get`,
 * `describe`, `rollout restart`…) are also spelled with EVERY_OBJECT as their name, with the other options and without
 * any (`delete ns %every%`), and in every namespace (`-A`) with `-n %every%`: a rule naming one of them meets that
 * (everyObjectPatterns). kubectl refuses names given with a selector, so a word that is no option's value still
 * leaves the call picking every one. `--raw PATH` names the object its path does (`delete --raw
 * /api/v1/namespaces/prod` is also `delete ns prod`), a collection's as EVERY_OBJECT, in every namespace when the path
 * names none.
 */
export function kubeResourceSpellings(args: readonly string[]): string[][] {
  const verb = args.slice(0, TWO_WORDS.has(args[0] ?? '') && args[1] !== undefined && !args[1].startsWith('-') ? 2 : 1);
  const command = kubectlCommand(args);
  const parts: Part[] = [];
  let picksObjects = false;
  let everyNamespace = false;
  let raw: string | undefined;
  for (let i = verb.length; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      parts.push({ words: args.slice(i), role: 'option' });
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      parts.push({ words: [arg], role: 'operand' });
      continue;
    }
    const option = kubectlOption(command, arg);
    const value = option.takesNext && i + 1 < args.length ? args[++i]! : undefined;
    const words = value === undefined ? [arg] : [arg, value];
    if (arg === '--raw' || arg.startsWith('--raw=')) {
      raw = value ?? arg.slice('--raw='.length);
      parts.push({ words, role: 'raw' });
      continue;
    }
    if (option.picks.includes('all') || option.picks.includes('selector')) picksObjects = true;
    if (option.picks.includes('namespaces')) everyNamespace = true;
    parts.push({ words, role: option.picks.length > 0 ? 'picks' : 'option' });
  }
  const operands = parts.filter((part) => part.role === 'operand');
  const objectWords = operands.slice(0, objectOperandCount(command, operands.map((part) => part.words[0]!)));
  const objectParts = new Set<Part>(objectWords);
  // The options as written (all but the objects), and those but the ones that pick objects and `--raw`'s path: what
  // stands after an object spelled EVERY_OBJECT.
  const rest = parts.filter((part) => !objectParts.has(part));
  const options = orders(rest);
  const kept = orders(rest.filter((part) => part.role === 'operand' || part.role === 'option'));
  const spellings = new Map<string, string[]>();
  const add = (objectWords: readonly string[], ...afters: (readonly string[])[]) => {
    for (const after of afters) {
      const spelled = [...verb, ...objectWords, ...after];
      if (spellings.size < MAX_SPELLINGS) spellings.set(spelled.join('\0'), spelled);
    }
  };
  const fromPath = raw !== undefined && objectWords.length === 0 ? rawObject(raw) : undefined;
  const picks = picksObjects || BARE_KIND_PICKS_ALL.has(command);
  const objects: readonly Named[] = fromPath === undefined ? objectsNamed(objectWords.map((part) => part.words[0]!), picksObjects, picks) : [{ kind: fromPath.kind, ...(fromPath.name === undefined ? { every: true as const } : { name: fromPath.name }) }];
  // `--raw`'s path names the namespace too; the rest of the call's options stand as they are.
  const after = fromPath === undefined ? options : kept.map((words) => [...words, ...(fromPath.namespace === undefined ? [] : ['-n', fromPath.namespace])]);
  const given = (fromPath === undefined ? kept : after)[0]!;
  const namespace = given.lastIndexOf('-n');
  const namespaceOnly = namespace !== -1 && namespace + 1 < given.length ? ['-n', given[namespace + 1]!] : [];
  // A collection's path with no namespace (`/api/v1/secrets`) is every namespace's.
  const inEveryNamespace = everyNamespace || (fromPath !== undefined && fromPath.name === undefined && fromPath.namespace === undefined);
  for (const { kind, name, every } of objects) {
    for (const each of kindNames(kind)) {
      if (every) {
        // With the options left, with none but the namespace or none at all (a rule names only what it deletes), and
        // in every namespace.
        for (const words of [[each, EVERY_OBJECT], [`${each}/${EVERY_OBJECT}`]]) {
          add(words, ...(fromPath === undefined ? kept : after), namespaceOnly, []);
          if (inEveryNamespace) add(words, ['-n', EVERY_OBJECT]);
        }
      } else if (name === undefined) {
        add([each], ...after);
        if (inEveryNamespace && picks) add([each], ['-n', EVERY_OBJECT]);
      } else {
        add([each, name], ...after);
        add([`${each}/${name}`], ...after);
        if (fromPath !== undefined) add([each, name], []);
      }
    }
  }
  const whole = args.join('\0');
  return [...spellings.values()].filter((spelled) => spelled.join('\0') !== whole);
}

/**
 * `ns staging prod`, `ns/staging ns/prod`, `ns,deploy prod`: each kind with each name; a kind with none (`delete ns
 * --all`) once as written. When the call picks objects other than by name (`selects`: `--all`, a selector) each kind
 * is also every one of it, whatever words follow it (kubectl refuses names there); `bare`: a kind with no names is.
 */
function objectsNamed(operands: readonly string[], selects: boolean, bare: boolean): Named[] {
  const [first, ...rest] = operands;
  if (first === undefined) return [];
  if (first.includes('/')) {
    return operands.flatMap((operand) => {
      const slash = operand.indexOf('/');
      return slash > 0 ? [{ kind: operand.slice(0, slash), name: operand.slice(slash + 1) }] : [];
    });
  }
  const kinds = first
    .split(',')
    .filter((kind) => kind !== '')
    .flatMap(kindsNamed);
  return kinds.flatMap((kind): Named[] => {
    const named: Named[] = rest.length > 0 ? rest.map((name) => ({ kind, name })) : [{ kind }];
    return selects || (bare && rest.length === 0) ? [...named, { kind, every: true }] : named;
  });
}

/**
 * The words after a call's objects as written and, when it sets something on them (`label … tier=x`), with what it sets
 * after its options and before them: a rule may write either (`"label pod web -n prod *"`, `"set image deploy/web * -n prod"`).
 * Each also with the namespace first: rules name it right after the objects (`"get secret db -n shop *"`), calls and
 * a step's own arguments may write it after other options (`get secret db -o yaml -n shop`, `--context x -n prod`).
 */
function orders(parts: readonly Part[]): string[][] {
  // kubectl reads the last one given.
  const namespace = [...parts].reverse().find((part) => part.role === 'option' && part.words.length === 2 && part.words[0] === '-n');
  const first = namespace === undefined || parts[0] === namespace ? [] : settingOrders([namespace, ...parts.filter((part) => part !== namespace)]);
  return [...settingOrders(parts), ...first];
}

function settingOrders(parts: readonly Part[]): string[][] {
  const written = parts.flatMap((part) => part.words);
  const setting = parts.filter((part) => part.role === 'operand');
  if (setting.length === 0 || setting.length === parts.length) return [written];
  const others = parts.filter((part) => part.role !== 'operand');
  return [written, [...others, ...setting].flatMap((part) => part.words), [...setting, ...others].flatMap((part) => part.words)];
}
