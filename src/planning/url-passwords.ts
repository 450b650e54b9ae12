import { REDACTED } from './redacted.js';

/**
 * The password of `scheme://user:password@host`. It is only in a URL's authority, which runs from `//` to the first
 * `/`; a `?` or `#` ends it too where what comes before is a host (`localhost:8080?to=ops@example.com`), or before
 * any `:` (`user@host?at=12:30`). The password runs from the user's `:` to the authority's last `@`
 * (`root:P@ssw0rd@db`), and one holding a `?` or `#` (`root:pa#ss@db`) is masked whole: when it cannot be told
 * from a query, more is hidden rather than part of a password shown.
 */
const SCHEME = /[a-z][a-z0-9+.-]*:\/\//gi;
const HOST_AND_PORT = /^(?:\[[^\]]*\]|[^:@[\]]*)(?::\d*)?$/;
/** After the `@`, not a host: an image's digest (`nginx:1.25@sha256:…`, `reg:5000@sha1:abc`) names a tag. */
const NOT_A_HOST = /^[^:[\]]*:(?!\d|$)/;
/** Filled in at run time, quoted or not (`$DB_PASS`, `"${DB_PASS}"`, `{{inputs.dbPassword}}`): no secret is written. */
const REFERENCE = /^(?:\$[A-Za-z_][A-Za-z0-9_]*|\$\{[^}]*\}|\{\{[^}]*\}\})$/;

type PasswordSpan = { readonly start: number; readonly end: number; readonly password: string };

function passwordSpans(text: string): PasswordSpan[] {
  const spans: PasswordSpan[] = [];
  for (const scheme of text.matchAll(SCHEME)) {
    const from = scheme.index + scheme[0].length;
    const candidate = /^[^\s/]*/.exec(text.slice(from))![0];
    const span = passwordIn(candidate);
    if (span) spans.push({ start: from + span.start, end: from + span.end, password: candidate.slice(span.start, span.end) });
  }
  return spans;
}

/** Where the password is in what follows `//` up to the first `/` or space. */
function passwordIn(candidate: string): { start: number; end: number } | undefined {
  const query = candidate.search(/[?#]/);
  let authority = candidate;
  if (query !== -1) {
    const beforeQuery = candidate.slice(0, query);
    const colon = candidate.indexOf(':');
    const endsAtQuery = colon === -1 || colon > query || (!beforeQuery.includes('@') && HOST_AND_PORT.test(beforeQuery));
    if (endsAtQuery) authority = beforeQuery;
  }
  const at = authority.lastIndexOf('@');
  if (at === -1) return undefined;
  const userInfo = authority.slice(0, at);
  const colon = userInfo.indexOf(':');
  // `[::1]:8080@x`: an IPv6 host and its port, no user.
  if (colon === -1 || userInfo.startsWith('[') || NOT_A_HOST.test(authority.slice(at + 1))) return undefined;
  return colon + 1 < at ? { start: colon + 1, end: at } : undefined;
}

function unquoted(password: string): string {
  return /^(["'])(.*)\1$/s.exec(password)?.[2] ?? password;
}

/** Whether a URL's password is a secret written down: not a reference, nor a password ksa already masked. */
function writtenDown(password: string): boolean {
  const bare = unquoted(password);
  return !REFERENCE.test(bare) && bare !== REDACTED;
}

/** The passwords written in the URLs of a text (`postgres://app:pw@db` holds `pw`). */
export function urlPasswords(text: string): string[] {
  return passwordSpans(text)
    .map((span) => span.password)
    .filter(writtenDown);
}

/** Whether a text holds a URL whose password is `***`: a value ksa masked, copied back, which would be sent as it is. */
export function maskedUrlPasswords(text: string): boolean {
  return passwordSpans(text).some((span) => unquoted(span.password) === REDACTED);
}

/** The text with the password of each URL as `mask`, its user and host kept. */
export function hideUrlPasswords(text: string, mask: string): string {
  let out = '';
  let from = 0;
  for (const span of passwordSpans(text)) {
    if (!writtenDown(span.password)) continue;
    out += text.slice(from, span.start) + mask;
    from = span.end;
  }
  return out + text.slice(from);
}
