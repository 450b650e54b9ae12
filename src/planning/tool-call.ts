/** How the executor reaches tools and the model: injected, so the core does no I/O itself. */

export type OutputStream = 'stdout' | 'stderr';

export type ToolCall = {
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly stepId: string;
  readonly attempt: number;
  readonly phase: 'run' | 'rollback';
  readonly signal: AbortSignal;
  readonly onOutput: (line: string, stream: OutputStream) => void;
};

export type InvokeTool = (call: ToolCall) => Promise<unknown>;

export type QueryModel = (query: { readonly prompt: string; readonly stepId: string; readonly signal: AbortSignal }) => Promise<string>;
