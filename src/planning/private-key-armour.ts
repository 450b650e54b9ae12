/**
 * Where a private key starts and ends in text. A key is known by its header: PEM's and OpenPGP's
 * `-----BEGIN … PRIVATE KEY-----` (SSH2's `---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----`), PuTTY's
 * `PuTTY-User-Key-File-N:`, or a PEM key encoded once more in base64 (`client-key-data: LS0tLS1CRUdJTi…`). Its body
 * has no shape of its own, so it runs from the header while lines look like a key's body: base64, armour headers
 * (`Proc-Type:`, `DEK-Info:`, `Comment:`, PuTTY's fields), blank lines; to its footer where it has one. A header in
 * other text (`grep BEGIN docs`) hides only the lines that could be a key, not all that follows it.
 */

/** A private key's armour line: PEM and OpenPGP (five dashes), SSH2 (four dashes and a space). */
const ARMOUR = /(?:-----|---- )(BEGIN|END) (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?(?:-----| ----)/g;
/** A PuTTY key file's first line: it has no footer, its fields and base64 lines follow. */
const PUTTY_HEADER = /PuTTY-User-Key-File-\d+:/g;
/** Base64 of `-----BEGIN ` (a PEM block encoded again, as kubeconfig's `client-key-data` and a Secret's `data` hold it). */
const ENCODED_PEM = /(?<![A-Za-z0-9+/])LS0tLS1CRUdJTi[A-Za-z0-9+/]*={0,2}/g;
/** The base64 lines of a key's body, and OpenPGP's `=XXXX` checksum. */
const BASE64_LINE = /^[A-Za-z0-9+/]+={0,2}$/;
/** Header fields inside an armour: RFC 1421 (Proc-Type, DEK-Info), OpenPGP, SSH2 (Subject, x-…), PuTTY's key file. */
const ARMOUR_FIELD =
  /^(?:Proc-Type|DEK-Info|Comment|Version|Hash|Charset|MessageID|Subject|x-[A-Za-z0-9-]+|Encryption|Public-Lines|Private-Lines|Private-MAC|Private-Hash|Key-Derivation|Argon2-[A-Za-z]+):/i;

/**
 * An SSH2 header line (RFC 4716): a tag of 1 to 64 printable ASCII characters other than `:`, a colon and a space.
 * Any tag may stand before an SSH2 key's body (`Key-Type: ed25519`), not only the ones known by name.
 */
const SSH2_HEADER_FIELD = /^[\x21-\x39\x3b-\x7e]{1,64}:(?: |$)/;

/** Quick look: text without any of these holds no key header. */
export const KEY_HEADER_HINT = /PRIVATE KEY|PuTTY-User-Key-File|LS0tLS1CRUdJTi/;

/**
 * A key left open at the end of a line. `prefix`: what its header line had before the header (`data: `, grep's
 * `keys.pem:3:`, a log's timestamp), as a pattern with any number where it had one: its body lines may carry it too.
 * `footer`: whether an END line closes it (PuTTY's and a base64-encoded one end where their body ends).
 */
export type OpenKey = {
  readonly prefix: RegExp;
  readonly footer: boolean;
  /**
   * The line before was an armour field ending with a backslash: RFC 4716 continues it on this line (an SSH2 key's
   * long `Comment:`), whatever this line holds.
   */
  readonly continued?: boolean;
  /** An SSH2 block whose body has not begun: any RFC 4716 header line may come next. */
  readonly ssh2Headers?: boolean;
};

/** Whether a line can be part of the body of the key open before it. */
export function keyBodyLine(line: string, key: OpenKey): boolean {
  return keyAfterBodyLine(line, key) !== undefined;
}

/** The key still open after a line of its body (continued when the line goes on onto the next), or undefined when the line cannot be its body. */
export function keyAfterBodyLine(line: string, key: OpenKey): OpenKey | undefined {
  const match = key.prefix.exec(line);
  const rest = (match ? line.slice(match[0].length) : line).trim();
  const headers = key.ssh2Headers === true;
  const field = key.continued === true || ARMOUR_FIELD.test(rest) || (headers && SSH2_HEADER_FIELD.test(rest));
  if (field) return withState(key, rest.endsWith('\\'), headers);
  if (rest === '') return withState(key, false, headers);
  // The body has begun: RFC 4716 puts no header after it.
  return BASE64_LINE.test(rest) ? withState(key, false, false) : undefined;
}

function withState(key: OpenKey, continued: boolean, ssh2Headers: boolean): OpenKey {
  if ((key.continued ?? false) === continued && (key.ssh2Headers ?? false) === ssh2Headers) return key;
  return { ...key, continued, ssh2Headers };
}

/** Where the footer in a line ends (after its last dash), or -1. */
export function keyFooterEnd(line: string): number {
  if (!line.includes('PRIVATE KEY')) return -1;
  for (const match of line.matchAll(ARMOUR)) if (match[1] === 'END') return match.index + match[0].length;
  return -1;
}

/** The keys that start in a line from `from` on: each one closed on it as [start, end), and the one left open, from `openAt` to the line's end. */
export function keysStartingIn(line: string, from = 0): { closed: [number, number][]; open?: { at: number; key: OpenKey } } {
  const closed: [number, number][] = [];
  if (!KEY_HEADER_HINT.test(line)) return { closed };
  let at = from;
  for (;;) {
    const header = nextHeader(line, at);
    if (header === undefined) return { closed };
    if (header.kind === 'armour') {
      const end = keyFooterEnd(line.slice(header.end));
      if (end === -1) return { closed, open: { at: header.start, key: openKey(line, header.start, true, line.startsWith('---- ', header.start)) } };
      closed.push([header.start, header.end + end]);
      at = header.end + end;
    } else if (header.kind === 'putty') {
      return { closed, open: { at: header.start, key: openKey(line, header.start, false) } };
    } else {
      // A certificate or a public key encoded the same way is left shown; one whose label cannot be read is not.
      at = header.end;
      if (!encodedPrivateKey(line.slice(header.start, header.end))) continue;
      // Wrapped (`base64 key.pem`): its run goes on in the base64 lines that follow.
      if (line.slice(header.end).trim() === '') return { closed, open: { at: header.start, key: openKey(line, header.start, false) } };
      closed.push([header.start, header.end]);
    }
  }
}

/** The spans of a text that are private keys, each header to footer, or to where its body ends (no footer, or cut off). */
export function privateKeySpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  if (!KEY_HEADER_HINT.test(text)) return spans;
  let open: { start: number; end: number; key: OpenKey } | undefined;
  for (let lineStart = 0; lineStart <= text.length; ) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    // A CRLF line's `\r` is the line end's, not the key's.
    const contentEnd = lineEnd > lineStart && text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
    const line = text.slice(lineStart, contentEnd);
    let from = 0;
    if (open) {
      const footer = open.key.footer ? keyFooterEnd(line) : -1;
      const after = footer === -1 ? keyAfterBodyLine(line, open.key) : undefined;
      if (footer !== -1) {
        spans.push([open.start, lineStart + footer]);
        open = undefined;
        from = footer;
      } else if (after) {
        open.end = contentEnd;
        open.key = after;
      } else {
        spans.push([open.start, open.end]);
        open = undefined;
      }
    }
    if (!open) {
      const found = keysStartingIn(line, from);
      for (const [start, end] of found.closed) spans.push([lineStart + start, lineStart + end]);
      if (found.open) open = { start: lineStart + found.open.at, end: contentEnd, key: found.open.key };
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  if (open) spans.push([open.start, open.end]);
  return spans;
}

/** The text with each span as `mask`. */
export function maskSpans(text: string, spans: readonly (readonly [number, number])[], mask: string): string {
  let out = '';
  let at = 0;
  for (const [start, end] of spans) {
    out += text.slice(at, start) + mask;
    at = end;
  }
  return out + text.slice(at);
}

type Header = { kind: 'armour' | 'putty' | 'encoded'; start: number; end: number };

function nextHeader(line: string, from: number): Header | undefined {
  const found: Header[] = [];
  for (const [kind, pattern] of [['armour', ARMOUR], ['putty', PUTTY_HEADER], ['encoded', ENCODED_PEM]] as const) {
    pattern.lastIndex = from;
    for (let match = pattern.exec(line); match !== null; match = pattern.exec(line)) {
      if (kind === 'armour' && match[1] !== 'BEGIN') continue;
      found.push({ kind, start: match.index, end: match.index + match[0].length });
      break;
    }
    pattern.lastIndex = 0;
  }
  return found.sort((a, b) => a.start - b.start)[0];
}

/** Longer, what is before a header is other text (a long line's), not a prefix its body lines repeat. */
const MAX_PREFIX = 256;

function openKey(line: string, headerStart: number, footer: boolean, ssh2 = false): OpenKey {
  const start = line.slice(0, headerStart).trimStart();
  const before = start.length > MAX_PREFIX ? '' : start;
  const pattern = before.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\d+/g, '\\d+');
  return { prefix: new RegExp(`^\\s*${pattern}`), footer, ...(ssh2 ? { ssh2Headers: true } : {}) };
}

/** Whether base64 of a PEM block decodes to a private key's header, or is too short or broken to tell (then it is taken as one). */
function encodedPrivateKey(run: string): boolean {
  const length = Math.min(run.length, 120);
  let decoded: string;
  try {
    decoded = atob(run.slice(0, length - (length % 4)));
  } catch {
    return true;
  }
  const label = /^-----BEGIN ([^-\n]*)-----/.exec(decoded);
  return label === null || /PRIVATE KEY/.test(label[1]!);
}
