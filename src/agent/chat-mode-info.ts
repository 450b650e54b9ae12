/**
 * What is known from outside (the capability cache in KSA_HOME): `tools: false` starts without tools;
 * `source` is how that was learnt (`ksa model check`, or the server's own refusal in an earlier session).
 */
export type ToolsHint = { readonly tools?: boolean; readonly source?: string };

export type ChatModeInfo = {
  /** The model calls ksa's functions as tools; otherwise ksa routes each message with one structured-output call. */
  readonly tools: boolean;
  /** Why there are no tools, in the server's words where it gave any. */
  readonly reason?: string;
  readonly source: 'default' | 'hint' | 'detected';
};

/**
 * The mode a chat starts in, before any turn: with tools unless a hint says
 * the model has none. Its own module, without the AI SDK, so the chat's first
 * frame can show it before the SDK loads.
 */
export function startingChatMode(hint?: ToolsHint): ChatModeInfo {
  return hint?.tools === false ? { tools: false, reason: rememberedReason(hint), source: 'hint' } : { tools: true, source: hint?.tools ? 'hint' : 'default' };
}

/** Why the cache says there are no tools: the model check, or the server's words as it said them then. */
export function rememberedReason(hint: ToolsHint): string {
  if (hint.source === undefined || hint.source === MODEL_CHECK_SOURCE) return 'the model check found no tool calling';
  return `${hint.source}, remembered from an earlier session`;
}

/** The capability cache's `source` of what `ksa model check` found. */
export const MODEL_CHECK_SOURCE = 'ksa model check';

/** Said with a mode that was remembered: how to find out again once the server or model has changed. */
export const CHECK_AGAIN_HINT = 'after changing the server or the model, ksa model check checks again';
