import type { WorkspaceRoot } from '../workspace-relative.js';
import { FILE_TOOLS } from './file-path-form.js';
import { sortedJsonPattern } from './json-key-order.js';
import { decodeUnreserved } from './url-forms.js';

/**
 * A deny or ask rule's pattern in the form a call's path or URL is met in (file-path-form.ts, url-forms.ts),
 * so a rule written the long way still meets the call: `read_file: "x/../secrets/*"` is `secrets/*`,
 * `<workspace>/.env` is `.env`, `http: "GET https://API.example.com:443/*"` is `GET https://api.example.com/*`;
 * a JSON pattern over an MCP call's arguments with its keys sorted (json-key-order.ts).
 * Only what is literal is rewritten: a `..` after a segment with glob characters (`*\/../x`) stays, as the
 * folder it takes back is not known. An absolute path pattern is also met with the symbolic links of its literal
 * part resolved, as the call's path is, so `<link to the workspace>/.env` is `.env` in the workspace the link points
 * to, and the other way round; a relative one from the workspace (`e2` is `.env` when `e2 -> .env`). Empty when the
 * pattern is already in that form.
 */
export function patternForms(pattern: string, tool: string, workspace: WorkspaceRoot | undefined): string[] {
  const forms = FILE_TOOLS.has(tool) ? pathPatterns(pattern, workspace) : tool === 'http' ? urlPatterns(pattern) : tool === 'shell' ? [] : [sortedJsonPattern(pattern) ?? pattern];
  return [...new Set(forms)].filter((form) => form !== pattern);
}

/** Characters that make a path segment a pattern rather than a name. */
const GLOB = /[*?[\]{}()!@+\\]/;

/** A path pattern's segments: split at each `/` outside braces and parentheses (`{a/b,c}` is one). */
function segmentsOf(pattern: string): string[] {
  const segments: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\') i++;
    else if (char === '{' || char === '(') depth++;
    else if ((char === '}' || char === ')') && depth > 0) depth--;
    else if (char === '/' && depth === 0) {
      segments.push(pattern.slice(from, i));
      from = i + 1;
    }
  }
  segments.push(pattern.slice(from));
  return segments;
}

/**
 * `.` segments dropped, `..` taking back a literal segment before it. A file path drops empty segments; a URL's
 * path keeps them (`//` is a segment there) and drops a `..` at its root, as the URL parser does.
 */
function resolvedPattern(segments: readonly string[], url: boolean): string[] {
  const kept: string[] = [];
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (segment === '.' || (segment === '' && !url && index > 0)) {
      if (last && url) kept.push('');
      continue;
    }
    const before = kept.at(-1);
    const atRoot = url && kept.length === 1 && before === '';
    if (segment === '..' && before !== undefined && (atRoot || (before !== '..' && (url || before !== '') && !GLOB.test(before)))) {
      if (!atRoot) kept.pop();
      if (last && url) kept.push('');
    } else kept.push(segment);
  }
  return kept;
}

function pathPatterns(pattern: string, workspace: WorkspaceRoot | undefined): string[] {
  let kept = resolvedPattern(segmentsOf(pattern), false);
  let given: string;
  // Where the rule's own segments start: a folder of the workspace with glob characters in its name is a name.
  let from = 1;
  if (kept[0] !== '') {
    given = kept.join('/') || '.';
    if (workspace?.realPath === undefined) return [given];
    // A relative rule is about the workspace's files: its literal part may name a link in it too (`e2` for `e2 -> .env`).
    const root = workspace.path.split('/').filter((segment) => segment !== '' && segment !== '.');
    from = root.length + 1;
    kept = ['', ...root, ...kept];
  } else {
    given = underWorkspace(kept, workspace?.path);
    if (workspace?.realPath === undefined) return [given];
  }
  // The literal folders before the first segment with glob characters are where links can be resolved.
  const literal = kept.findIndex((segment, index) => index >= from && GLOB.test(segment));
  const prefix = literal === -1 ? kept : kept.slice(0, literal);
  const real = workspace.realPath(prefix.join('/') || '/').split('/');
  const resolved = [...real, ...(literal === -1 ? [] : kept.slice(literal))].filter((segment, index) => index === 0 || segment !== '');
  return [given, underWorkspace(resolved, workspace.realPath(workspace.path))];
}

/** An absolute pattern's segments (the first is empty): in the workspace, the path the rule meets is relative to it. */
function underWorkspace(kept: readonly string[], workspace: string | undefined): string {
  const root = workspace === undefined ? undefined : workspace.split('/').filter((segment) => segment !== '' && segment !== '.');
  const inside = root !== undefined && root.length > 0 && root.every((segment, index) => kept[index + 1] === segment);
  return inside ? kept.slice(root.length + 1).join('/') || '.' : kept.join('/') || '/';
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: ':80', https: ':443', ws: ':80', wss: ':443' };

/**
 * `METHOD URL` with the URL's authority as the request's (urlAuthority), dot segments resolved, unreserved escapes
 * decoded; and that with `//` in the path as `/`.
 */
function urlPatterns(pattern: string): string[] {
  const space = pattern.indexOf(' ');
  const parts = /^([^:/?#\s]+):\/\/([^/?#\s]*)([^\s]*)$/.exec(pattern.slice(space + 1));
  if (space === -1 || !parts) return [];
  const scheme = parts[1]!.toLowerCase();
  const host = urlAuthority(scheme, parts[2]!);
  const rest = decodeUnreserved(parts[3]!);
  // A `?` in a pattern is mostly a glob: only `#` and a `?` before a `=` end the path.
  const end = rest.search(/#|\?[^/]*=/);
  const path = end === -1 ? rest : rest.slice(0, end);
  const tail = end === -1 ? '' : rest.slice(end);
  // The URL parser gives an empty path as `/`.
  const resolved = path === '' ? (GLOB.test(host) ? '' : '/') : resolvedPattern(segmentsOf(path), true).join('/');
  const origin = `${pattern.slice(0, space)} ${scheme}://${host}`;
  return [`${origin}${resolved}${tail}`, `${origin}${resolved.replace(/\/{2,}/g, '/')}${tail}`];
}

/**
 * A rule's `host[:port]` as the request's (url-forms.ts): the user name and password left out, in lower case, the
 * default port and the one dot a fully qualified host ends with left out (also written after the port,
 * `api.example.com:443.`), and a host without glob characters as the URL parser writes it (`[0:0:0:0:0:0:0:1]` is
 * `[::1]`, `127.1` is `127.0.0.1`); an IPv6 address's brackets as the characters they are, not a class.
 */
function urlAuthority(scheme: string, authority: string): string {
  // The user information ends at the last `@`; `@(a|b)` is an extended glob in the host.
  const at = [...authority.matchAll(/@(?!\()/g)].at(-1)?.index ?? -1;
  let host = authority.slice(at + 1).toLowerCase();
  const portAt = host.startsWith('[') ? host.indexOf(']') + 1 : host.lastIndexOf(':');
  let port = portAt > 0 && host[portAt] === ':' ? host.slice(portAt) : '';
  host = host.slice(0, host.length - port.length);
  port = port.replace(/^(:\d*)\.$/, '$1');
  if (port === ':' || port === DEFAULT_PORTS[scheme]) port = '';
  if (host.length > 1 && /[^.]\.$/.test(host)) host = host.slice(0, -1);
  const address = /^\[[0-9a-f:.]+\]$/.test(host);
  if (address || (host !== '' && !GLOB.test(host))) {
    try {
      host = new URL(`http://${host}/`).hostname;
    } catch {
      // Not a host the request could name: matched as written.
    }
  }
  return `${address && host.startsWith('[') ? `\\[${host.slice(1, -1)}\\]` : host}${port}`;
}
