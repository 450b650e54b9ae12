/**
 * `https://user:password@host/mcp` (an MCP server's url, the http tool's): fetch refuses a URL with credentials in
 * it, so they go as HTTP Basic auth instead (what curl and browsers do) and
 * the URL is used without them. An Authorization header of the entry wins.
 */
export function withUrlCredentials(url: URL, headers: Readonly<Record<string, string>>): { url: URL; headers: Readonly<Record<string, string>> } {
  const authorization = basicAuthorization(url);
  if (authorization === undefined) return { url, headers };
  const bare = withoutCredentials(url);
  const explicit = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  return { url: bare, headers: explicit ? headers : { ...headers, Authorization: authorization } };
}

/** The URL without its user and password. */
export function withoutCredentials(url: URL): URL {
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  return bare;
}

/** `Basic <base64 of user:password>` for a URL with credentials, as decoded from its percent-encoding. */
export function basicAuthorization(url: URL): string | undefined {
  if (!url.username && !url.password) return undefined;
  return `Basic ${Buffer.from(`${safeDecode(url.username)}:${safeDecode(url.password)}`).toString('base64')}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
