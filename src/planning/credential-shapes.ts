import { KEY_HEADER_HINT, maskSpans, privateKeySpans } from './private-key-armour.js';
import { hideUrlPasswords, maskedUrlPasswords, urlPasswords } from './url-passwords.js';

export { maskedUrlPasswords, urlPasswords } from './url-passwords.js';

/**
 * Credentials with a well-known shape, whatever name they are given under or wherever they are written (a token typed
 * into a command, printed by a tool): OpenAI/Anthropic and Stripe secret keys, GitHub, GitLab, Slack, Hugging Face and
 * npm tokens, AWS access key ids, Google API keys, JWTs. Each prefix is specific enough not to hide ordinary text,
 * hashes, image digests or UUIDs.
 */
const TOKEN_SHAPE =
  /(?<![A-Za-z0-9_-])(?:sk-[A-Za-z0-9_-]{32,}|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])|AIza[0-9A-Za-z_-]{35}|hf_[A-Za-z0-9]{30,}|npm_[A-Za-z0-9]{36}|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})/g;

/** What each token shape starts with: a text without any holds none (a quick look before the full scan). */
const TOKEN_HINT = /sk|rk_|gh|github_pat_|glpat-|xox|AKIA|ASIA|AIza|hf_|npm_|eyJ/;

const KINDS: readonly (readonly [RegExp, string])[] = [
  [/^sk-ant-/, 'an Anthropic key'],
  [/^sk-/, 'an OpenAI-style secret key'],
  [/^[sr]k_/, 'a Stripe key'],
  [/^gh[pousr]_|^github_pat_/, 'a GitHub token'],
  [/^glpat-/, 'a GitLab token'],
  [/^xox/, 'a Slack token'],
  [/^A[KS]IA/, 'an AWS access key id'],
  [/^AIza/, 'a Google API key'],
  [/^hf_/, 'a Hugging Face token'],
  [/^npm_/, 'an npm token'],
  [/^eyJ/, 'a JWT'],
];

/** The parts of a text that have the shape of a well-known token. */
export function secretShapedParts(text: string): string[] {
  return [...text.matchAll(TOKEN_SHAPE)].map((match) => match[0]).filter((part) => !part.startsWith('sk-') || looksLikeApiKey(part));
}

/**
 * `sk-` also starts ordinary names: pods (`sk-api-7d9f8c6b5d-x2x4z`), deployments, models (`sk-learn-2024model1`).
 * Keys given as `sk-…` (OpenAI's `sk-`, `sk-proj-`, `sk-svcacct-`, Anthropic's `sk-ant-api03-`, the 32 or 64 hex
 * digits of DeepSeek's and OpenRouter's) hold 32 or more random characters: one unbroken run of 32 or more, or
 * letters of both cases with a run of 10 or more mixing letters and digits. Kubernetes names are lower case and
 * their generated parts (a ReplicaSet's hash, a pod's suffix) at most 10 characters.
 */
function looksLikeApiKey(part: string): boolean {
  const runs = part.slice('sk-'.length).split(/[-_]/);
  if (runs.some((run) => run.length >= 32)) return true;
  const mixedCase = /[a-z]/.test(part.slice(3)) && /[A-Z]/.test(part.slice(3));
  return mixedCase && runs.some((run) => run.length >= 10 && /\d/.test(run) && /[A-Za-z]/.test(run));
}

/** Each credential written in a text, by its kind (`a GitHub token`, `a private key`, `a password in a URL`). */
export function credentialKinds(text: string): string[] {
  const kinds = secretShapedParts(text).map((part) => KINDS.find(([prefix]) => prefix.test(part))?.[1] ?? 'a token');
  if (privateKeySpans(text).length > 0) kinds.push('a private key');
  if (urlPasswords(text).length > 0) kinds.push('a password in a URL');
  return [...new Set(kinds)];
}

/** The text with every credential of a well-known shape as `mask`, and the password of each URL (its user and host kept). */
export function hideCredentials(text: string, mask: string): string {
  // Most texts hold none: the three scans are skipped on a quick look for what each needs.
  const token = TOKEN_HINT.test(text);
  const key = KEY_HEADER_HINT.test(text);
  const url = text.includes('://');
  if (!token && !key && !url) return text;
  let out = text;
  if (key) out = hidePrivateKeys(out, mask);
  if (token) for (const part of secretShapedParts(out)) out = out.split(part).join(mask);
  if (url) out = hideUrlPasswords(out, mask);
  return out;
}

/**
 * The text with each private key in it as `mask`, header to footer; one without a footer (PuTTY's, one encoded in
 * base64, one cut off) to where its body ends.
 */
export function hidePrivateKeys(text: string, mask: string): string {
  return maskSpans(text, privateKeySpans(text), mask);
}

/** The private keys written in a text, each whole (its lines are hidden one by one where output is read a line at a time). */
export function privateKeyBlocks(text: string): string[] {
  return privateKeySpans(text).map(([start, end]) => text.slice(start, end));
}

/**
 * The credentials of a well-known shape written in a text, each as it is written (a token, a private key whole, a
 * URL's password): what hideCredentials hides, for what must be told which values to take out (a worker's job).
 */
export function credentialsIn(text: string): string[] {
  if (!TOKEN_HINT.test(text) && !KEY_HEADER_HINT.test(text) && !text.includes('://')) return [];
  return [...secretShapedParts(text), ...privateKeyBlocks(text), ...urlPasswords(text)];
}

/** A credential written literally in a step: where (`steps[2].args.command`), the step, and what it looks like. */
export type LiteralCredential = { readonly path: string; readonly step: string; readonly kinds: readonly string[] };

/** A credential written literally as an input's default: where (`inputs.ssh.key`), the input, and what it looks like. */
export type LiteralInputCredential = { readonly path: string; readonly input: string; readonly kinds: readonly string[] };

/** The texts in a value written in a plan, each with where it is (`steps[1].args.command`, `inputs.ssh.key`), in order. */
function textsIn(entries: readonly [string, unknown][]): { path: string; text: string }[] {
  const texts: { path: string; text: string }[] = [];
  // Without recursion: a deeply nested argument must not exhaust the stack.
  const stack = [...entries];
  while (stack.length > 0) {
    const [path, value] = stack.pop()!;
    if (typeof value === 'string') texts.push({ path, text: value });
    else if (Array.isArray(value)) value.forEach((item, j) => stack.push([`${path}[${j}]`, item]));
    else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) stack.push([`${path}.${key}`, item]);
  }
  return texts.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
}

/** Each text a plan's steps run with, where it is (`steps[1].args.command`) and the step's id. */
function stepTexts(plan: { readonly steps: readonly object[] }): { path: string; step: string; text: string }[] {
  return plan.steps.flatMap((step, i) => {
    const id = (step as { id?: unknown }).id;
    const { id: _id, name: _name, ...runs } = step as Record<string, unknown>;
    const texts = textsIn(Object.entries(runs).map(([key, value]) => [`steps[${i}].${key}`, value]));
    return texts.map((each) => ({ ...each, step: typeof id === 'string' ? id : String(i) }));
  });
}

/**
 * The credentials a plan's steps hold as written (a token in a command, a key in a file's content): what runs of them
 * is stored with *** there, so such a step cannot be resumed or rolled back from its record.
 */
export function literalCredentials(plan: { readonly steps: readonly object[] }): LiteralCredential[] {
  return stepTexts(plan).flatMap(({ path, step, text }) => {
    const kinds = credentialKinds(text);
    return kinds.length > 0 ? [{ path, step, kinds }] : [];
  });
}

/**
 * The credentials a plan's inputs hold as written as their defaults (a private key pasted as `sshKey`'s): the run
 * stores the input as ***, so a resume or a cancel of it needs the value given again with --input.
 */
export function literalInputCredentials(plan: { readonly inputs?: Readonly<Record<string, unknown>> }): LiteralInputCredential[] {
  return Object.entries(plan.inputs ?? {}).flatMap(([input, value]) =>
    textsIn([[`inputs.${input}`, value]]).flatMap(({ path, text }) => {
      const kinds = credentialKinds(text);
      return kinds.length > 0 ? [{ path, input, kinds }] : [];
    }),
  );
}

/**
 * A warning for each: where, what, what it means for the run, and the way to pass it instead. And for a URL whose
 * password is `***`: copied from what ksa showed, it hides no secret but sends `***` as the password.
 */
export function literalCredentialWarnings(plan: { readonly inputs?: Readonly<Record<string, unknown>>; readonly steps: readonly object[] }): string[] {
  const passInstead = 'pass it as a secret input (--input ghToken=\u2026, {{ inputs.ghToken }}) or an allowed variable (--allow-env GH_TOKEN, {{ env.GH_TOKEN }})';
  const literal = literalCredentials(plan).map(
    (each) => `${each.path} (step ${each.step}) holds ${each.kinds.join(' and ')} written into the plan: it is stored as *** and the step cannot be resumed from its run; ${passInstead}`,
  );
  const inputs = literalInputCredentials(plan).map(
    (each) =>
      `${each.path}${each.path === `inputs.${each.input}` ? '' : ` (input ${each.input})`} holds ${each.kinds.join(' and ')} written into the plan: it is stored as *** and must be given again to resume the run (--input ${each.input}=\u2026); ${declareInstead(each.input, plan.inputs?.[each.input])} and pass it with --input ${each.input}=\u2026`,
  );
  const copied = stepTexts(plan)
    .filter(({ text }) => maskedUrlPasswords(text))
    .map(({ path, step }) => `${path} (step ${step}) holds a URL whose password is ***, a password ksa masked, copied back: the step sends *** as the password; ${passInstead.replace('pass it', 'pass the password')}`);
  return [...literal, ...inputs, ...copied];
}

/** How far back from a long line's limit a cut is moved to keep a credential whole: more than any token's length. */
const CUT_LOOKBACK = 8192;
/** What a token or a JWT is made of: a cut between two of these may fall inside one. */
const TOKEN_CHAR = /[A-Za-z0-9_.-]/;

/**
 * Where to cut a line too long to deliver whole (at most `limit` characters in the piece), so that no credential is
 * cut in two: each piece is masked on its own, and a token's halves have no known shape. After a space where there
 * is one near the limit (no shape holds one); else between a token's characters and others, not inside a URL's
 * authority (its password is seen only up to its `@`), nor inside a private key. A run longer than the look back without either is cut at the
 * limit: no shape can be told there.
 */
export function credentialSafeCut(text: string, limit: number): number {
  // A key escaped into one line (minified JSON's `"-----BEGIN \u2026\\n\u2026"`) goes whole into the next piece: cut
  // in two, the piece after the cut has no header to be known by. One that starts the text is cut after its end if
  // that has arrived, else at the limit (its start masks the piece, its footer the next).
  // Read no further than twice the limit: a whole stream written at once is cut many times.
  const window = text.length > 2 * limit ? text.slice(0, 2 * limit) : text;
  const key = privateKeySpans(window).find(([start, end]) => start < limit && end > limit);
  if (key && key[0] > 0) return key[0];
  if (key && key[1] < window.length) return key[1];
  const from = Math.max(1, limit - Math.min(CUT_LOOKBACK, Math.floor(limit / 2)));
  for (let cut = limit; cut >= from; cut--) if (/\s/.test(text[cut - 1]!) || /\s/.test(text[cut] ?? '')) return cut;
  let cut = limit;
  while (cut >= from) {
    if (TOKEN_CHAR.test(text[cut - 1]!) && TOKEN_CHAR.test(text[cut] ?? '')) cut--;
    else {
      const url = openUrlStart(text, cut);
      if (url === -1) return cut;
      cut = url;
    }
  }
  return limit;
}

/** Where the URL whose authority a cut at `cut` falls in (its `://` included) starts, at its scheme; -1 if none. */
function openUrlStart(text: string, cut: number): number {
  const slashes = text.lastIndexOf('://', cut - 1);
  if (slashes === -1 || /[\s/]/.test(text.slice(slashes + 3, cut))) return -1;
  let start = slashes;
  while (start > 0 && /[A-Za-z0-9+.-]/.test(text[start - 1]!)) start--;
  return start === slashes ? -1 : start;
}

/** How to declare the input with nothing secret in it: a mapping or a list declared without a default would be read as text. */
function declareInstead(input: string, value: unknown): string {
  if (Array.isArray(value)) return `declare the input with an empty list as its default (${input}: []), which keeps it a list,`;
  if (typeof value === 'object' && value !== null) return `declare the input with an empty mapping as its default (${input}: {}), which keeps it a mapping,`;
  return `declare the input without a default (${input}:)`;
}
