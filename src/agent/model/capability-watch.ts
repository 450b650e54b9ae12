import type { LanguageModelMiddleware } from 'ai';
import type { CapabilityUpdate } from './capabilities.js';
import { isToolsUnsupportedError } from './error-kinds.js';

/**
 * A call with tools that the server refuses because the model cannot call
 * tools (Ollama's "does not support tools", vLLM without a tool parser,
 * llama.cpp without --jinja) is remembered, so the cache stops saying it can.
 * The error itself goes on to the caller, which decides what to do.
 */
export function capabilityWatchMiddleware(onCapability: (update: CapabilityUpdate, why: string) => void | Promise<void>): LanguageModelMiddleware {
  const watch = async <T>(call: () => PromiseLike<T>, hasTools: boolean): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (hasTools && isToolsUnsupportedError(error)) await onCapability({ tools: false, source: 'the server refused tools', toolsSource: 'the server refused tools' }, 'the server refused tools');
      throw error;
    }
  };
  return {
    wrapGenerate: ({ doGenerate, params }) => watch(doGenerate, (params.tools?.length ?? 0) > 0),
    wrapStream: ({ doStream, params }) => watch(doStream, (params.tools?.length ?? 0) > 0),
  };
}
