import { Redis } from 'ioredis';
import { parseRedisUrl, RedisUnavailableError, type RedisTarget } from './redis-target.js';
import { plural } from '../planning/plural.js';
import { missingRight, rightRefused } from './redis-rights.js';
import { answersPlainRedis, completesTlsHandshake, MAYBE_TLS, tlsHandshakeFailed, tlsRefusal } from './tls-mismatch.js';

/**
 * BullMQ 6 refuses Redis below 5.0.0 and prints a multi-line warning below
 * 6.2.0 (RedisConnection.minimumVersion / recommendedMinimumVersion in its
 * source); ksa asks for 6.2 so neither a refusal mid-start nor that warning can happen.
 */
export const MIN_REDIS_VERSION = '6.2.0';

export { parseRedisUrl, RedisUnavailableError, type RedisTarget } from './redis-target.js';

/**
 * Checks a Redis before anything starts: reachable, the password right, the
 * version recent enough. Throws RedisUnavailableError with the cause in words.
 */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<RedisTarget> {
  const target = parseRedisUrl(url);
  // Its ready check is INFO, which a user may not be allowed (-@dangerous): ioredis would print a warning of its own.
  const client = new Redis({ ...target.options, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, enableReadyCheck: false });
  // ioredis rejects with "Connection is closed."; the cause is in the error event before it.
  const errors: unknown[] = [];
  client.on('error', (error: unknown) => errors.push(error));
  // connectTimeout ends a connection that is never made, not one that is made and never answered (a stopped
  // redis-server, a firewall that accepts, another program on the port): the whole check has a deadline.
  let timer: NodeJS.Timeout | undefined;
  const noAnswer = new RedisUnavailableError({ url: target.display, reason: `no answer within ${formatSeconds(timeoutMs)} (a stopped Redis, or something else that accepts connections there)` });
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      client.disconnect();
      reject(noAnswer);
    }, timeoutMs);
  });
  try {
    const { infoAllowed } = await Promise.race([deadline, checkServer(client, target)]);
    // Without INFO, ioredis's ready check and BullMQ's version check (both INFO) are left out: the version was read here.
    return infoAllowed ? target : { ...target, options: { ...target.options, enableReadyCheck: false, skipVersionCheck: true } };
  } catch (error) {
    const closed = /Connection is closed/i.test(errorText(error));
    const cause = errors.length > 0 && closed ? errors[0] : error;
    const refused = target.options.tls ? await tlsRefusal(errors, target) : undefined;
    if (refused) throw new RedisUnavailableError({ url: target.display, reason: refused, cause });
    const timedOut = error === noAnswer || (cause as NodeJS.ErrnoException).code === 'ETIMEDOUT';
    if (target.options.tls && timedOut && (await answersPlainRedis(target))) throw new RedisUnavailableError({ url: target.display, reason: tlsHandshakeFailed(target.display), cause });
    if (error instanceof RedisUnavailableError) throw error;
    // Closed with no error before it: the server hung up without a word (a TLS server at a plain client does so).
    // A refusal ioredis meets while it connects (SELECT of the URL's database) is said as the check says its own.
    const reason = closed && errors.length === 0 ? CLOSED_UNANSWERED : (rightRefused(cause, 'a command') ?? describeRedisError(cause));
    const tlsThere = !target.options.tls && (reason === NOT_REDIS || reason === CLOSED_UNANSWERED) && (await completesTlsHandshake(target));
    throw new RedisUnavailableError({ url: target.display, reason: tlsThere ? `${reason}${MAYBE_TLS}` : reason, cause });
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Reachable, the password right, the database there, the version recent enough, the user allowed what ksa does. */
async function checkServer(client: Redis, target: RedisTarget): Promise<{ infoAllowed: boolean }> {
  await client.connect();
  await client.ping();
  // ioredis selects the URL's database while connecting and, when the server has no such database, stays on 0.
  if (target.options.db) await selectDatabase(client, target);
  const { version, infoAllowed } = await serverVersion(client, target);
  if (compareVersions(version, MIN_REDIS_VERSION) < 0) {
    throw new RedisUnavailableError({ url: target.display, reason: `Redis ${version} is too old (ksa needs ${MIN_REDIS_VERSION} or newer)` });
  }
  const refusal = await missingRight(client);
  if (refusal) throw new RedisUnavailableError({ url: target.display, reason: refusal });
  return { infoAllowed };
}

/**
 * The server's version, from INFO; a user without INFO (a common hardening: -@dangerous) is asked HELLO,
 * which says it too (Redis 6 and later; an older server's refusal of HELLO is no refusal of rights).
 */
async function serverVersion(client: Redis, target: RedisTarget): Promise<{ version: string; infoAllowed: boolean }> {
  try {
    const info = await client.info('server');
    return { version: /redis_version:([\d.]+)/.exec(info)?.[1] ?? '0', infoAllowed: true };
  } catch (error) {
    const infoRefusal = rightRefused(error, 'info');
    if (infoRefusal === undefined) throw error;
    const hello = await client.call('HELLO').catch((helloError: unknown) => {
      throw new RedisUnavailableError({ url: target.display, reason: rightRefused(helloError, 'hello') === undefined ? infoRefusal : infoRefusal.replace('the command info', 'the commands info and hello'), cause: helloError });
    });
    return { version: helloField(hello, 'version') ?? '0', infoAllowed: false };
  }
}

/** A field of HELLO's reply: a map (RESP3) or a flat list of names and values (RESP2). */
function helloField(reply: unknown, name: string): string | undefined {
  if (Array.isArray(reply)) {
    const at = reply.findIndex((item, index) => index % 2 === 0 && String(item) === name);
    return at < 0 ? undefined : String(reply[at + 1]);
  }
  if (reply instanceof Map) return reply.has(name) ? String(reply.get(name)) : undefined;
  if (reply !== null && typeof reply === 'object' && name in reply) return String((reply as Record<string, unknown>)[name]);
  return undefined;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

async function selectDatabase(client: Redis, target: RedisTarget): Promise<void> {
  const db = target.options.db!;
  try {
    await client.select(db);
  } catch (error) {
    if (!/out of range|invalid DB index/i.test(errorText(error))) throw error;
    // CONFIG may be disabled (managed Redis): then the limit is not named.
    const count = await client.config('GET', 'databases').then((reply) => Number((reply as string[])[1]), () => NaN);
    const limit = Number.isInteger(count) && count > 0 ? ` (the server has ${plural(count, 'database')}, 0 to ${count - 1})` : ' on that server';
    throw new RedisUnavailableError({ url: target.display, reason: `database ${target.database} does not exist${limit}`, badUrl: true, cause: error });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const NOT_REDIS = 'the server there is not a Redis server (it answered something else, or hung up)';
const CLOSED_UNANSWERED = 'the server there closed the connection without answering (it may not be a Redis server)';

/** OpenSSL's verification failures of a certificate chain that does not end at a CA ksa trusts. */
const UNTRUSTED_CERTIFICATE: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

export function describeRedisError(error: unknown): string {
  const message = errorText(error);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused (is redis-server running there?)';
  // Node's advice for these (run Node.js with --use-system-ca) is not for a ksa user to act on; NODE_EXTRA_CA_CERTS works for any Node program.
  if (code !== undefined && UNTRUSTED_CERTIFICATE.has(code)) {
    return `the server's TLS certificate is not signed by a CA ksa trusts (${message.split(';')[0]!.trim()}): give ksa the CA's certificate with NODE_EXTRA_CA_CERTS=/path/to/ca.pem`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'unknown host';
  if (code === 'ETIMEDOUT' || /timeout/i.test(message)) return 'no answer (timed out)';
  if (/WRONGPASS|invalid username-password/i.test(message)) return 'wrong password (or user)';
  // A Redis just started (or a replica resyncing) refuses most commands so until its data is in memory, however long that takes.
  if (/^LOADING\b/.test(message)) return 'the Redis server is still loading its data into memory; try again shortly';
  if (/NOAUTH/i.test(message)) return 'a password is required (redis://:password@host:port)';
  if (/ERR AUTH.*without any password/i.test(message)) return 'a password was given but the server has none';
  // Something else listens there (a web server answers "HTTP/1.1 400", "<html>"; others hang up).
  if (/Unknown RESP type|Protocol error|Unexpected end|EPIPE|ECONNRESET/i.test(message) || code === 'EPIPE' || code === 'ECONNRESET') return NOT_REDIS;
  return message.split('\n')[0]!;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
