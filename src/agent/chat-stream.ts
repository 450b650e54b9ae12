import type { streamText, ToolSet } from 'ai';
import type { Conversation } from '../store/index.js';
import type { ProposedPlan } from './agent-tools.js';
import type { ChatModeInfo } from './chat-mode.js';
import { invalidCallText } from './invalid-tool-call.js';
import { markAnswer, type AnswerEnd } from './answer-end.js';
import { toolErrorText } from './tool-error-text.js';
import { ThinkFilter } from './think-text.js';

/** What a turn reports as it goes, for a terminal to draw. */
export type TurnEvent =
  | { readonly type: 'text'; readonly text: string }
  /** The model's reasoning, streamed: shown as "thinking…", never stored nor sent back. */
  | { readonly type: 'reasoning'; readonly text: string }
  /**
   * `text` already said was reasoning after all: a lone `</think>` closed it (the chat template opened the
   * block in the prompt). A terminal drops it from the answer it shows; it is not stored nor sent back.
   */
  | { readonly type: 'unsaid'; readonly text: string }
  | { readonly type: 'tool-call'; readonly tool: string; readonly input: unknown }
  /** `invalidCall`: the model got the call wrong (its arguments, or the function's name); the output's error says how. */
  | { readonly type: 'tool-result'; readonly tool: string; readonly output: unknown; readonly isError: boolean; readonly invalidCall?: boolean }
  | { readonly type: 'plan'; readonly proposal: ProposedPlan }
  | { readonly type: 'repairing'; readonly attempt: number; readonly problems: readonly string[] }
  /** The prompt did not fit the model's context window: asked once more with less history; `hint` says how to raise the window. */
  | { readonly type: 'context-retry'; readonly hint: string }
  /** The chat now works without tools; `discarded`: the text streamed so far in this turn was dropped (it answered a request the server mangled). */
  | { readonly type: 'mode'; readonly mode: ChatModeInfo; readonly announce: boolean; readonly discarded: boolean };

const LONE_CLOSING_TAG = /^([\s\S]*?)<\/think(?:ing)?>/;

/**
 * The answer of one turn as it is said: text (reasoning filtered out) and tool
 * activity, stored in the conversation in order — text before a tool call is
 * its own message, so order and paragraphs survive.
 */
export class TurnOutput {
  text = '';
  reasoning = '';
  totalTokens = 0;
  /** The last model call stopped at its output limit (finish reason "length"): the answer is incomplete. */
  cutOff = false;
  /** The function whose call the output limit cut off mid-arguments (so it was never made). */
  cutCall: string | undefined;
  /** Why the latest function call failed, while no later one succeeded: what a turn without an answer is told with. */
  failedCall: string | undefined;
  private unsaved = '';
  private seq = 0;

  constructor(
    private readonly conversation: Conversation,
    private readonly onEvent: ((event: TurnEvent) => void) | undefined,
  ) {}

  emit(event: TurnEvent): void {
    this.onEvent?.(event);
  }

  say(text: string): void {
    if (!text) return;
    // Paired think tags never reach say(); a closing one that does ends reasoning the answer began with
    // (its opening tag was in the prompt): what came before it moves to the reasoning.
    const closed = LONE_CLOSING_TAG.exec(this.unsaved + text);
    if (closed) return this.unsay(closed[0], closed[1]!, (this.unsaved + text).slice(closed[0].length));
    this.text += text;
    this.unsaved += text;
    this.emit({ type: 'text', text });
  }

  private unsay(said: string, reasoning: string, rest: string): void {
    const head = said.slice(this.unsaved.length);
    if (head) this.emit({ type: 'text', text: head });
    this.discardUnsaved();
    this.emit({ type: 'unsaid', text: said });
    this.think(reasoning.trim());
    this.say(rest.replace(/^\s+/, ''));
  }

  think(text: string): void {
    if (!text) return;
    this.reasoning += text;
    this.emit({ type: 'reasoning', text });
  }

  toolCall(tool: string, input: unknown, toolCallId = `ksa_${++this.seq}`): string {
    this.saveText();
    if (this.text.trim()) this.text = `${this.text.trimEnd()}\n\n`;
    this.conversation.append({ kind: 'tool_call', toolCallId, tool, input });
    this.emit({ type: 'tool-call', tool, input });
    return toolCallId;
  }

  toolResult(toolCallId: string, tool: string, output: unknown, isError: boolean, invalidCall = false): void {
    this.failedCall = isError ? (invalidCall ? toolErrorText(output) : `${tool} failed: ${toolErrorText(output)}`) : undefined;
    this.conversation.append({ kind: 'tool_result', toolCallId, tool, output, ...(isError ? { isError: true } : {}) });
    this.emit({ type: 'tool-result', tool, output, isError, ...(invalidCall ? { invalidCall } : {}) });
  }

  /**
   * `end`: the answer was stopped by the user or cut at the output limit; it is stored marked so (the model reads it
   * again), a cut one with the call the limit cut, if it did.
   */
  saveText(end?: AnswerEnd): void {
    if (this.unsaved.trim() || end === 'interrupted') this.conversation.append({ kind: 'assistant', text: end ? markAnswer(this.unsaved, end, end === 'cut-off' ? this.cutCall : undefined) : this.unsaved });
    this.unsaved = '';
  }

  /** Drops the text not stored yet (an answer that is being replaced). */
  discardUnsaved(): boolean {
    const had = this.unsaved.trim() !== '';
    this.text = this.text.slice(0, this.text.length - this.unsaved.length);
    this.unsaved = '';
    return had;
  }
}

export type StreamOutcome = {
  readonly failure?: unknown;
  readonly aborted: boolean;
  readonly toolCalls: number;
  /** The functions the model called, in order. */
  readonly toolNames: readonly string[];
  /** Model calls that ended in tool calls: the turn's step limit counts them. */
  readonly toolSteps: number;
  readonly streamed: boolean;
};

/** Reads a streamText result into the turn: text, reasoning (parts, or think tags in the text), tool calls and results. */
export async function consumeStream(result: ReturnType<typeof streamText<ToolSet>>, out: TurnOutput, abortSignal: AbortSignal | undefined): Promise<StreamOutcome> {
  const filter = new ThinkFilter();
  const take = ({ answer, reasoning }: { answer: string; reasoning: string }) => {
    out.think(reasoning);
    out.say(answer);
  };
  let failure: unknown;
  let aborted = false;
  let toolCalls = 0;
  let toolSteps = 0;
  const toolNames: string[] = [];
  let streamed = false;
  // The SDK's tool-error part carries only the error's text (class names, the value echoed, the schema's issue JSON);
  // the error itself comes with the invalid call, just before.
  const invalidCalls = new Map<string, string>();
  for await (const part of result.stream) {
    switch (part.type) {
      case 'text-delta':
        streamed = true;
        take(filter.push(part.text));
        break;
      case 'reasoning-delta':
        streamed = true;
        out.think(part.text);
        break;
      case 'tool-call':
        streamed = true;
        toolCalls++;
        toolNames.push(part.toolName);
        take(filter.end());
        out.toolCall(part.toolName, part.input, part.toolCallId);
        if (part.invalid) {
          const text = invalidCallText(part.toolName, part.error);
          if (text !== undefined) invalidCalls.set(part.toolCallId, text);
        }
        break;
      case 'tool-result':
        out.toolResult(part.toolCallId, part.toolName, part.output, false);
        break;
      case 'tool-error': {
        const invalid = invalidCalls.get(part.toolCallId);
        const message = invalid ?? (part.error instanceof Error ? part.error.message : String(part.error));
        out.toolResult(part.toolCallId, part.toolName, { error: message }, true, invalid !== undefined);
        break;
      }
      case 'finish-step':
        if (part.finishReason === 'tool-calls') toolSteps++;
        break;
      case 'finish':
        out.totalTokens += part.totalUsage.totalTokens ?? 0;
        out.cutOff = part.finishReason === 'length';
        break;
      case 'abort':
        // The SDK's own timeouts end the stream with 'abort' too: only the user's signal is an interruption.
        if (abortSignal?.aborted) aborted = true;
        else failure ??= new DOMException(part.reason ?? 'the model stopped answering', 'TimeoutError');
        break;
      case 'error':
        failure ??= part.error;
        break;
    }
  }
  take(filter.end());
  if (abortSignal?.aborted) aborted = true;
  return { failure, aborted, toolCalls, toolNames, toolSteps, streamed };
}
