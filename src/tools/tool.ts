import type { z } from 'zod';
import type { OutputStream } from '../planning/index.js';

/** How much harm a tool can do; the approval view marks `high` steps. */
export type ToolRisk = 'low' | 'medium' | 'high';

export type ToolContext = {
  /** Aborted on timeout or cancel; the tool must stop its work (and kill its processes). */
  readonly signal: AbortSignal;
  /** The workspace root: relative paths resolve here and file tools stay inside it. */
  readonly workspace: string;
  /** Called once per line of output as it is produced. */
  readonly onOutput: (line: string, stream: OutputStream) => void;
};

/**
 * A tool is defined once and used by the executor, by validation (its input
 * schema checks plan arguments) and by the model (as an AI SDK tool).
 */
export type Tool<Input = any, Output = unknown> = {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: z.ZodType<Input>;
  readonly outputSchema: z.ZodType<Output>;
  readonly risk: ToolRisk;
  /** MCP-style annotations; the risk classifier reads them for tools it does not know. */
  readonly annotations?: { readonly readOnlyHint?: boolean; readonly destructiveHint?: boolean };
  /**
   * A one-line human rendering of a call, e.g. the exact command, for approval and progress views.
   * Approval may show a plan before its templates are rendered, so the input can be unvalidated
   * (`"{{ inputs.port }}"` where a number belongs): render what is there, never throw.
   */
  describe(input: Input): string;
  execute(input: Input, context: ToolContext): Promise<Output>;
};

export function defineTool<Input, Output>(tool: Tool<Input, Output>): Tool<Input, Output> {
  return tool;
}
