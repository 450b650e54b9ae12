/** What is known from outside (e.g. a capability probe cached in KSA_HOME): `tools: false` starts without tools. */
export type ToolsHint = { readonly tools?: boolean };

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
  return hint?.tools === false ? { tools: false, reason: 'the model check found no tool calling', source: 'hint' } : { tools: true, source: hint?.tools ? 'hint' : 'default' };
}
