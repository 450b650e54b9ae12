import { z } from 'zod';
import type { ToolRegistry } from './registry.js';
import { inputJsonSchemaOf, type ToolAnnotations, type ToolRisk } from './tool.js';

export type ToolJson = {
  readonly name: string;
  readonly description: string;
  readonly risk: ToolRisk;
  readonly inputSchema: Record<string, unknown>;
  readonly outputSchema: Record<string, unknown>;
  /** MCP tools: the server and the tool's hints. */
  readonly mcp?: { readonly server: string; readonly tool: string };
  readonly annotations?: ToolAnnotations;
};

/** The document `ksa tools --json` prints: every tool with the JSON Schema of what it takes and gives. */
export function toolsAsJson(registry: ToolRegistry): ToolJson[] {
  return registry.list().map((tool) => ({
    name: tool.name,
    description: tool.description,
    risk: tool.risk,
    // What a plan may write (defaults optional), and what a step's output holds.
    inputSchema: inputJsonSchemaOf(tool),
    outputSchema: z.toJSONSchema(tool.outputSchema, { io: 'output', unrepresentable: 'any' }),
    ...(tool.mcp ? { mcp: tool.mcp } : {}),
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
  }));
}
