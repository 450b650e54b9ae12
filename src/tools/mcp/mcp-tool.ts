import type { Tool, ToolAnnotations, ToolRisk } from '../tool.js';
import { McpToolError } from './errors.js';
import { compileArgsSchema, type JsonSchema } from './json-schema.js';
import { McpOutputSchema, textOf, toOutput, type McpOutput } from './mcp-output.js';
import type { McpServerSession, McpToolDefinition } from './server-session.js';
import { mcpToolName } from './tool-names.js';

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

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
