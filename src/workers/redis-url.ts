/** A Redis URL as ksa shows and records it: scheme, host, port and database, never the user or password. */
export function shownRedisUrl(parsed: URL): string {
  return `${parsed.protocol}//${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
}

/**
 * A Redis URL as a run records it: as shown, but a password as *** (the user kept), so that
 * `ksa status` can say a resume needs it.
 */
export function recordedRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const shown = shownRedisUrl(parsed);
    return parsed.password === '' ? shown : shown.replace('//', `//${parsed.username}:***@`);
  } catch {
    return url;
  }
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

/** Where a Redis URL points, with Redis's defaults (host 127.0.0.1, port 6379, database 0); `db` NaN when the path is no number. */
export function redisServerOf(parsed: URL): { readonly host: string; readonly port: number; readonly db: number; readonly tls: boolean } {
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:',
  };
}

/**
 * Whether two Redis URLs name the same server and database (user and password aside).
 * Undefined when one is not a Redis URL.
 */
export function sameRedisServer(a: string, b: string): boolean | undefined {
  const server = (url: string) => {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')) return undefined;
    const where = redisServerOf(parsed);
    return Number.isInteger(where.db) && where.db >= 0 ? where : undefined;
  };
  const [x, y] = [server(a), server(b)];
  if (!x || !y) return undefined;
  return x.host === y.host && x.port === y.port && x.db === y.db && x.tls === y.tls;
}

/**
 * Why a run that sent its steps to workers through `recorded` cannot be resumed or cancelled through `url` (none,
 * or another server), in one line; undefined when it can. Another Redis has none of its jobs: a resume would run
 * again what its workers finished (or run their steps here), a cancel would stop nothing and call it cancelled.
 */
export function otherRedisRefusal(runId: string, recorded: string | undefined, url: string | undefined, command: 'resume' | 'cancel'): string | undefined {
  if (recorded === undefined) return undefined;
  if (url === undefined) {
    const why = command === 'resume' ? 'resume it there' : 'to stop its jobs there too, cancel it with';
    return `run ${runId} sent its steps to workers through ${recorded}; ${why}: ksa ${command} ${runId}${redisFlagHint(recorded)}`;
  }
  if (sameRedisServer(recorded, url) === false) {
    const there = command === 'resume' ? 'its jobs and their results are there' : 'its jobs are there, and none of them would be stopped';
    return `run ${runId} sent its steps to workers through ${recorded}, not ${recordedRedisUrl(url)}: ${there}; ${command} it with${redisFlagHint(recorded)}`;
  }
  return undefined;
}
