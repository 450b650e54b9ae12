import { type InvokeTool, type ToolCall, type ToolCatalog } from '../planning/index.js';
import { ToolInputError, UnknownToolError } from './errors.js';
import { describeInputProblems } from './input-problems.js';
import { scalarsAsText } from './scalar-text.js';
import type { Tool } from './tool.js';

export type InvokeOptions = {
  /** Root for relative paths and the confinement of the file tools. */
  readonly workspace: string;
};

/**
 * The tools a run can use, by name. The same registry answers validation
 * (`catalog()`), the executor (`invoke`) and the model's tool list.
 */
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();

  constructor(tools: Iterable<Tool> = []) {
    for (const tool of tools) this.register(tool);
  }

  /** Adds a tool, e.g. one from an MCP server; names must be unique. */
  register(tool: Tool): void {
    if (this.tools.has(tool.name)) throw new Error(`a tool named "${tool.name}" is already registered`);
    this.tools.set(tool.name, tool);
  }

  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  /** In registration order. */
  list(): readonly Tool[] {
    return [...this.tools.values()];
  }

  names(): string[] {
    return [...this.tools.keys()];
  }

  /** What plan validation needs: name -> input schema. */
  catalog(): ToolCatalog {
    return this.tools;
  }

  /**
   * Runs one call for the executor: finds the tool, checks the (rendered)
   * arguments against its input schema, then executes it.
   */
  async invoke(call: ToolCall, options: InvokeOptions): Promise<unknown> {
    const tool = this.tools.get(call.tool);
    if (!tool) {
      throw new UnknownToolError({ toolName: call.tool, available: this.names() });
    }
    let parsed = tool.inputSchema.safeParse(call.args);
    const asText = parsed.success ? undefined : scalarsAsText(parsed.error, call.args);
    if (asText !== undefined) parsed = tool.inputSchema.safeParse(asText);
    if (!parsed.success) {
      throw new ToolInputError({ toolName: tool.name, problems: describeInputProblems(parsed.error, call.args, tool.inputSchema) });
    }
    return tool.execute(parsed.data, { signal: call.signal, workspace: options.workspace, onOutput: call.onOutput });
  }

  /** `invoke` bound to a workspace, in the shape the executor takes. */
  invoker(options: InvokeOptions): InvokeTool {
    return (call) => this.invoke(call, options);
  }
}
