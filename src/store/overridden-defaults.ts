import { looksSecret } from '../planning/secret-names.js';
import { secretInputValues } from './redact.js';

/**
 * The plan defaults of secret inputs that --input replaced (`dbPassword: 8080` run with `--input dbPassword=4321`):
 * secrets still, hidden where they appear (a step's output), but no input holds them. Another input's value that
 * equals or contains one (`port: 8080`, `label: svc-8080`) is the user's own and is stored as given.
 */
export function overriddenSecretDefaults(declared: Readonly<Record<string, unknown>>, given: Readonly<Record<string, unknown>>): string[] {
  const inUse = new Set(secretInputValues({ ...declared, ...given }));
  const replaced = Object.fromEntries(Object.entries(declared).filter(([name]) => looksSecret(name) && Object.hasOwn(given, name)));
  return secretInputValues(replaced).filter((value) => !inUse.has(value));
}
