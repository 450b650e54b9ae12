import type { LanguageModelMiddleware } from 'ai';
import { STRUCTURED_MODES, type StructuredMode } from './capabilities.js';
import { isStructuredOutputError } from './error-kinds.js';

type WrapGenerate = NonNullable<LanguageModelMiddleware['wrapGenerate']>;
type CallParams = Parameters<WrapGenerate>[0]['params'];
type InnerModel = Parameters<WrapGenerate>[0]['model'];

/** Shared by every call of one model: the mode that works, and who to tell when it changes. */
export type StructuredState = {
  mode: StructuredMode;
  readonly onChange?: (mode: StructuredMode, why: string) => void | Promise<void>;
};

/**
 * Structured output that works on every server: `json_schema` first; a 400
 * about `response_format` (or an answer that ignored the schema: no JSON at
 * all) falls back to `json_object`, then to plain text with the schema in the
 * prompt. LM Studio rejects `json_object` but accepts `json_schema`, so the
 * order matters. The mode that worked is kept for later calls.
 */
export function structuredFallbackMiddleware(state: StructuredState): LanguageModelMiddleware {
  const change = async (mode: StructuredMode, why: string) => {
    if (STRUCTURED_MODES.indexOf(mode) <= STRUCTURED_MODES.indexOf(state.mode)) return;
    state.mode = mode;
    await state.onChange?.(mode, why);
  };
  return {
    wrapGenerate: async ({ doGenerate, params, model }) => {
      if (params.responseFormat?.type !== 'json') return doGenerate();
      for (;;) {
        const mode = state.mode;
        let result: Awaited<ReturnType<InnerModel['doGenerate']>>;
        try {
          result = await model.doGenerate(paramsFor(params, mode));
        } catch (error) {
          const next = nextMode(mode);
          if (!next || !isStructuredOutputError(error)) throw error;
          await change(next, `the server rejected response_format ${mode}`);
          continue;
        }
        // A server that ignores response_format answers in prose: say the schema in the prompt instead.
        if (mode !== 'text' && !answerText(result.content).includes('{') && answerText(result.content).trim()) {
          const retried = await model.doGenerate(paramsFor(params, 'text'));
          if (answerText(retried.content).includes('{')) await change('text', `the server ignored response_format ${mode}`);
          return retried;
        }
        return result;
      }
    },
    wrapStream: async ({ doStream, params, model }) => {
      if (params.responseFormat?.type !== 'json') return doStream();
      for (;;) {
        const mode = state.mode;
        try {
          return await model.doStream(paramsFor(params, mode));
        } catch (error) {
          const next = nextMode(mode);
          if (!next || !isStructuredOutputError(error)) throw error;
          await change(next, `the server rejected response_format ${mode}`);
        }
      }
    },
  };
}

function nextMode(mode: StructuredMode): StructuredMode | undefined {
  return STRUCTURED_MODES[STRUCTURED_MODES.indexOf(mode) + 1];
}

function answerText(content: readonly { type: string; text?: string }[]): string {
  return content.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');
}

/** The call as `mode` asks for it: the schema in `response_format`, a bare `json_object`, or in the prompt. */
export function paramsFor(params: CallParams, mode: StructuredMode): CallParams {
  const format = params.responseFormat;
  if (format?.type !== 'json' || mode === 'json_schema') return params;
  if (mode === 'json_object') return { ...params, responseFormat: { type: 'json', name: format.name, description: format.description } };
  const schema = format.schema ? `\nIt must match this JSON Schema${format.name ? ` (${format.name})` : ''}:\n${JSON.stringify(format.schema)}` : '';
  const rule = `Answer with one JSON object and nothing else: no prose, no code fences.${format.description ? ` It is ${format.description}.` : ''}${schema}`;
  const [first, ...rest] = params.prompt;
  const prompt: CallParams['prompt'] = first?.role === 'system' ? [{ ...first, content: `${first.content}\n\n${rule}` }, ...rest] : [{ role: 'system', content: rule }, ...params.prompt];
  return { ...params, responseFormat: undefined, prompt };
}
