import type { LanguageModelMiddleware } from 'ai';

type WrapStream = NonNullable<LanguageModelMiddleware['wrapStream']>;
type StreamPart = Awaited<ReturnType<WrapStream>>['stream'] extends ReadableStream<infer T> ? T : never;
type FinishReason = Extract<StreamPart, { type: 'finish' }>['finishReason'];

/**
 * An answer that calls functions goes on to their results whatever finish reason the server gives it: some say
 * `eos_token` or none at all (null), which the AI SDK reads as "other" and then ends the turn with the calls run
 * but never answered. Only an answer cut off (length) or filtered keeps its own reason.
 */
export function toolCallFinishMiddleware(): LanguageModelMiddleware {
  return {
    specificationVersion: 'v4',
    wrapGenerate: async ({ doGenerate }) => {
      const result = await doGenerate();
      const calls = result.content.some((part) => part.type === 'tool-call');
      return calls ? { ...result, finishReason: withToolCalls(result.finishReason) } : result;
    },
    wrapStream: async ({ doStream }) => {
      const result = await doStream();
      let calls = false;
      const stream = result.stream.pipeThrough(
        new TransformStream<StreamPart, StreamPart>({
          transform(part, controller) {
            if (part.type === 'tool-call') calls = true;
            controller.enqueue(part.type === 'finish' && calls ? { ...part, finishReason: withToolCalls(part.finishReason) } : part);
          },
        }),
      );
      return { ...result, stream };
    },
  };
}

function withToolCalls(reason: FinishReason): FinishReason {
  return reason.unified === 'length' || reason.unified === 'content-filter' ? reason : { ...reason, unified: 'tool-calls' };
}
