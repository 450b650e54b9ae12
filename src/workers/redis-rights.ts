import type { Redis } from 'ioredis';
import { WORKERS_KEY } from './queue-names.js';

/** Never written: the commands that name it are only queued in a transaction that is discarded. */
const PROBE_KEY = 'ksa:rights-check';

/** Nobody listens on it, and nothing is ever published there (the PUBLISH is discarded too). */
const PROBE_CHANNEL = 'ksa:rights-check';

/**
 * Every command ksa, ioredis and BullMQ's Worker, Queue and QueueEvents issue on their own connections
 * (the blocking pops and stream reads, scripts, CLIENT SETNAME, TIME, PUBLISH) and every command BullMQ's
 * Lua scripts call: a script runs with its caller's rights, so a command refused inside one would fail a job
 * mid-run (or leave a worker that never takes one) instead of refusing ksa at start-up. Arguments only need
 * the right count and the ksa: prefix: the commands are queued, never run.
 */
const NEEDED_COMMANDS: readonly (readonly string[])[] = [
  ['CLIENT', 'SETNAME', 'ksa'],
  ['PING'],
  ['TIME'],
  ['SCAN', '0', 'MATCH', `${PROBE_KEY}:*`],
  ['EVAL', 'return 1', '0'],
  ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'],
  ['PUBLISH', PROBE_CHANNEL, ''],
  ...['GET', 'EXISTS', 'TYPE', 'PTTL', 'PERSIST', 'DEL', 'UNLINK', 'INCR', 'HGETALL', 'HLEN', 'LLEN', 'LPOP', 'RPOP', 'SCARD', 'SMEMBERS', 'ZCARD', 'ZPOPMIN', 'XLEN'].map((command) => [command, PROBE_KEY]),
  ...['SET', 'INCRBY', 'EXPIRE', 'PEXPIRE', 'PEXPIREAT', 'HGET', 'HDEL', 'HEXISTS', 'HMGET', 'LPUSH', 'RPUSH', 'LINDEX', 'LPOS', 'SADD', 'SREM', 'SISMEMBER', 'ZREM', 'ZSCORE', 'XDEL'].map((command) => [command, PROBE_KEY, '1']),
  ...['HSET', 'HMSET', 'HINCRBY', 'LRANGE', 'LREM', 'LSET', 'LTRIM', 'ZADD', 'ZCOUNT', 'ZRANGE', 'ZRANGEBYSCORE', 'ZREVRANGE', 'ZREVRANGEBYSCORE', 'ZRANGEBYLEX', 'ZLEXCOUNT', 'ZREMRANGEBYRANK', 'ZREMRANGEBYSCORE', 'XRANGE', 'XTRIM'].map((command) => [command, PROBE_KEY, '0', '1']),
  ['RENAME', PROBE_KEY, `${PROBE_KEY}:renamed`],
  ['RPOPLPUSH', PROBE_KEY, PROBE_KEY],
  ['BZPOPMIN', PROBE_KEY, '1'],
  ['XADD', PROBE_KEY, '*', 'probe', '1'],
  ['XREAD', 'BLOCK', '1', 'STREAMS', PROBE_KEY, '0'],
];

/** The commands the check asks for, as ACL rules name them (`client|setname`): what docs and tests list. */
export function neededCommands(): string[] {
  return ['hgetall', 'multi', 'exec', 'discard', ...NEEDED_COMMANDS.map(([command, sub]) => (command === 'CLIENT' ? `client|${sub!.toLowerCase()}` : command!.toLowerCase()))].filter((command, index, all) => all.indexOf(command) === index);
}

/**
 * What a Redis user (an ACL user) must be allowed for ksa to work, tried before anything starts. A user
 * can ask neither ACL DRYRUN nor ACL GETUSER, but Redis checks a command's rights (its command, keys and
 * channels) when MULTI queues it, so each needed command is queued and the transaction discarded: nothing
 * runs, nothing blocks, in two round trips. A refusal (NOPERM) names the command, keys or channels; later it
 * would surface as an unexpected error, or as a worker that never takes a job.
 * Resolves to the refusal, in words, or undefined when everything was allowed.
 */
export async function missingRight(client: Redis): Promise<string | undefined> {
  // The registry's read, then a transaction: an empty one (EXEC must be allowed), and the one the rest is queued in.
  // Nothing after a refused MULTI is sent, as it would run.
  const opening = await replies(client.pipeline().hgetall(WORKERS_KEY).call('MULTI').call('EXEC').call('MULTI'));
  const opened = opening[3]?.[0] === null;
  const refusal = firstRefusal(opening, ['hgetall', 'multi', 'exec', 'multi']);
  if (refusal !== undefined || !opened) {
    if (opened) await client.call('DISCARD').catch(() => {});
    return refusal;
  }
  const queued = client.pipeline();
  for (const [command, ...args] of NEEDED_COMMANDS) queued.call(command!, ...args);
  queued.call('DISCARD');
  return firstRefusal(await replies(queued), NEEDED_COMMANDS.map(([command]) => command!.toLowerCase()));
}

async function replies(pipeline: ReturnType<Redis['pipeline']>): Promise<[Error | null, unknown][]> {
  return (await pipeline.exec()) ?? [];
}

/** The first reply that is a refusal, in words; another error (not a refusal) is thrown. */
function firstRefusal(results: readonly [Error | null, unknown][], commands: readonly string[]): string | undefined {
  for (const [index, [error]] of results.entries()) {
    if (error === null) continue;
    const refusal = rightRefused(error, commands[index] ?? 'a command');
    if (refusal === undefined) throw error;
    return refusal;
  }
  return undefined;
}

/**
 * A Redis error that is a refusal of the user's rights (NOPERM), in words; undefined for any other error.
 * A refused EXEC comes back as the transaction's abort, with the refusal after it.
 */
export function rightRefused(error: unknown, what: string): string | undefined {
  const message = (error instanceof Error ? error.message : String(error)).replace(/^EXECABORT\b[^:]*:\s*/i, '');
  if (!/^NOPERM/i.test(message)) return undefined;
  const command = /'([\w|]+)' command/.exec(message)?.[1];
  const subject = command ? `the command ${command}` : /channel/i.test(message) ? 'the channels ksa:*' : /key/i.test(message) ? `the keys ksa:*` : what;
  return `this Redis user may not use ${subject} (ksa needs +@all on the keys and channels ksa:*: see "Redis users" in docs/distributed.md)`;
}
