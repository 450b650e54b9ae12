import type { Redis } from 'ioredis';
import { WORKERS_KEY } from './queue-names.js';

/** A harmless script: BullMQ moves every job with Lua scripts, so a user without them can queue nothing. */
const NOOP_SCRIPT = 'return 1';

/** Nobody listens on it: the probe's message reaches no worker. */
const PROBE_CHANNEL = 'ksa:rights-check';

/**
 * What a Redis user (an ACL user) must be allowed for ksa to work, tried before anything starts: the
 * registry's reads and writes, scripts, and its channels (cancels go to workers there; a Redis 7 user
 * created without `&…` has none). A refusal (NOPERM) names the command, key or channel; later it would
 * surface as an unexpected error, or fail a step after the run has begun.
 * Resolves to the refusal, in words, or undefined when everything was allowed.
 */
export async function missingRight(client: Redis): Promise<string | undefined> {
  const probes: readonly [string, () => Promise<unknown>][] = [
    ['hgetall', () => client.hgetall(WORKERS_KEY)],
    ['set', () => client.set('ksa:rights-check', '1', 'PX', 1000)],
    ['eval (scripts)', () => client.eval(NOOP_SCRIPT, 0)],
    ['publish (channels)', () => client.publish(PROBE_CHANNEL, '')],
  ];
  for (const [what, probe] of probes) {
    try {
      await probe();
    } catch (error) {
      const refusal = rightRefused(error, what);
      if (refusal === undefined) throw error;
      return refusal;
    }
  }
  return undefined;
}

/** A Redis error that is a refusal of the user's rights (NOPERM), in words; undefined for any other error. */
export function rightRefused(error: unknown, what: string): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!/^NOPERM/i.test(message)) return undefined;
  const command = /'([\w|]+)' command/.exec(message)?.[1];
  const subject = command ? `the command ${command}` : /channel/i.test(message) ? 'the channels ksa:*' : /key/i.test(message) ? `the keys ksa:*` : what;
  return `this Redis user may not use ${subject} (ksa needs +@all on the keys and channels ksa:*: see "Redis users" in docs/distributed.md)`;
}
