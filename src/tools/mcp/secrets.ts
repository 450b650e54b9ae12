import { looksSecret } from '../../planning/secret-names.js';
import { secretValues } from '../../store/redact.js';
import type { McpTransportConfig } from './config.js';
import { expandVariables } from './expand.js';
import { basicAuthorization } from '../url-credentials.js';

/**
 * The secrets an entry hands its server (`${VAR}`s expanded): its `env`
 * and `headers` values under secret-looking names (API_TOKEN, X-Api-Key), the
 * credentials of an Authorization header, the password of a URL in any of them
 * or in `url` (and the Basic auth the latter is sent as), and the url's query
 * values under secret-looking names (`?api_key=…`). A server may echo them
 * (a failed start's stderr, a tool's answer): ksa hides them wherever it
 * prints or writes, as it does secret environment variables.
 */
export function serverSecrets(transport: McpTransportConfig, env: NodeJS.ProcessEnv): string[] {
  const named = transport.kind === 'stdio' ? Object.entries(transport.env) : [...Object.entries(transport.headers), ['url', transport.url] as const];
  const secrets: string[] = [];
  for (const [name, written] of named) {
    const value = served(written, env);
    if (value === undefined) continue;
    secrets.push(...secretValues({ [name]: value }));
    if (name.toLowerCase() === 'authorization') secrets.push(...credentialsOf(value));
    if (name === 'url' && transport.kind === 'http') secrets.push(...urlSecrets(value));
  }
  return [...new Set(secrets)];
}

/**
 * The value the server gets, `${VAR}`s expanded (undefined when one is not set: the server does not start then).
 * Not as written: `Bearer ${TOKEN}` is a template, and hiding it would hide the name of the variable.
 */
function served(written: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    return expandVariables(written, env, '');
  } catch {
    return undefined;
  }
}

/** `Bearer abc…` → `abc…`: the token is printed without its scheme as often as with it. */
function credentialsOf(value: string): string[] {
  const credentials = /^\S+\s+(\S.*)$/.exec(value.trim())?.[1];
  return credentials ? [credentials] : [];
}

/** Query values under secret-looking names, and the Basic auth its user:password is sent as (see withUrlCredentials). */
function urlSecrets(text: string): string[] {
  if (!URL.canParse(text)) return [];
  const url = new URL(text);
  const query = [...url.searchParams].filter(([key, value]) => looksSecret(key) && value !== '').map(([, value]) => value);
  const authorization = basicAuthorization(url);
  return authorization ? [...query, authorization, authorization.slice('Basic '.length)] : query;
}
