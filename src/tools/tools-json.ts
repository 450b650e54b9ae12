import { z } from 'zod';
import type { RiskOptions } from '../policy/index.js';
import type { ToolRegistry } from './registry.js';
import { riskOptions } from './risk-options.js';
import { inputJsonSchemaOf, type ToolAnnotations, type ToolRisk, type ToolStepRisk } from './tool.js';
import { toolStepRisk } from './tool-step-risk.js';

export type ToolJson = {
  readonly name: string;
  readonly description: string;
  /** The tool's own rating before any arguments (low, medium, high), kept for the scripts that read it. */
  readonly risk: ToolRisk;
  /** How a step that calls it is rated: `read`, `write` or `destroy`, as ksa validate --json and policy check rate each step. */
  readonly stepRisk: ToolStepRisk;
  readonly inputSchema: Record<string, unknown>;
  readonly outputSchema: Record<string, unknown>;
  /** MCP tools: the server and the tool's hints. */
  readonly mcp?: { readonly server: string; readonly tool: string };
  readonly annotations?: ToolAnnotations;
};

/** The document `ksa tools --json` prints: every tool with the JSON Schema of what it takes and gives. */
export async function toolsAsJson(registry: ToolRegistry, options: RiskOptions = riskOptions(registry)): Promise<ToolJson[]> {
  return Promise.all(
    registry.list().map(async (tool) => ({
      name: tool.name,
      description: tool.description,
      risk: tool.risk,
      stepRisk: await toolStepRisk(tool, options),
      // What a plan may write (defaults optional), and what a step's output holds.
      inputSchema: inputJsonSchemaOf(tool),
      outputSchema: z.toJSONSchema(tool.outputSchema, { io: 'output', unrepresentable: 'any' }),
      ...(tool.mcp ? { mcp: tool.mcp } : {}),
      ...(tool.annotations ? { annotations: tool.annotations } : {}),
    })),
  );
}

