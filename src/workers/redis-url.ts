import { lookup } from 'node:dns/promises';
import { comparableHost, comparableRedisServer, LOOPBACK_HOST, recordedRedisUrl, redisFlagHint, sameRedisServer } from '../planning/redis-hints.js';

export { recordedRedisUrl, redisFlagHint, redisServerOf, runCommandHint, sameRedisServer, shownRedisUrl } from '../planning/redis-hints.js';

/** How long a host name may take to resolve before two servers count as not known to be one or two. */
export const HOST_LOOKUP_MS = 2_000;

/**
 * Whether two Redis URLs name the same server, as sameRedisServer, but two host names that differ (an alias,
 * a name and its address) are looked up: one address in common is one server, none in common two. A name that
 * does not resolve within `timeoutMs` leaves it not known (undefined): a wrong refusal would strand the run.
 */
export async function sameRedisServerResolved(a: string, b: string, timeoutMs = HOST_LOOKUP_MS): Promise<boolean | undefined> {
  const plain = sameRedisServer(a, b);
  if (plain !== false) return plain;
  const [x, y] = [comparableRedisServer(a)!, comparableRedisServer(b)!];
  if (x.port !== y.port || x.db !== y.db || x.tls !== y.tls) return false;
  const [here, there] = await Promise.all([addressesOf(x.host, timeoutMs), addressesOf(y.host, timeoutMs)]);
  if (!here || !there) return undefined;
  return here.some((address) => there.includes(address));
}

async function addressesOf(host: string, timeoutMs: number): Promise<string[] | undefined> {
  if (host === LOOPBACK_HOST) return [LOOPBACK_HOST];
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, undefined);
    timer.unref();
  });
  const found = lookup(host, { all: true }).then(
    (addresses) => addresses.map(({ address }) => comparableHost(address)),
    () => undefined,
  );
  try {
    return await Promise.race([found, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Why a run that sent its steps to workers through `recorded` cannot be resumed or cancelled through `url` (none,
 * or another server), in one line; undefined when it can. Another Redis has none of its jobs: a resume would run
 * again what its workers finished (or run their steps here), a cancel would stop nothing and call it cancelled.
 */
export async function otherRedisRefusal(runId: string, recorded: string | undefined, url: string | undefined, command: 'resume' | 'cancel'): Promise<string | undefined> {
  const why = await otherRedisReason(runId, recorded, url, command);
  return why === undefined ? undefined : `run ${runId} ${why}`;
}

/** otherRedisRefusal's words after `run <id>`, for a sentence that names the run its own way (the chat's `Run <id> …`). */
export async function otherRedisReason(runId: string, recorded: string | undefined, url: string | undefined, command: 'resume' | 'cancel'): Promise<string | undefined> {
  if (recorded === undefined) return undefined;
  if (url === undefined) {
    const why = command === 'resume' ? 'resume it there' : 'to stop its jobs there too, cancel it with';
    return `sent its steps to workers through ${recorded}; ${why}: ksa ${command} ${runId}${redisFlagHint(recorded)}`;
  }
  if ((await sameRedisServerResolved(recorded, url)) === false) {
    const there = command === 'resume' ? 'its jobs and their results are there' : 'its jobs are there, and none of them would be stopped';
    return `sent its steps to workers through ${recorded}, not ${recordedRedisUrl(url)}: ${there}; ${command} it with${redisFlagHint(recorded)}`;
  }
  return undefined;
}
