import { credentialKinds } from './credential-shapes.js';
import { looksSecret, looksSecretField } from './secret-names.js';

/**
 * Whether a message may quote a value found in an input: as the plan card shows it, not when the input's name or a
 * field on the way to it names a secret (`password`, `db.password`, `apiTokens[0]`), nor when the value, or any text
 * within it, has a credential's shape (a GitHub token, a URL with a password), whatever it is named.
 * `at`: where the value is inside the input (`["db", "password"]`), empty for the input's value itself.
 */
export function mayQuote(name: string, at: readonly (string | number)[], value: unknown): boolean {
  if (looksSecret(name) || at.some((key) => typeof key === 'string' && looksSecretField(key))) return false;
  // Without recursion: a deep value must not exhaust the stack.
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === 'string' && credentialKinds(next).length > 0) return false;
    if (typeof next !== 'object' || next === null) continue;
    for (const [key, item] of Object.entries(next)) {
      if (!Array.isArray(next) && looksSecretField(key)) return false;
      stack.push(item);
    }
  }
  return true;
}
