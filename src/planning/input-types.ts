import { looksSecret } from './secret-names.js';
import { describeValue } from './values.js';

/**
 * A given input of another kind than the plan's default for it: a number or a
 * true/false the run would only trip over in the middle (`inputs.port > 1000`
 * with `--input port=abc`). Strings and inputs without a typed default take anything.
 */
export function inputTypeProblems(declared: Readonly<Record<string, unknown>>, given: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(given)) {
    if (!Object.hasOwn(declared, name)) continue;
    const fallback = declared[name];
    const kind = typeof fallback === 'number' ? 'a number' : typeof fallback === 'boolean' ? 'true or false' : undefined;
    if (kind === undefined || typeof value === typeof fallback) continue;
    problems.push(`--input ${name}: expected ${kind}, as the plan's default ${JSON.stringify(fallback)} is; got ${looksSecret(name) ? `a ${typeof value}` : describeValue(value)}`);
  }
  return problems;
}
