import { readProblem, readRegularText, unreadableFolder } from '../../store/regular-file.js';
import path from 'node:path';
import { isRecord } from '../../planning/values.js';
import { isInt, isString, known, optional } from '../../store/plain-values.js';
import type { McpEntry } from './config-entries.js';

/** Per call, unless the server's entry says otherwise (contract §8). */
export const DEFAULT_MCP_TIMEOUT_MS = 60_000;
/** Connecting and listing the tools: a server that does not answer in this time is reported as failed. */
export const DEFAULT_MCP_STARTUP_TIMEOUT_MS = 30_000;

export const WORKSPACE_MCP_FILE = '.mcp.json';

export type McpServerSource = 'user' | 'workspace';

export type McpTransportConfig =
  | { readonly kind: 'stdio'; readonly command: string; readonly args: readonly string[]; readonly env: Readonly<Record<string, string>>; readonly cwd: string; readonly baseDir: string }
  /** `sse: true` only for `type: "sse"`; plain HTTP tries Streamable HTTP first, then SSE. */
  | { readonly kind: 'http'; readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly sse: boolean };

/** One configured server, its `${VAR}`s not yet expanded (that happens when it starts). */
export type McpServerConfig = {
  readonly name: string;
  readonly source: McpServerSource;
  /** The file it is defined in. */
  readonly file: string;
  readonly transport: McpTransportConfig;
  readonly timeoutMs: number;
  readonly startupTimeoutMs: number;
};

/** A server entry (or a whole file) that cannot be used, as one line. */
export type McpConfigProblem = { readonly server?: string; readonly file: string; readonly message: string };

export type McpConfigFile = {
  readonly file: string;
  /** The raw `mcpServers` object, what trust is given to. */
  readonly definitions: Readonly<Record<string, unknown>>;
  readonly servers: readonly McpServerConfig[];
  readonly problems: readonly McpConfigProblem[];
};

/** `mcpServers` of `$KSA_HOME/config.json`; a missing file or key is no server. Relative `cwd`s resolve from `cwd`. */
export function readUserMcpConfig(home: string, cwd: string): Promise<McpConfigFile> {
  return readMcpFile(path.join(home, 'config.json'), 'user', cwd);
}

/** `mcpServers` of `<workspace>/.mcp.json`; relative `cwd`s and the default cwd are the workspace. */
export function readWorkspaceMcpConfig(workspace: string): Promise<McpConfigFile> {
  return readMcpFile(path.join(workspace, WORKSPACE_MCP_FILE), 'workspace', workspace);
}

async function readMcpFile(file: string, source: McpServerSource, baseDir: string): Promise<McpConfigFile> {
  const empty = { file, definitions: {}, servers: [], problems: [] };
  let text: string;
  try {
    text = await readRegularText(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return empty;
    // The folder itself may be what cannot be read (no read or search permission, a loop of links): say that.
    const dir = path.dirname(file);
    const folder = await unreadableFolder(dir);
    if (folder !== undefined) return { ...empty, problems: [{ file, message: `${dir}: cannot read the folder (${folder}), so neither its ${path.basename(file)}` }] };
    return { ...empty, problems: [{ file, message: `${file}: cannot read it (${readProblem(code) ?? (error as Error).message})` }] };
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { ...empty, problems: [{ file, message: `${file}: not valid JSON (${(error as Error).message})` }] };
  }
  const servers = isRecord(document) ? document.mcpServers : undefined;
  if (servers === undefined) return empty;
  if (!isRecord(servers)) return { ...empty, problems: [{ file, message: `${file}: mcpServers: expected an object of servers by name` }] };
  const where = { file, source, baseDir };
  const plain = plainServers(servers, where);
  if (plain) return { file, definitions: servers, servers: plain, problems: [] };
  // zod and the entries' schemas load only for entries that are not plainly valid: it words their problems.
  const { parseServers } = await import('./config-entries.js');
  return { file, definitions: servers, ...parseServers(servers, where) };
}

/** Letters, digits, "_", "-" or "." (at most 48): safe in tool names (`mcp__<server>__<tool>`). */
export const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$/;

/** Where entries are defined: the file, whose it is, and the folder relative paths in it start from. */
export type McpEntryOrigin = { readonly file: string; readonly source: McpServerSource; readonly baseDir: string };

/** The longest timeout an entry may set: a day. */
export const MAX_MCP_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** A checked entry as the server ksa starts. */
export function serverConfig(name: string, entry: McpEntry, where: McpEntryOrigin): McpServerConfig {
  const transport: McpTransportConfig =
    'command' in entry
      ? { kind: 'stdio', command: entry.command, args: entry.args ?? [], env: entry.env ?? {}, cwd: entry.cwd ?? '.', baseDir: where.baseDir }
      : { kind: 'http', url: entry.url, headers: entry.headers ?? {}, sse: entry.type === 'sse' };
  return {
    name,
    source: where.source,
    file: where.file,
    transport,
    timeoutMs: entry.timeoutMs ?? DEFAULT_MCP_TIMEOUT_MS,
    startupTimeoutMs: entry.startupTimeoutMs ?? DEFAULT_MCP_STARTUP_TIMEOUT_MS,
  };
}

/**
 * The servers when every entry plainly fits its schema (the chat reads them before its first frame, where
 * zod would cost 30-40 ms), else undefined: parseServers judges them, one by one, with zod's words.
 */
function plainServers(definitions: Readonly<Record<string, unknown>>, where: McpEntryOrigin): McpServerConfig[] | undefined {
  const servers: McpServerConfig[] = [];
  for (const [name, raw] of Object.entries(definitions)) {
    const entry = SERVER_NAME.test(name) ? plainMcpEntry(raw) : undefined;
    if (!entry) return undefined;
    servers.push(serverConfig(name, entry, where));
  }
  return servers;
}

const isName = (value: unknown) => isString(value) && value.length > 0;
const isTimeout = (value: unknown) => isInt(value, 1, MAX_MCP_TIMEOUT_MS);
const isStringMap = (value: unknown) => isRecord(value) && !Object.hasOwn(value, '__proto__') && Object.values(value).every(isString);

/** An mcpServers entry as EntrySchema returns it, when it plainly fits one of its two shapes (and only one). */
export function plainMcpEntry(raw: unknown): McpEntry | undefined {
  if (!isRecord(raw) || ('command' in raw && 'url' in raw) || !optional(raw.timeoutMs, isTimeout) || !optional(raw.startupTimeoutMs, isTimeout)) return undefined;
  if ('command' in raw) {
    const plain =
      optional(raw.type, (value) => value === 'stdio') &&
      isName(raw.command) &&
      optional(raw.args, (value) => Array.isArray(value) && value.every(isString)) &&
      optional(raw.env, isStringMap) &&
      optional(raw.cwd, isName);
    return plain ? known<McpEntry>(raw, ['type', 'command', 'args', 'env', 'cwd', 'timeoutMs', 'startupTimeoutMs']) : undefined;
  }
  const plain = optional(raw.type, (value) => value === 'http' || value === 'streamable-http' || value === 'sse') && isName(raw.url) && optional(raw.headers, isStringMap);
  return plain ? known<McpEntry>(raw, ['type', 'url', 'headers', 'timeoutMs', 'startupTimeoutMs']) : undefined;
}

/**
 * The command line or URL of a server, as its one-line messages name it (header values are never shown).
 * A long command is cut in the middle: its start (the program) and its end (the script it runs, usually
 * the part that tells servers apart) stay.
 */
export function describeTarget(transport: McpTransportConfig): string {
  if (transport.kind === 'http') return shownUrl(transport.url);
  const line = [transport.command, ...transport.args].join(' ');
  return line.length > 100 ? `${line.slice(0, 40)}…${line.slice(-59)}` : line;
}

/** A server URL as printed: credentials and query values (tokens) hidden, as Redis URLs are. */
export function shownUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  if (!url.username && !url.password && !url.search) return text;
  const auth = url.username || url.password ? '***@' : '';
  const query = [...url.searchParams.keys()].map((key) => `${encodeURIComponent(key)}=***`).join('&');
  return `${url.protocol}//${auth}${url.host}${url.pathname}${query ? `?${query}` : ''}`;
}
