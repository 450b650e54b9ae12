import { renderIn, type CompiledStep } from './compiled-step.js';
import type { ExpressionContext } from './expressions.js';
import { toText } from './templates.js';
import type { PauseGate } from './pause-gate.js';
import type { Placement } from './runs-on.js';
import type { InvokeTool, OutputStream, QueryModel, WorkerRun } from './tool-call.js';

export type StartWorkOptions = {
  readonly compiled: CompiledStep;
  readonly context: ExpressionContext;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly invokeTool: InvokeTool;
  readonly queryModel?: QueryModel;
  readonly onOutput: (line: string, stream: OutputStream) => void;
  readonly placement?: Placement;
  readonly onWorker?: (worker: string, ran?: WorkerRun) => void;
  readonly pause?: PauseGate;
  readonly resumesCutShort?: boolean;
};

/** One attempt's work: the tool call or model query with its arguments rendered now. Never throws synchronously. */
export function startWork(options: StartWorkOptions): Promise<unknown> {
  const { compiled, context, signal } = options;
  const { step } = compiled;
  try {
    if (step.type === 'llm_query') {
      const query = options.queryModel;
      if (!query) throw new Error('llm_query steps need a model, and none is configured for this run');
      return query({ prompt: toText(renderIn(compiled.prompt!, context, 'prompt')), stepId: step.id, signal });
    }
    if (step.type === 'condition') throw new Error('condition steps are evaluated, not run');
    return options.invokeTool({
      tool: step.tool,
      args: renderIn(compiled.args!, context, 'args') as Record<string, unknown>,
      stepId: step.id,
      attempt: options.attempt,
      phase: 'run',
      signal,
      onOutput: options.onOutput,
      ...(options.placement ? { placement: options.placement, onWorker: options.onWorker, ...(options.pause ? { pause: options.pause } : {}) } : {}),
      ...(options.resumesCutShort ? { resumesCutShort: true } : {}),
    });
  } catch (error) {
    return Promise.reject(error);
  }
}
