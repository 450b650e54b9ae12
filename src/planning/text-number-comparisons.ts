import type { NumberComparison } from './number-reads.js';
import { mayQuote } from './quotable-values.js';

/** An expression testing an input for being equal to a number, and where it is: its step and field. */
export type NumberComparisonSite = NumberComparison & { readonly source: string; readonly stepId: string; readonly path: readonly (string | number)[] };

/** Something the plan runs as written but likely not as meant: said, not refused. */
export type ValidationWarning = { readonly path: readonly (string | number)[]; readonly message: string };

/**
 * Each test of an input holding text for being equal to a number (`inputs.env == 3` with `env: "3"`): CEL finds no
 * text equal to a number, so it is false (`!=` true) whatever the text, silently. A warning, not a refusal: the plan
 * may mean it (an input only sometimes a number). The value that runs counts: the given one, else the declared one.
 */
export function textNumberComparisonWarnings(
  declared: Readonly<Record<string, unknown>>,
  inputs: Readonly<Record<string, unknown>>,
  sites: readonly NumberComparisonSite[],
): ValidationWarning[] {
  const warnings: ValidationWarning[] = [];
  const seen = new Set<string>();
  for (const { input: name, number, unequal, source, stepId, path } of sites) {
    const given = Object.hasOwn(inputs, name);
    const value = given ? inputs[name] : Object.hasOwn(declared, name) ? declared[name] : undefined;
    const key = JSON.stringify([name, number, path]);
    if (typeof value !== 'string' || seen.has(key)) continue;
    seen.add(key);
    const from = given ? 'given with --input' : "the plan's default";
    const shown = mayQuote(name, [], value) ? `${from} ${JSON.stringify(value)}` : from;
    // A number written plainly is compared as the text it is; anything computed is turned into text where it is read.
    const text = /^-?\d+(?:\.\d+)?$/.test(number) ? `'${number}'` : `string(${number || '\u2026'})`;
    warnings.push({
      path,
      message: `inputs.${name} is text (${shown}); "${source}" in step "${stepId}" compares it with a number, which CEL finds ${unequal ? 'unequal to any text (always true)' : 'equal to no text (always false)'}: compare with ${text}`,
    });
  }
  return warnings;
}
