/**
 * The name a kubectl call's spelling gives the objects it picks by anything but their names (`delete ns --all`, `-l
 * env=prod`, `--field-selector metadata.name=prod`): any one of the kind, prod among them. A rule naming objects meets
 * it through its own form with the names as this (everyObjectPatterns). No object can be named so (`%` is no character
 * of a name), and kubectl's display quoting leaves it as it is.
 */
export const EVERY_OBJECT = '%every%';

/** Commands whose second word is part of the command (`rollout restart deploy/web`, `set image deploy/web …`). */
export const TWO_WORDS = new Set(['rollout', 'set']);

/** How an option word of a kubectl call picks objects: all of a kind, those a selector picks, or in every namespace. */
export type Picking = 'objects' | 'namespaces' | undefined;

/** `--all`, `-l x`/`--selector=x`/`-lx`, `--field-selector x`: the objects; `-A`, `--all-namespaces`: every namespace. A `=false` picks none. */
export function picking(option: string): Picking {
  if (/^(?:--all|-A|--all-namespaces)=(?:false|f|0)$/i.test(option)) return undefined;
  if (/^(?:--all(?:=.*)?|-l.*|--selector(?:=.*)?|--field-selector(?:=.*)?)$/.test(option)) return 'objects';
  return /^(?:-A|--all-namespaces(?:=.*)?)$/.test(option) ? 'namespaces' : undefined;
}

/**
 * A rule's pattern as it meets a call that picks a kind's objects other than by name: its verb and kind with the names
 * it gives as EVERY_OBJECT (`delete ns prod` as `delete ns %every%`, `delete ns/prod` as `delete ns/%every%`), and that
 * with its namespace as EVERY_OBJECT too (`delete pod web -n prod` as `delete pod %every% -n %every%`, met by a call
 * in every namespace, `-A`). None for a pattern that names no object after a kind (`delete *`, `get pods -o wide`).
 */
export function everyObjectPatterns(pattern: string): string[] {
  const words = pattern.split(' ');
  const verb = TWO_WORDS.has(words[0] ?? '') && words[1] !== undefined && !words[1].startsWith('-') ? 2 : 1;
  const object = words[verb];
  if (object === undefined || object === '' || object.startsWith('-')) return [];
  let objectWords: string[];
  let end = verb + 1;
  const slash = object.indexOf('/');
  if (slash > 0) objectWords = [`${object.slice(0, slash)}/${EVERY_OBJECT}`];
  else {
    while (end < words.length && words[end] !== '' && !words[end]!.startsWith('-')) end++;
    if (end === verb + 1) return [];
    objectWords = [object, EVERY_OBJECT];
  }
  const tail = words.slice(end);
  const spelled = [...words.slice(0, verb), ...objectWords];
  const forms = [[...spelled, ...tail].join(' ')];
  const namespace = tail.indexOf('-n');
  if (namespace !== -1 && namespace + 1 < tail.length) forms.push([...spelled, ...tail.slice(0, namespace + 1), EVERY_OBJECT, ...tail.slice(namespace + 2)].join(' '));
  return forms;
}
