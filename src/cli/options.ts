import { parse as parseYamlScalar } from 'yaml';
import { CliError } from './errors.js';
import { MAX_TIMER_MS } from '../planning/limits.js';

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

/** `--limit 5` → 5; a value that is not a whole number ≥ `min` is a usage error naming the flag. */
export function parseWholeNumber(value: string | undefined, flag: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = numberIn(value);
  if (!Number.isInteger(n) || n < min) throw new CliError({ message: `${flag} expects a whole number of at least ${min}, got "${value}"` });
  return n;
}

/** `--timeout 30` (seconds, fractions allowed) → milliseconds; `fallback` seconds when not given. */
export function parseSeconds(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback * 1000;
  const seconds = numberIn(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds * 1000 > MAX_TIMER_MS) throw new CliError({ message: `${flag} expects a number of seconds above 0 and at most ${Math.floor(MAX_TIMER_MS / 1000)}, got "${value}"` });
  return seconds * 1000;
}

/** A flag's value as a number: Number() reads "" and "  " as 0, which no one means by an empty value. */
function numberIn(value: string): number {
  return value.trim() === '' ? NaN : Number(value);
}
