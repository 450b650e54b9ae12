/** A Redis URL as ksa shows and records it: scheme, host, port and database, never the user or password. */
export function shownRedisUrl(parsed: URL): string {
  return `${parsed.protocol}//${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname.length > 1 ? parsed.pathname : ''}`;
}
