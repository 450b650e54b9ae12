import { z } from 'zod';
import { isRecord } from '../../planning/values.js';
import { MAX_MCP_TIMEOUT_MS, SERVER_NAME, serverConfig, type McpConfigProblem, type McpEntryOrigin, type McpServerConfig } from './config.js';

const timeoutField = z.int().min(1).max(MAX_MCP_TIMEOUT_MS);
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

export const EntrySchema = z.union([StdioEntrySchema, HttpEntrySchema]);
export type McpEntry = z.infer<typeof EntrySchema>;

/** Each entry on its own: one bad server does not hide the others. */
export function parseServers(
  definitions: Readonly<Record<string, unknown>>,
  where: McpEntryOrigin,
): { servers: McpServerConfig[]; problems: McpConfigProblem[] } {
  const servers: McpServerConfig[] = [];
  const problems: McpConfigProblem[] = [];
  for (const [name, raw] of Object.entries(definitions)) {
    const at = `${where.file}: mcpServers.${name}`;
    if (!SERVER_NAME.test(name)) {
      problems.push({ server: name, file: where.file, message: `${at}: a server name is letters, digits, "_", "-" or "." (at most 48)` });
      continue;
    }
    // Either shape alone would take it and drop the other key: say which one was meant instead.
    if (isRecord(raw) && 'command' in raw && 'url' in raw) {
      problems.push({ server: name, file: where.file, message: `${at}: has both "command" (a local server) and "url" (an HTTP server); keep the one you mean` });
      continue;
    }
    const parsed = EntrySchema.safeParse(raw);
    if (!parsed.success) {
      problems.push({ server: name, file: where.file, message: `${at}: ${entryProblem(raw)}` });
      continue;
    }
    servers.push(serverConfig(name, parsed.data, where));
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

