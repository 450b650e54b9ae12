/** Two inputs ordered or added with each other (`inputs.a > inputs.b`), with the expression that does and where it is. */
export type InputPair = { readonly left: string; readonly right: string; readonly source: string; readonly stepId: string; readonly path: readonly (string | number)[] };

/**
 * A number as it is written when nothing else is meant: no sign but a minus, no leading zero (`007` is a code),
 * no trailing zero in a fraction (`3.0`, `2.10` may be versions), no exponent (`1e1`).
 */
const PLAIN_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;

/** Whether text given for an input the plan reads as a number reads as one (its whole part exact: up to 2^53). */
export function readsAsNumber(text: string): boolean {
  return PLAIN_NUMBER.test(text) && Number.isSafeInteger(Math.trunc(Number(text)));
}

/**
 * The inputs the plan reads as numbers, each with an expression that does (`readers`, from the expressions
 * alone), grown by the pairs: an input ordered or added with one that holds a number (its declared or given
 * value), or that is read as one, is read as one too, and so are two given as numbers written plainly. And the given values with each such input that has no
 * declared value read as the number its text is (`-2.5`, `-0`): validation then refuses only what is not one. An input
 * only tested for being equal to a number (`equals`: `inputs.ratio == 2.5`) takes a number written plainly as that
 * number too, and keeps any other text, which CEL finds not equal.
 */
export function readNumberInputs(
  declared: Readonly<Record<string, unknown>>,
  given: Readonly<Record<string, unknown>>,
  readers: ReadonlyMap<string, string>,
  pairs: readonly InputPair[],
  equals: ReadonlySet<string> = new Set(),
): { readonly readers: Map<string, string>; readonly inputs: Record<string, unknown> } {
  const numberReaders = new Map(readers);
  const valueOf = (name: string) => (Object.hasOwn(given, name) ? given[name] : Object.hasOwn(declared, name) ? declared[name] : undefined);
  const isNumber = (name: string) => numberReaders.has(name) || typeof valueOf(name) === 'number';
  const valueless = (name: string) => !Object.hasOwn(declared, name) || declared[name] === null || declared[name] === undefined;
  // Given for an input without a declared value, as a number written plainly (2.5, which stays text unless read as a number).
  const plain = (name: string) => typeof valueOf(name) === 'number' || (valueless(name) && typeof given[name] === 'string' && readsAsNumber(given[name]));
  // A chain (a > b, b > c) passes it along one pair per round at most.
  for (let changed = true; changed; ) {
    changed = false;
    for (const { left, right, source } of pairs) {
      for (const [side, other] of [[left, right], [right, left]] as const) {
        // `inputs.a > inputs.b` with 10.5 and 9.5 orders numbers, not the texts "10.5" and "9.5".
        if (numberReaders.has(side) || !(isNumber(other) || (plain(side) && plain(other)))) continue;
        numberReaders.set(side, source);
        changed = true;
      }
    }
  }
  const inputs: Record<string, unknown> = { ...given };
  for (const name of new Set([...numberReaders.keys(), ...equals])) {
    const value = inputs[name];
    if (valueless(name) && Object.hasOwn(given, name) && typeof value === 'string' && readsAsNumber(value)) inputs[name] = Number(value);
  }
  return { readers: numberReaders, inputs };
}
