/**
 * Redis URLs as runs record them and hints name them: pure, so that every layer that tells the user how to
 * resume or cancel a run (the store's lock, the agent, the CLI) names the run's `--redis` the same way.
 */

/** The form a Redis URL is written in, as errors name it. */
export const REDIS_URL_FORM = 'redis://[user:password@]host[:port][/db]';

/**
 * A URL as written, cut where a URL parser cuts it: the authority after `scheme://` ends at the first `/`, `?` or `#`,
 * and its user info at its last `@`. Undefined for text without `//` after its scheme (`redis:/:pw@host`), which a
 * parser reads as a path and no host at all.
 */
function writtenParts(text: string): { scheme: string; userInfo: string | undefined; hostPort: string; path: string; rest: string } | undefined {
  const match = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)([^?#]*)([^]*)$/i.exec(text.trim());
  if (!match) return undefined;
  const [, scheme, authority, path, rest] = match as unknown as [string, string, string, string, string];
  const at = authority.lastIndexOf('@');
  return { scheme, userInfo: at < 0 ? undefined : authority.slice(0, at), hostPort: authority.slice(at + 1), path, rest };
}

/**
 * Whether the user info of a URL holds a `?`, `#` or `/` as written (`redis://u:12?pw@host`): a parser ends the host
 * there, taking the user for the host and what follows for a port, and the rest, with the `@`, for a path, query or
 * fragment. No Redis URL has an `@` past its host, so one there is taken for that, whatever precedes it.
 */
export function userInfoCutShort(text: string): boolean {
  const parts = writtenParts(text);
  return parts !== undefined && `${parts.path}${parts.rest}`.includes('@');
}

/** Whether the text names a Redis URL's host the way a URL does, after `//` (`redis:/x` names none). */
export function hasAuthority(text: string): boolean {
  return writtenParts(text) !== undefined;
}

/**
 * What makes a Redis URL unusable as written, before any parser reads it: user info cut short (userInfoCutShort), or
 * `redis:` without `//` (no host: a connection would go to the default one). Undefined when neither.
 */
export function writtenRedisUrlProblem(text: string): string | undefined {
  if (userInfoCutShort(text)) return 'its user name or password holds a ?, # or / as written, where a URL ends its host: percent-encode them (? as %3F, # as %23, / as %2F)';
  if (/^rediss?:/i.test(text.trim()) && !hasAuthority(text)) return `not a URL (expected ${REDIS_URL_FORM})`;
  return undefined;
}

/**
 * A Redis URL as ksa shows it: scheme, host, port and database as the user wrote them (an address a parser would
 * rewrite, [::ffff:127.0.0.1], kept), never the user or password. Text that cannot be taken apart so (no `//`, user
 * info cut short by a `?`, `#` or `/`) is shown with all up to its last `@` masked.
 */
export function shownRedisUrl(text: string): string {
  const parts = writtenParts(text);
  if (!parts || userInfoCutShort(text)) return maskedRedisUrl(text.trim());
  return `${parts.scheme}//${parts.hostPort}${parts.path.length > 1 ? parts.path : ''}`;
}

/**
 * A Redis URL as a run records it: as shown, but a password as *** (the user kept), so that
 * `ksa status` can say a resume needs it.
 */
export function recordedRedisUrl(url: string): string {
  const parts = writtenParts(url);
  if (!parts || userInfoCutShort(url) || !URL.canParse(url.trim())) return maskedRedisUrl(url.trim());
  const shown = shownRedisUrl(url);
  const colon = parts.userInfo?.indexOf(':') ?? -1;
  const hasPassword = colon >= 0 && parts.userInfo!.length > colon + 1;
  return hasPassword ? shown.replace('//', `//${parts.userInfo!.slice(0, colon)}:***@`) : shown;
}

/**
 * Text naming a Redis URL, with its password as ***: what sits between the first `:` after the scheme and the
 * last `@` (all the user info when it has no `:`, as some write a password alone). Also for text that is no URL
 * (a port out of range, a space in the host, a bracket left open, `redis:/` for `redis://`), which cannot be taken
 * apart as one: where the password ends is not known there, so all up to the last `@` is masked.
 */
export function maskedRedisUrl(text: string): string {
  return text.replace(/^((?:[a-z][a-z0-9+.-]*:)?\/*)([^]*)@/i, (_, head: string, userInfo: string) => `${head}${userInfo.slice(0, userInfo.indexOf(':') + 1)}***@`);
}

/**
 * `--redis <recorded>`, saying what to put in place of the *** of a recorded password; nothing when
 * `configured` (KSA_REDIS_URL) names the same server, which resume and cancel then use by themselves.
 */
export function redisFlagHint(recorded: string, configured?: string): string {
  if (configured !== undefined && sameRedisServer(recorded, configured) === true) return '';
  return ` --redis ${recorded}${recorded.includes(':***@') ? ' (with its password in place of ***)' : ''}`;
}

/**
 * `ksa resume <run>` or `ksa cancel <run>` as a hint names it (with `flags`, e.g. `--yes`): with the run's
 * `--redis` when it sent steps to workers (`redis`, as recorded), since without it both refuse the run,
 * unless `configured` (KSA_REDIS_URL) names that server already (redisFlagHint).
 */
export function runCommandHint(command: 'resume' | 'cancel', runId: string, redis: string | undefined, configured?: string, flags = ''): string {
  return `ksa ${command} ${runId}${flags ? ` ${flags}` : ''}${redis ? redisFlagHint(redis, configured) : ''}`;
}

export type RedisServer = { readonly host: string; readonly port: number; readonly db: number; readonly tls: boolean };

/**
 * Where a Redis URL points, with Redis's defaults (host 127.0.0.1, port 6379, database 0); `db` NaN when the path is
 * not a number in plain digits. An IPv6 address without the brackets a URL writes it in (`[::1]`): a connection takes the address alone.
 */
export function redisServerOf(parsed: URL): RedisServer {
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    db: parsed.pathname.length > 1 ? databaseNumber(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:',
  };
}

/** A URL's database as written: plain decimal digits, NaN otherwise (Number() would read `+1`, `1e0`, `0x1` or `1.0` as 1). */
function databaseNumber(written: string): number {
  return /^\d+$/.test(written) ? Number(written) : NaN;
}

/**
 * A Redis URL a run recorded, its database read as builds before plain digits were required read it: with a number
 * parser, so that `/1e0`, `/+1`, `/0x1` or `/1.0` sent its steps through database 1, written `/1` now. Those runs are
 * then resumed and cancelled through the database they used, and hints name a URL this build takes. Any other is as recorded.
 */
export function olderBuildRedisUrl(recorded: string): string {
  const parts = writtenParts(recorded);
  const written = parts?.path.slice(1) ?? '';
  if (!parts || written === '' || /^\d+$/.test(written)) return recorded;
  const db = Number(written);
  if (!Number.isSafeInteger(db) || db < 0) return recorded;
  return `${parts.scheme}//${parts.userInfo === undefined ? '' : `${parts.userInfo}@`}${parts.hostPort}/${db}${parts.rest}`;
}

/** The one name every spelling of this machine's IPv4 loopback address is compared by. */
export const LOOPBACK_HOST = 'loopback';

// The names a connection reaches 127.0.0.1 by (ksa connects to `localhost` over IPv4): one server. Not ::1, where
// another server may listen on the same port, nor other 127.x addresses: a server may listen on one and not another.
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::ffff:7f00:1', '::ffff:127.0.0.1']);

/**
 * A host as two URLs are compared by it: a URL keeps a redis: host as written (not lower-cased), and an IPv6 address
 * may still be in brackets; the IPv4 loopback names are one. A name ending with the root's dot is another name (a
 * connection to `localhost.` fails where one to `localhost` does not).
 */
export function comparableHost(host: string): string {
  const bare = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return LOOPBACK_NAMES.has(bare) ? LOOPBACK_HOST : bare;
}

/** A URL's Redis server as compared: undefined when it is not a Redis URL as written (or its database is no number). */
export function comparableRedisServer(url: string): RedisServer | undefined {
  // Not where a parser would connect: a URL with no host, or with its password read as a host and port.
  if (!hasAuthority(url) || userInfoCutShort(url)) return undefined;
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')) return undefined;
  const where = redisServerOf(parsed);
  if (!Number.isInteger(where.db) || where.db < 0) return undefined;
  return { ...where, host: comparableHost(where.host) };
}

/**
 * Whether two Redis URLs name the same server and database (user and password aside), by what they say:
 * the loopback names alike, default port and database alike, other host names as written (in any case).
 * Undefined when one is not a Redis URL. Two names of one machine (an alias, a name and its address) are
 * told apart: only a name lookup could join them, and one that fails or hangs would leave it not known.
 */
export function sameRedisServer(a: string, b: string): boolean | undefined {
  const [x, y] = [comparableRedisServer(a), comparableRedisServer(b)];
  if (!x || !y) return undefined;
  return x.host === y.host && x.port === y.port && x.db === y.db && x.tls === y.tls;
}
