import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_MAX_CAPTURE_BYTES } from '../output-capture.js';
import type { Tool, ToolAnnotations, ToolRisk } from '../tool.js';
import { McpToolError } from './errors.js';
import { compileArgsSchema, type JsonSchema } from './json-schema.js';
import type { McpServerSession, McpToolDefinition } from './server-session.js';
import { mcpToolName } from './tool-names.js';

/** A step's output: the text parts joined, the content as the server gave it (binary data replaced by its size), and structuredContent. */
export const McpOutputSchema = z.object({
  text: z.string(),
  content: z.array(z.record(z.string(), z.unknown())),
  structured: z.unknown().optional(),
  truncated: z.literal(true).optional().describe('Present when the text was longer than 1 MiB and was cut (the step log has all of it).'),
});
export type McpOutput = z.infer<typeof McpOutputSchema>;

/** Tool metadata without a live connection: what `ksa tools` and validation need. */
export type McpToolSource = Pick<McpServerSession, 'call'> & { readonly config: { readonly name: string } };

/**
 * One tool of a server as a registry tool named `<server>__<tool>` (or `name`, from
 * mcpToolNames when its tools' names collide); its arguments are checked against the server's own JSON Schema.
 */
export function createMcpTool(
  session: McpToolSource,
  definition: McpToolDefinition,
  name = mcpToolName(session.config.name, definition.name),
): Tool<Record<string, unknown>, McpOutput> {
  const server = session.config.name;
  const inputJsonSchema = (definition.inputSchema ?? { type: 'object' }) as JsonSchema;
  const compiled = compileArgsSchema(inputJsonSchema);
  const annotations = definition.annotations as ToolAnnotations | undefined;
  const summary = definition.description?.trim() || definition.title || annotations?.title || definition.name;
  return {
    name,
    description: `${summary} (MCP server "${server}", tool "${definition.name}")`,
    inputSchema: compiled.zod,
    inputJsonSchema,
    outputSchema: McpOutputSchema,
    risk: riskOf(annotations),
    ...(annotations ? { annotations } : {}),
    mcp: { server, tool: definition.name },
    // Like `kubectl get pods`: the tool's own name, then its arguments (as JSON).
    describe: (input) => `${definition.name} ${safeJson(input)}`,
    async execute(input, { signal, onOutput }) {
      // Progress notifications show as output lines while the call runs (the live view's last line, the step log).
      const result = await session.call(definition.name, input, signal, name, (line) => onOutput(line, 'stdout'));
      // The step log gets every line; the output (run record, templates, the model) a bounded text.
      for (const line of textOf(result.content ?? []).split('\n')) if (line) onOutput(line, result.isError ? 'stderr' : 'stdout');
      const output = toOutput(result);
      if (result.isError) throw new McpToolError({ toolName: name, text: output.text, result: output });
      return output;
    },
  };
}

/** MCP's defaults: a tool is not read-only and may be destructive unless it says otherwise. */
function riskOf(annotations: ToolAnnotations | undefined): ToolRisk {
  if (annotations?.readOnlyHint === true) return 'low';
  if (annotations?.destructiveHint === false) return 'medium';
  return 'high';
}

export function toOutput(result: CallToolResult, maxChars = DEFAULT_MAX_CAPTURE_BYTES): McpOutput {
  // `text` and `content` say the same text twice: each text part is cut to what is left of one budget.
  let room = maxChars;
  let truncated = false;
  const content = (result.content ?? []).map(withoutBinary).map((part) => {
    if (part.type !== 'text' || typeof part.text !== 'string') return part;
    const text = part.text.length <= room ? part.text : `${part.text.slice(0, room)}…`;
    if (text !== part.text) truncated = true;
    room = Math.max(0, room - part.text.length);
    return text === part.text ? part : { ...part, text };
  });
  const text = textOf(content);
  return { text, content, ...(result.structuredContent === undefined ? {} : { structured: result.structuredContent }), ...(truncated ? { truncated: true as const } : {}) };
}

function textOf(content: readonly Record<string, unknown>[]): string {
  return content
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('\n');
}

/** Images and audio come base64-encoded: a run record keeps their type and size, not the bytes. */
function withoutBinary(part: Record<string, unknown>): Record<string, unknown> {
  if ((part.type === 'image' || part.type === 'audio') && typeof part.data === 'string') {
    const { data, ...rest } = part;
    return { ...rest, bytes: decodedLength(data) };
  }
  return part;
}

/** The bytes base64 text decodes to: 4 characters are 3 bytes; `=` padding and line breaks are no data. */
function decodedLength(base64: string): number {
  const noData = base64.match(/[^A-Za-z0-9+/_-]/g)?.length ?? 0;
  return Math.floor(((base64.length - noData) * 3) / 4);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
