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
  if (configured !== undefined && sameServer(recorded, configured)) return '';
  return ` --redis ${recorded}${recorded.includes(':***@') ? ' (with its password in place of ***)' : ''}`;
}

function sameServer(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)];
    const db = (url: URL) => url.pathname.replace(/^\/+/, '') || '0';
    return x.protocol === y.protocol && x.hostname === y.hostname && (x.port || '6379') === (y.port || '6379') && db(x) === db(y);
  } catch {
    return false;
  }
}
