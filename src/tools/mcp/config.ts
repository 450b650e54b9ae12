import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/** Per call, unless the server's entry says otherwise (contract §8). */
export const DEFAULT_MCP_TIMEOUT_MS = 60_000;
/** Connecting and listing the tools: a server that does not answer in this time is reported as failed. */
export const DEFAULT_MCP_STARTUP_TIMEOUT_MS = 30_000;

export const WORKSPACE_MCP_FILE = '.mcp.json';

const timeoutField = z.int().min(1).max(24 * 60 * 60 * 1000);
const stringMap = z.record(z.string(), z.string());

// Entries take the shape other agents use (Claude Code, gemini-cli); keys ksa does not know are ignored.
const StdioEntrySchema = z.object({
  type: z.literal('stdio').optional(),
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: stringMap.optional(),
  cwd: z.string().min(1).optional(),
  timeoutMs: timeoutField.optional(),
  startupTimeoutMs: timeoutField.optional(),
});

const HttpEntrySchema = z.object({
  type: z.enum(['http', 'streamable-http', 'sse']).optional(),
  url: z.string().min(1),
  headers: stringMap.optional(),
  timeoutMs: timeoutField.optional(),
  startupTimeoutMs: timeoutField.optional(),
});

const EntrySchema = z.union([StdioEntrySchema, HttpEntrySchema]);

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
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return empty;
    return { ...empty, problems: [{ file, message: `${file}: cannot read it (${(error as Error).message})` }] };
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
  return { file, definitions: servers, ...parseServers(servers, { file, source, baseDir }) };
}

/** Each entry on its own: one bad server does not hide the others. */
export function parseServers(
  definitions: Readonly<Record<string, unknown>>,
  where: { readonly file: string; readonly source: McpServerSource; readonly baseDir: string },
): { servers: McpServerConfig[]; problems: McpConfigProblem[] } {
  const servers: McpServerConfig[] = [];
  const problems: McpConfigProblem[] = [];
  for (const [name, raw] of Object.entries(definitions)) {
    const at = `${where.file}: mcpServers.${name}`;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$/.test(name)) {
      problems.push({ server: name, file: where.file, message: `${at}: a server name is letters, digits, "_", "-" or "." (at most 48)` });
      continue;
    }
    const parsed = EntrySchema.safeParse(raw);
    if (!parsed.success) {
      problems.push({ server: name, file: where.file, message: `${at}: ${entryProblem(raw)}` });
      continue;
    }
    const entry = parsed.data;
    const transport: McpTransportConfig =
      'command' in entry
        ? { kind: 'stdio', command: entry.command, args: entry.args ?? [], env: entry.env ?? {}, cwd: entry.cwd ?? '.', baseDir: where.baseDir }
        : { kind: 'http', url: entry.url, headers: entry.headers ?? {}, sse: entry.type === 'sse' };
    servers.push({
      name,
      source: where.source,
      file: where.file,
      transport,
      timeoutMs: entry.timeoutMs ?? DEFAULT_MCP_TIMEOUT_MS,
      startupTimeoutMs: entry.startupTimeoutMs ?? DEFAULT_MCP_STARTUP_TIMEOUT_MS,
    });
  }
  return { servers, problems };
}

function entryProblem(raw: unknown): string {
  const expected = 'expected { "command", "args"?, "env"?, "cwd"?, "timeoutMs"? } or { "url", "headers"?, "timeoutMs"? }';
  if (!isRecord(raw)) return expected;
  const schema = 'command' in raw ? StdioEntrySchema : 'url' in raw ? HttpEntrySchema : undefined;
  if (!schema) return `needs "command" (a local server) or "url" (an HTTP server); ${expected}`;
  const issue = schema.safeParse(raw).error?.issues[0];
  return issue ? `${issue.path.join('.') || 'entry'}: ${issue.message.replace(/^Invalid input: /, '')}` : expected;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The command line or URL of a server, as its one-line messages name it (header values are never shown). */
export function describeTarget(transport: McpTransportConfig): string {
  if (transport.kind === 'http') return transport.url;
  const line = [transport.command, ...transport.args].join(' ');
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
