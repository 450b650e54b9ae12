import type { z } from 'zod';

/** What validation needs to know of a tool: its name, argument schema and, for an MCP tool, its server. */
export type ToolCatalog = ReadonlyMap<string, { readonly inputSchema: z.ZodType; readonly mcp?: { readonly server: string; readonly tool: string } }>;

export type ValidateOptions = {
  readonly tools: ToolCatalog;
  /** Default 200: a guard against runaway generated plans, not an engine limit. */
  readonly maxSteps?: number;
  /** What to do about a plan over maxSteps, where the reader is (default: the CLI's --max-steps). */
  readonly overLimitHint?: string;
  /** Inputs supplied at run time (e.g. `--input port=9090`); they may add to the plan's inputs. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** Environment variable names that expressions may read as `env.NAME`. */
  readonly allowedEnv?: readonly string[];
  /**
   * Whether an input declared without a value that a step reads must be given (default: it must, the plan is to
   * run with these inputs). A plan being written (by the model, in the chat's editor) may leave it to the run.
   */
  readonly requireInputValues?: boolean;
};
