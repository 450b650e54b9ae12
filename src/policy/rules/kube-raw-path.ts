/** An object a request path names (`name` undefined: every one of the kind, a collection), and its namespace if any. */
export interface RawObject {
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** A namespace's own subresources: `/api/v1/namespaces/prod/finalize` is about namespace prod, not a kind in it. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/**
 * The object `kubectl delete --raw PATH` (or get, replace…) acts on, read from the API path as the server routes it:
 * `/api/v1/namespaces/prod` is namespace prod, `/apis/apps/v1/namespaces/shop/deployments/web` deployment web in
 * shop (its kind with its group, `deployments.apps`), `/api/v1/namespaces/shop/pods` every pod in shop. A subresource
 * (`…/pods/web/status`) is its object's. Undefined for a path that names no object (`/healthz`, `/apis`).
 */
export function rawObject(raw: string): RawObject | undefined {
  let path = raw.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/[?#].*$/, '');
  try {
    path = decodeURIComponent(path);
  } catch {
    // Not a path the server could decode either: read as written.
  }
  const segments = path.split('/').filter((segment) => segment !== '');
  const rest = segments[0] === 'api' && segments.length >= 2 ? segments.slice(2) : segments[0] === 'apis' && segments.length >= 3 ? segments.slice(3) : undefined;
  if (rest === undefined || rest.length === 0) return undefined;
  const group = segments[0] === 'apis' ? `.${segments[1]}` : '';
  const [first, second, third, fourth] = rest;
  if (first === 'namespaces' && second !== undefined && third !== undefined && !NAMESPACE_SUBRESOURCES.has(third)) {
    return { kind: `${third}${group}`, ...(fourth === undefined ? {} : { name: fourth }), namespace: second };
  }
  return { kind: `${first}${group}`, ...(second === undefined ? {} : { name: second }) };
}
