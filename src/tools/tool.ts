import { z } from 'zod';
import type { OutputStream } from '../planning/index.js';
import type { RiskLevel, ToolCommand } from '../policy/index.js';
import type { KubeScope } from './kube/kube-scope.js';

/**
 * How much harm a tool can do before any arguments (`ksa tools --json` keeps it as `risk`). Steps
 * are rated `read`, `write` or `destroy` by what their arguments run: see ToolStepRisk.
 */
export type ToolRisk = 'low' | 'medium' | 'high';

/** The levels a step that calls a tool can get and, when its arguments decide, by what. */
export type ToolStepRisk = { readonly levels: readonly RiskLevel[]; readonly by?: string };

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
  /**
   * Set by the tools whose arguments decide a step's level (a shell line, an HTTP method, a
   * revision that deletes): the levels and by what, as `ksa tools` lists them. The other tools'
   * steps get the level of a call without arguments.
   */
  readonly stepRisk?: ToolStepRisk;
  /** The argument schema as JSON Schema, for tools that bring their own (MCP tools); else derived from `inputSchema`. */
  readonly inputJsonSchema?: Record<string, unknown>;
  /** An MCP tool's hints as its server gave them (readOnlyHint, destructiveHint, idempotentHint, openWorldHint, title). */
  readonly annotations?: ToolAnnotations;
  /** Where an MCP tool comes from: its server and its own name there. */
  readonly mcp?: { readonly server: string; readonly tool: string };
  /**
   * A one-line human rendering of a call, e.g. the exact command, for approval and progress views.
   * Approval may show a plan before its templates are rendered, so the input can be unvalidated
   * (`"{{ inputs.port }}"` where a number belongs): render what is there, never throw.
   */
  describe(input: Input): string;
  /**
   * Set by the tools that talk to a Kubernetes cluster (kubectl, helm, k8s_*, helm_*): the context
   * and namespace a call names. Approval shows them, and a run refuses a call whose context is not
   * the one the plan was approved with. Like describe, it must accept unvalidated input.
   */
  kubeScope?(input: Input): KubeScope;
  /**
   * Set by the tools that run one program call (kubectl, helm, k8s_*, helm_*): the program and
   * argv `describe` shows. Risk and policy rules judge that call, not the tool's name, so a tool
   * whose arguments turn it into `kubectl delete` is rated and matched as one. Accepts unvalidated input.
   */
  command?(input: Input): ToolCommand;
  execute(input: Input, context: ToolContext): Promise<Output>;
};

/** MCP tool annotations (hints, never guarantees). */
export type ToolAnnotations = {
  readonly title?: string;
  readonly readOnlyHint?: boolean;
  readonly destructiveHint?: boolean;
  readonly idempotentHint?: boolean;
  readonly openWorldHint?: boolean;
};

/** The JSON Schema of what a tool takes: its own (MCP) or generated from its zod schema. */
export function inputJsonSchemaOf(tool: Tool): Record<string, unknown> {
  return tool.inputJsonSchema ?? (z.toJSONSchema(tool.inputSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>);
}

export function defineTool<Input, Output>(tool: Tool<Input, Output>): Tool<Input, Output> {
  return tool;
}
