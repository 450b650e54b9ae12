import { generateText, type LanguageModel } from 'ai';
import type { QueryModel } from '../planning/index.js';
import type { ModelConfig } from './config.js';
import { emptyAnswer, ModelError, toModelError } from './model-errors.js';
import { withTotalTimeout } from './model/total-timeout.js';

/** `llm_query` steps: the prompt goes to the configured model, the answer text is the step's output. */
export function createQueryModel(model: LanguageModel, config: ModelConfig): QueryModel {
  return async ({ prompt, signal }) => {
    try {
      const result = await withTotalTimeout(
        () =>
          generateText({
            model,
            instructions: 'You answer a question asked by one step of an automated deploy plan. Be short and exact; no preamble.',
            prompt,
            abortSignal: signal,
            maxRetries: config.maxRetries,
            timeout: config.timeoutMs,
          }),
        { abortSignal: signal, timeoutMs: config.timeoutMs },
      );
      // A step's output feeds later steps: an empty or cut-off answer must not pass for a whole one.
      if (!result.text.trim()) throw emptyAnswer(result.reasoningText ?? '', result.finishReason === 'length', 'run the plan again');
      if (result.finishReason === 'length') {
        throw new ModelError({
          reason: 'bad_response',
          message: `the model's answer was cut off at its output limit (finish reason "length") after ${result.text.length} characters; ask for a shorter answer in the prompt, or raise the server's output token limit`,
        });
      }
      return result.text;
    } catch (error) {
      // An abort is the step's timeout or a cancel: let the executor see it as such.
      if (signal.aborted) throw signal.reason;
      throw toModelError(error, config);
    }
  };
}
