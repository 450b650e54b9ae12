import { ATTEMPT_TIMEOUT_WORDS } from '../planning/attempt-timeout-words.js';
import { hideCredentials, privateKeyBlocks, secretShapedParts, urlPasswords } from '../planning/credential-shapes.js';
import { KEY_HEADER_HINT } from '../planning/private-key-armour.js';
import { REDACTED } from '../planning/redacted.js';
import { looksSecret, looksSecretField } from '../planning/secret-names.js';

export { looksSecret, looksSecretField };
const MIN_SECRET_LENGTH = 4;
export { REDACTED };
export { secretShapedParts };

/**
 * What ksa itself says in an error it builds around a tool's (`step "deploy" failed: …`, an attempt's timeout): its
 * ids and numbers, never a user's or a tool's. A secret equal to a timeout (a PIN 1206, `timeoutMs: 1206`) must not
 * turn them into `timed out after *** ms`.
 */
const OWN_ERROR_WORDS = new RegExp(`^step "[a-z0-9][a-z0-9_-]{0,62}" failed: |${ATTEMPT_TIMEOUT_WORDS.source}`, 'g');

/** An error as shown or kept: the secrets hidden in what tools and users wrote, ksa's own words in it whole. */
export function errorText(hide: (text: string) => string, error: string): string {
  let out = '';
  let from = 0;
  for (const match of error.matchAll(OWN_ERROR_WORDS)) {
    out += hide(error.slice(from, match.index)) + match[0];
    from = match.index + match[0].length;
  }
  return out + hide(error.slice(from));
}

/** The values of secret-looking variables in an environment (e.g. OPENAI_API_KEY, GITHUB_TOKEN). */
export function secretValues(env: Readonly<Record<string, string | undefined>>, names: Iterable<string> = Object.keys(env)): string[] {
  const values: string[] = [];
  for (const name of names) {
    const value = env[name];
    if (!value) continue;
    if (looksSecret(name)) values.push(value);
    else values.push(...secretShapedParts(value));
    for (const password of urlPasswords(value)) {
      values.push(password);
      // Printed decoded as often as encoded (p%40ss by a URL parser as p@ss).
      const decoded = safeDecode(password);
      if (decoded !== password) values.push(decoded);
    }
  }
  return values;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export type Redactor = {
  /** Always: besides its secrets, a redactor hides every credential of a well-known shape (hideCredentials). */
  readonly active: boolean;
  readonly secrets: readonly string[];
  /** This redactor plus more secrets (e.g. a run's secret inputs). */
  with(more: Iterable<string>): Redactor;
  /** This redactor also hiding what `hide` does (a resumed run's key lines, known by their digests: keyLineHider). */
  alsoHiding(hide: (text: string) => string): Redactor;
  text(value: string): string;
  /** A JSON.stringify replacer that redacts every string. */
  readonly replacer: ((key: string, value: unknown) => unknown) | undefined;
  /** One for a value that is all user or tool content (a job's arguments, a tool's output): a number equal to a secret (a PIN) goes too. */
  readonly contentReplacer: ((key: string, value: unknown) => unknown) | undefined;
};

/**
 * Replaces every occurrence of a secret with ***, longest first so one secret inside another is still hidden, and
 * every credential of a well-known shape (a token, a private key, a URL's password): one written into a plan, or
 * printed by a tool, is hidden though no variable or input holds it.
 */
export function createRedactor(secrets: Iterable<string>, hideMore?: (text: string) => string): Redactor {
  // Output is written and shown a line at a time: each line of a multi-line secret (a PEM key) is one too.
  const all = [...secrets].flatMap((secret) => (secret.includes('\n') ? [secret, ...secret.split(/\r?\n/).map((line) => line.trim())] : [secret]));
  const list = [...new Set(all.filter((secret) => secret.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  const withMore = (more: Iterable<string>) => createRedactor([...list, ...more], hideMore);
  const alsoHiding = (hide: (text: string) => string) => createRedactor(list, hideMore ? (value) => hide(hideMore(value)) : hide);
  const text = (value: string) => {
    let out = value;
    for (const secret of list) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    if (hideMore) out = hideMore(out);
    return hideCredentials(out, REDACTED);
  };
  // A secret input that is a number (`dbPin: 12345678`) is stored under its name as a number: masked there as ***.
  const secretNumber = (key: string, value: unknown) => typeof value === 'number' && looksSecret(key) && list.includes(String(value));
  const content = (_key: string, value: unknown) => (typeof value === 'string' ? text(value) : typeof value === 'number' && list.includes(String(value)) ? REDACTED : value);
  return { active: true, secrets: list, with: withMore, alsoHiding, text, replacer: (key, value) => (typeof value === 'string' ? text(value) : secretNumber(key, value) ? REDACTED : value), contentReplacer: content };
}

/**
 * The inputs of a stored run that lost a secret to redaction (storedWithoutSecret) and are not in `given`: what
 * ksa resume, ksa cancel and the chat's /resume must have given again before a step or rollback reads them.
 */
export function secretInputsNotGiven(
  record: { readonly inputs?: Readonly<Record<string, unknown>>; readonly state?: { readonly inputs?: Readonly<Record<string, unknown>> }; readonly masked?: { readonly inputs: readonly string[] } } | undefined,
  given: Readonly<Record<string, unknown>>,
): string[] {
  // The record names those it hid; an older build's does not, and is read by the *** in them.
  const masked = record?.masked ? new Set(record.masked.inputs) : undefined;
  return Object.entries({ ...record?.inputs, ...record?.state?.inputs })
    .filter(([name, value]) => (masked ? masked.has(name) : storedWithoutSecret(name, value)) && !Object.hasOwn(given, name))
    .map(([name]) => name);
}

/**
 * Whether a stored input lost a secret to redaction: a secret input stored as ***, a URL input stored
 * without its password (`postgres://app:***@db/prod`), a token under another name (`Bearer ***`).
 */
export function storedWithoutSecret(name: string, value: unknown): boolean {
  // A list or mapping held its secrets in its items (`apiKeys: ["***"]`).
  return leavesOf(value).some((leaf) => typeof leaf === 'string' && leaf.includes(REDACTED));
}

/**
 * Inputs named like secrets (`--input dbPassword=…`), the password of a URL in any input, and a value
 * shaped like a well-known credential under any name are never written down. A secret input that is a
 * number (a PIN, `dbPassword: 98765432`) is hidden as the text it prints as. Not true/false: a flag named
 * like one (`skipAuth: false`) holds no secret, and hiding every "false" would hide what logs say. A list
 * or a mapping (`apiKeys: [k1, k2]`, `dbCredentials: {user: app, password: pw}`) is read item by item.
 */
export function secretInputValues(inputs: Readonly<Record<string, unknown>>): string[] {
  const entries = Object.entries(inputs);
  const named = entries.filter(([key]) => looksSecret(key)).flatMap(([, value]) => secretLeaves(value));
  const texts = entries.filter(([key]) => !looksSecret(key)).flatMap(([key, value]) => leavesOf(value).flatMap((leaf) => (typeof leaf === 'string' ? secretValues({ [key]: leaf }) : [])));
  const within = entries.filter(([key]) => !looksSecret(key)).flatMap(([, value]) => secretKeyedParts(value).flatMap(secretLeaves));
  return [...named, ...texts, ...within];
}

/**
 * The texts and numbers of a list or mapping held under a field that names a secret (looksSecretField), however deep
 * (`db: {host: h, password: pw}` holds `pw`; `apiTokens: [t1, t2]` both): a secret input's value as much as one given
 * under such a name. A mapping under such a field is read field by field again. The rest stays the user's own.
 */
function secretKeyedParts(value: unknown): unknown[] {
  const parts: unknown[] = [];
  const stack: { readonly value: unknown; readonly secretList: boolean }[] = [{ value, secretList: false }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (typeof next.value !== 'object' || next.value === null) continue;
    const list = Array.isArray(next.value);
    for (const [key, item] of Object.entries(next.value)) {
      const named = list ? next.secretList : looksSecretField(key);
      if (named && typeof item !== 'object') parts.push(item);
      else stack.push({ value: item, secretList: named && Array.isArray(item) });
    }
  }
  return parts;
}

/** A copy of an input's value with each text and number under a field that names a secret as ***, keeping the rest readable. */
export function maskSecretKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const secretLists = new WeakSet<object>();
  const replacer = function (this: unknown, key: string, item: unknown): unknown {
    if (key === '') return item;
    const named = Array.isArray(this) ? secretLists.has(this) : looksSecretField(key);
    if (!named) return item;
    if (Array.isArray(item)) secretLists.add(item);
    return typeof item !== 'object' && secretLeaves(item).length > 0 ? REDACTED : item;
  };
  return JSON.parse(JSON.stringify(value, replacer)) as unknown;
}

/** Whether any of these inputs is named like a secret: its value is never written down as given, whatever it is. */
export function namesSecretInput(...inputs: readonly (Readonly<Record<string, unknown>> | undefined)[]): boolean {
  return inputs.some((each) => Object.keys(each ?? {}).some(looksSecret));
}

/** What a secret input's value holds that is secret: every text and number in it, as it prints. */
export function secretLeaves(value: unknown): string[] {
  return leavesOf(value)
    .filter((leaf) => (typeof leaf === 'string' && leaf !== '' && leaf !== REDACTED) || (typeof leaf === 'number' && Number.isFinite(leaf)))
    .map((leaf) => String(leaf));
}

/** The values at the ends of a list or mapping, however deep (without recursion: a deep value must not exhaust the stack); a value itself otherwise. */
export function leavesOf(value: unknown): unknown[] {
  const leaves: unknown[] = [];
  const stack = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === 'object' && next !== null) for (const item of Object.values(next)) stack.push(item);
    else leaves.push(next);
  }
  return leaves;
}

function mayHoldKeyHeader(value: unknown): boolean {
  try {
    return KEY_HEADER_HINT.test(JSON.stringify(value) ?? '');
  } catch {
    return true;
  }
}

/** The private keys typed into a value (a plan's steps): hidden by their shape as a whole, but output is read a line at a time, so as secrets too (each line). */
export function privateKeysIn(value: unknown): string[] {
  // A key's header hint is written as it is in JSON (no character of it is escaped): most plans hold none, and one
  // native pass over the text tells, where walking a 10k-step plan's texts one by one costs several times more.
  if (!mayHoldKeyHeader(value)) return [];
  const keys: string[] = [];
  const stack = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === 'string') {
      for (const key of privateKeyBlocks(next)) keys.push(key);
    } else if (typeof next === 'object' && next !== null) for (const item of Object.values(next)) stack.push(item);
  }
  return keys;
}
