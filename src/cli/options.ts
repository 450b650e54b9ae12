import { CliError } from './errors.js';
import { MAX_TIMER_MS } from '../planning/limits.js';

export { collect } from './collect.js';

/**
 * `--input port=9090` → { port: "9090" }: each value the exact text after the first =. How it is read
 * (a number for a number default, …) depends on the plan: readGivenInputs.
 * A name given twice is refused rather than one value silently winning: in a deploy, which of two ports or
 * images was meant is not ours to guess. The object has no prototype, so `__proto__` stays a name given (and
 * is refused as the plan's other unknown names are) instead of vanishing into the object's prototype.
 */
export function parseInputs(pairs: readonly string[]): Record<string, string> {
  const inputs: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError({ message: `--input "${pair}": expected name=value, e.g. --input port=9090` });
    const name = pair.slice(0, eq).trim();
    if (Object.hasOwn(inputs, name)) throw new CliError({ message: `--input ${name}: given twice; give each input once` });
    inputs[name] = pair.slice(eq + 1);
  }
  return inputs;
}

/**
 * How every numeric flag is read: plain decimal digits, with a fraction only where one makes
 * sense. Number() would also take "0x10" (16), "1e1", " 4" and "4.0", which nobody types to
 * mean a count, and a typo read as a different number is worse than a refusal.
 */
const WHOLE = /^\d+$/;
const DECIMAL = /^\d+(?:\.\d+)?$/;

/** `--limit 5` → 5; a value that is not a whole number ≥ `min` is a usage error naming the flag. */
export function parseWholeNumber(value: string | undefined, flag: string, min = 1, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = WHOLE.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = WHOLE.test(value) && n >= min ? `from ${min} to ${max}` : `of at least ${min}`;
    throw new CliError({ message: `${flag} expects a whole number ${range}, got "${value}"` });
  }
  return n;
}

/** The most steps at once, as for a plan's `maxParallel`: a typo (10000) must not start thousands of processes. */
export const MAX_PARALLEL = 1000;

/** `--timeout 30` (seconds, fractions allowed) or `5m` → milliseconds; `fallback` seconds when not given. */
export function parseSeconds(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback * 1000;
  // With a unit it is a duration as --worker-wait takes (`5m`, `500ms`); a bare number is seconds.
  const unit = /^(.*?)(ms|s|m|h)$/.exec(value);
  const seconds = DECIMAL.test(value) ? Number(value) : unit && DECIMAL.test(unit[1]!) ? (Number(unit[1]) * UNIT_MS[unit[2] as keyof typeof UNIT_MS]) / 1000 : NaN;
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds * 1000 > MAX_TIMER_MS) {
    throw new CliError({ message: `${flag} expects seconds (30, 2.5) or a duration (500ms, 30s, 5m), above 0 and at most ${Math.floor(MAX_TIMER_MS / 3_600_000)}h, got "${value}"` });
  }
  return seconds * 1000;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `--worker-wait 5m` / `90s` / `500ms` / `120000` → ms. */
export function parseDuration(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(.*?)(ms|s|m|h)?$/.exec(value);
  const amount = match?.[1] ?? '';
  if (!DECIMAL.test(amount)) throw new CliError({ message: `${flag} expects a duration like 30s, 5m or 120000 (ms), got "${value}"` });
  const ms = Math.round(Number(amount) * UNIT_MS[(match?.[2] ?? 'ms') as keyof typeof UNIT_MS]);
  if (ms < 1 || ms > MAX_TIMER_MS) throw new CliError({ message: `${flag} expects a duration from 1ms to ${(MAX_TIMER_MS / 3_600_000) | 0}h, got "${value}"` });
  return ms;
}

/** `--allow-env NAME`: each a variable name (`env.NAME` in an expression); `"bad name"` can never be read, so it is a usage error. */
export function checkEnvNames(names: readonly string[]): readonly string[] {
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new CliError({ message: `--allow-env: ${JSON.stringify(name)} is not an environment variable name (letters, digits and _, not starting with a digit)` });
  }
  return names;
}
