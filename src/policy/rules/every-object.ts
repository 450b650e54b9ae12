/**
 * The name a kubectl call's spelling gives the objects it picks by anything but their names (`delete ns --all`, `-l
 * env=prod`, `--field-selector metadata.name=prod`): any one of the kind, prod among them. A rule naming objects meets
 * it through its own form with the names as this (everyObjectPatterns). No object can be named so (`%` is no character
 * of a name), and kubectl's display quoting leaves it as it is.
 */
export const EVERY_OBJECT = '%every%';

/** Commands whose second word is part of the command (`rollout restart deploy/web`, `set image deploy/web …`). */
export const TWO_WORDS = new Set(['rollout', 'set']);

/**
 * A rule's pattern as it meets a call that picks a kind's objects other than by name: its verb and kind with the names
 * it gives as EVERY_OBJECT (`delete ns prod` as `delete ns %every%`, `delete ns/prod` as `delete ns/%every%`), and that
 * with its namespace as EVERY_OBJECT too (`delete pod web -n prod` as `delete pod %every% -n %every%`, met by a call
 * in every namespace, `-A`). A pattern that names no object after a kind meets such a call only in every namespace
 * (`delete * -n prod *` as `delete * -n %every% *`); one with no namespace either, as it is (`delete *`).
 */
export function everyObjectPatterns(pattern: string): string[] {
  const words = pattern.split(' ');
  const verb = TWO_WORDS.has(words[0] ?? '') && words[1] !== undefined && !words[1].startsWith('-') ? 2 : 1;
  const object = words[verb];
  let end = verb + 1;
  let spelled: string[] | undefined;
  if (object !== undefined && object !== '' && !object.startsWith('-')) {
    const slash = object.indexOf('/');
    if (slash > 0) spelled = [...words.slice(0, verb), `${object.slice(0, slash)}/${EVERY_OBJECT}`];
    else {
      while (end < words.length && words[end] !== '' && !words[end]!.startsWith('-')) end++;
      if (end > verb + 1) spelled = [...words.slice(0, verb), object, EVERY_OBJECT];
    }
  }
  if (spelled === undefined) return inEveryNamespace(words).map((form) => form.join(' '));
  const tail = words.slice(end);
  return [[...spelled, ...tail], ...inEveryNamespace(tail).map((form) => [...spelled!, ...form])].map((form) => form.join(' '));
}

/** The words with the value of their `-n` as EVERY_OBJECT, if they have one. */
function inEveryNamespace(words: readonly string[]): string[][] {
  const namespace = words.indexOf('-n');
  return namespace !== -1 && namespace + 1 < words.length ? [[...words.slice(0, namespace + 1), EVERY_OBJECT, ...words.slice(namespace + 2)]] : [];
}

/**
 * Why a call that names no object meets a rule naming one, in words for a decision's reason: how its command line
 * picks objects (`--all`, a selector, a kind alone, a `--raw` collection), and in every namespace (`-A`).
 */
export function everyObjectReason(line: string): string {
  const words = line.split(/\s+/);
  const has = (pattern: RegExp) => words.some((word) => pattern.test(word));
  const how = has(/^(?:-l|--selector|--field-selector)(?:=|$)|^-l./)
    ? 'picks objects by a selector'
    : has(/^--raw(?:=|$)/)
      ? 'acts on a whole collection through --raw'
      : has(/^--all(?:=|$)/)
        ? 'picks every object of its kind (--all)'
        : 'names a kind but no object, so it acts on every one';
  const where = has(/^(?:-A|--all-namespaces(?:=.*)?)$/) ? ', in every namespace' : '';
  return `the call ${how}${where}, which may include what the rule names`;
}
