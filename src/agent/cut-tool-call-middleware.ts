import type { LanguageModelMiddleware } from 'ai';

type WrapStream = NonNullable<LanguageModelMiddleware['wrapStream']>;
type StreamPart = Awaited<ReturnType<WrapStream>>['stream'] extends ReadableStream<infer T> ? T : never;

/**
 * A function call whose arguments the model's output limit cut short (finish reason "length", arguments that stop
 * mid-JSON) is not a call at all: passed on, the AI SDK would report it as arguments that are not valid JSON and
 * ask the model to call again, under the same limit, until the turn's step limit. It is dropped instead and its
 * function named to `onCut`, so the turn can say the answer was cut off at once.
 */
export function cutToolCallMiddleware(onCut: (tool: string) => void): LanguageModelMiddleware {
  return {
    specificationVersion: 'v4',
    wrapGenerate: async ({ doGenerate }) => {
      const result = await doGenerate();
      if (result.finishReason.unified !== 'length') return result;
      const cut = result.content.filter((part) => part.type === 'tool-call' && !isCompleteInput(part.input));
      for (const part of cut) if (part.type === 'tool-call') onCut(part.toolName);
      return cut.length ? { ...result, content: result.content.filter((part) => !cut.includes(part)) } : result;
    },
    wrapStream: async ({ doStream }) => {
      const result = await doStream();
      // From the first incomplete call on, parts wait for the finish part: only it says whether the call was cut.
      let held: StreamPart[] | undefined;
      const stream = result.stream.pipeThrough(
        new TransformStream<StreamPart, StreamPart>({
          transform(part, controller) {
            if (part.type === 'tool-call' && !isCompleteInput(part.input)) held ??= [];
            if (!held) return controller.enqueue(part);
            if (part.type !== 'finish') return void held.push(part);
            const cut = part.finishReason.unified === 'length';
            for (const waiting of held) {
              if (cut && waiting.type === 'tool-call' && !isCompleteInput(waiting.input)) onCut(waiting.toolName);
              else controller.enqueue(waiting);
            }
            held = undefined;
            controller.enqueue(part);
          },
          flush(controller) {
            for (const waiting of held ?? []) controller.enqueue(waiting);
          },
        }),
      );
      return { ...result, stream };
    },
  };
}

/** Arguments a cut could not have produced: JSON that parses (no arguments at all reads as `{}`). */
function isCompleteInput(input: string): boolean {
  if (input.trim() === '') return true;
  try {
    JSON.parse(input);
    return true;
  } catch {
    return false;
  }
}
