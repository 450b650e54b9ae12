/**
 * A Redis URL read into connection options, without connecting: what ksa cannot use as written is refused here, so
 * that a command meeting the URL only later (ksa ask, once the model answered) can refuse it first. No ioredis at run
 * time: the chat reads it before its first frame.
 */

import type { RedisOptions } from 'ioredis';
import { KsaError } from '../planning/ksa-error.js';
import { maskedRedisUrl, REDIS_URL_FORM, redisServerOf, shownRedisUrl, writtenRedisUrlProblem } from './redis-url.js';

export class RedisUnavailableError extends KsaError {
  readonly url: string;
  /** Why, as the message says it after the URL. */
  readonly reason: string;
  /** The URL itself is wrong (a usage error), not the Redis it names. */
  readonly badUrl: boolean;

  constructor({ url, cause, reason, badUrl = false }: { url: string; reason: string; cause?: unknown; badUrl?: boolean }) {
    // A URL that cannot be taken apart is shown as given: its password is masked here, for every caller.
    super({ name: 'RedisUnavailableError', message: `cannot use Redis at ${maskedRedisUrl(url)}: ${reason}`, cause });
    this.url = maskedRedisUrl(url);
    this.reason = reason;
    this.badUrl = badUrl;
  }
}

/**
 * A Redis URL as options for ioredis/BullMQ, and as shown to users (without the password).
 * `skipVersionCheck` is BullMQ's: read from the connection options it is given. `database`: as the URL writes it
 * (`007`, which ioredis and BullMQ read as 7, as ksa does), for what messages quote of it; `options.db` is its number.
 */
export type RedisTarget = { readonly options: RedisOptions & { readonly skipVersionCheck?: boolean }; readonly display: string; readonly database: string };

/** A URL's user name or password as given: a `%` not followed by two hex digits is refused (write it as %25), never thrown as a URIError. */
function userInfoPart(encoded: string, display: string, what: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new RedisUnavailableError({ url: display, reason: `its ${what} holds a % that is not %XX (write a % in it as %25)`, badUrl: true });
  }
}

/** Redis allows at most 2^31 - 1 databases (its `databases` setting is an int): the last one's number. */
const MAX_DATABASE = 2_147_483_646;

export function parseRedisUrl(url: string): RedisTarget {
  // Before the parser reads it: a password cut short would be taken for a host and port, and a URL without // for no host.
  const problem = writtenRedisUrlProblem(url);
  if (problem !== undefined) throw new RedisUnavailableError({ url: shownRedisUrl(url), reason: problem, badUrl: true });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUnavailableError({ url, reason: `not a URL (expected ${REDIS_URL_FORM})`, badUrl: true });
  }
  const display = shownRedisUrl(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new RedisUnavailableError({ url: display, reason: `unsupported scheme "${parsed.protocol}" (use redis:// or rediss://)`, badUrl: true });
  }
  // `redis://` and `redis:///1` name no host, and ksa reads nothing after `?` (`?db=1`): either would go, unsaid, to
  // another server or database than the one meant.
  if (parsed.hostname === '') throw new RedisUnavailableError({ url: display, reason: `names no host (expected ${REDIS_URL_FORM})`, badUrl: true });
  if (parsed.search !== '') throw new RedisUnavailableError({ url: display, reason: `ksa reads no options after ? in a Redis URL: give the database as /N (${REDIS_URL_FORM})`, badUrl: true });
  const { host, port, db, tls } = redisServerOf(parsed);
  if (!Number.isInteger(db) || db < 0) throw new RedisUnavailableError({ url: display, reason: `"${maskedRedisUrl(parsed.pathname.slice(1))}" is not a database number`, badUrl: true });
  // Quoted as written: past this no server has it, and a number that large is no longer read exactly (1e20 for 99999999999999999999).
  if (db > MAX_DATABASE) throw new RedisUnavailableError({ url: display, reason: `database ${parsed.pathname.slice(1)} cannot exist: a Redis server numbers its databases from 0 to at most ${MAX_DATABASE}`, badUrl: true });
  const options: RedisOptions = {
    host,
    port,
    db,
    // BullMQ's blocking commands must wait for a reconnect instead of failing.
    maxRetriesPerRequest: null,
    ...(parsed.username ? { username: userInfoPart(parsed.username, display, 'user name') } : {}),
    ...(parsed.password ? { password: userInfoPart(parsed.password, display, 'password') } : {}),
    ...(tls ? { tls: {} } : {}),
  };
  return { options, display, database: parsed.pathname.slice(1) || '0' };
}
