import { parse as parseYamlScalar } from 'yaml';
import { CliError } from './errors.js';

export { collect } from './collect.js';

/** `--input port=9090` → { port: 9090 }; values are read as YAML scalars (numbers, booleans, strings). */
export function parseInputs(pairs: readonly string[]): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError({ message: `--input "${pair}": expected name=value, e.g. --input port=9090` });
    const name = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      const parsed: unknown = parseYamlScalar(raw);
      if (parsed === null || ['number', 'boolean', 'string'].includes(typeof parsed)) value = parsed ?? raw;
    } catch {
      value = raw;
    }
    inputs[name] = value;
  }
  return inputs;
}

export function parsePositiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError({ message: `${flag} expects a whole number of at least 1, got "${value}"` });
  return n;
}

