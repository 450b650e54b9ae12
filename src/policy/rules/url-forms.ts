/**
 * An http call's URL in the forms the request really takes, for deny and ask rules: what
 * the WHATWG URL parser (fetch's) makes of it, scheme and host lower-cased, `.` and `..`
 * segments resolved (`/./admin`, `/x/../admin`, `%2e%2e`), the default port left out, the
 * user name and password left out (they are not where the request goes), and percent-encoded
 * unreserved characters decoded (`%61dmin` is `admin`: RFC 3986 makes them the same URL, and
 * servers read them so); and that form again with runs of `/` in the path as one (`//admin`),
 * which most servers route alike; one dot at the end of the host left out (`api.example.com.`).
 * None when the URL does not parse.
 */
export function urlForms(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  parsed.username = '';
  parsed.password = '';
  const pathname = decodeUnreserved(parsed.pathname);
  const rest = `${decodeUnreserved(parsed.search)}${decodeUnreserved(parsed.hash)}`;
  // `api.example.com.` is the same host written fully qualified: it reaches the same server.
  if (parsed.hostname.endsWith('.') && parsed.hostname.length > 1) parsed.hostname = parsed.hostname.slice(0, -1);
  const origin = `${parsed.protocol}//${parsed.host}`;
  const forms = [`${origin}${pathname}${rest}`, `${origin}${pathname.replace(/\/{2,}/g, '/')}${rest}`];
  return [...new Set(forms)];
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** Percent-encoded unreserved characters decoded (`%61` is `a`), other escapes in upper case (`%2f` is `%2F`). */
export function decodeUnreserved(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => (UNRESERVED.test(String.fromCharCode(parseInt(hex, 16))) ? String.fromCharCode(parseInt(hex, 16)) : escape.toUpperCase()));
}
