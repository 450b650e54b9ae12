import { APICallError, RetryError, type LanguageModelMiddleware } from 'ai';
import { KsaError } from '../planning/index.js';
import { AGENT_TOOL_NAMES } from './agent-tools.js';
import { CHECK_AGAIN_HINT, rememberedReason, startingChatMode, type ChatModeInfo, type ToolsHint } from './chat-mode-info.js';

export type { ChatModeInfo, ToolsHint } from './chat-mode-info.js';

/**
 * How the chat talks to one endpoint + model: with tool calling, or without
 * (once the server refused tools, or ignored them, or a hint said so). The
 * switch is remembered for the process, so every later turn and session of
 * this process starts in the right mode.
 */
export class ChatModeState {
  private state: ChatModeInfo;
  private told = false;
  private readonly listeners = new Set<(info: ChatModeInfo) => void>();

  constructor(
    readonly endpoint: { readonly baseURL: string; readonly model: string },
    hint?: ToolsHint,
  ) {
    this.state = startingChatMode(hint);
  }

  get info(): ChatModeInfo {
    return this.state;
  }

  get tools(): boolean {
    return this.state.tools;
  }

  /** Turns tools off; true only the first time (the one moment to tell the user). */
  switchOff(reason: string): boolean {
    if (!this.state.tools) return false;
    this.state = { tools: false, reason, source: 'detected' };
    for (const listener of this.listeners) listener(this.state);
    return true;
  }

  /** Told when the mode switches off tools (e.g. to remember it in a capability cache). */
  onSwitch(listener: (info: ChatModeInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True once per mode without tools: the caller says it, then never again. */
  takeAnnouncement(): boolean {
    if (this.state.tools || this.told) return false;
    this.told = true;
    return true;
  }

  /** For /model and the status line. */
  describe(): string {
    if (this.state.tools) return 'tools (the model calls ksa’s functions)';
    return `no tools — ${this.state.reason ?? 'tool calling is not available'}; ksa routes each message with one structured-output call and calls its functions itself`;
  }
}

/** What the chat says, once, when it goes on without tools. */
export function switchNotice(endpoint: { readonly baseURL: string; readonly model: string }, info: ChatModeInfo): string {
  const again = info.source === 'hint' ? ` (${CHECK_AGAIN_HINT})` : '';
  return `${endpoint.model} at ${endpoint.baseURL} cannot call tools (${info.reason}). The chat goes on without tools: ksa works out what each message asks and calls its functions itself. /model shows this${again}.`;
}

const processModes = new Map<string, ChatModeState>();

/** The mode for this endpoint and model in this process; a hint applies to a mode not yet switched. */
export function chatModeFor(endpoint: { readonly baseURL: string; readonly model: string }, hint?: ToolsHint, registry: Map<string, ChatModeState> = processModes): ChatModeState {
  const key = `${endpoint.baseURL}\u0000${endpoint.model}`;
  const known = registry.get(key);
  if (known) {
    if (hint?.tools === false) known.switchOff(rememberedReason(hint));
    return known;
  }
  const mode = new ChatModeState(endpoint, hint);
  registry.set(key, mode);
  return mode;
}

/** The server refused the tools of the request: carries its words; never retried. */
export class ToolsUnsupportedError extends KsaError {
  readonly reason: string;

  constructor({ reason, cause }: { reason: string; cause?: unknown }) {
    super({ name: 'ToolsUnsupportedError', message: `the model endpoint does not support tool calling (${reason})`, cause });
    this.reason = reason;
  }
}

const REFUSAL = /does not support tools|tool[_ ]?choice.*requires|enable-auto-tool-choice|tools? param(?:eter)? requires|--jinja|tools? (?:are|is) not supported|does not support (?:function|tool)[ _-]?call/i;

/** The server's own words when an error says that tool calling is not available; undefined for any other error. */
export function toolsRefusal(error: unknown): string | undefined {
  if (ToolsUnsupportedError.isInstance(error)) return error.reason;
  const last = RetryError.isInstance(error) ? error.lastError : error;
  if (!APICallError.isInstance(last)) return undefined;
  const status = last.statusCode;
  if (status === undefined || status < 400) return undefined;
  const words = serverWords(last);
  return REFUSAL.test(words) ? `${status}: ${words}` : undefined;
}

function serverWords(error: APICallError): string {
  const body = error.responseBody ?? '';
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    const message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (message) return oneLine(message);
  } catch {
    if (body.trim()) return oneLine(body);
  }
  return oneLine(error.message);
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/**
 * A refusal of tools becomes a ToolsUnsupportedError at once: the SDK retries
 * 5xx answers (llama.cpp says "tools param requires --jinja flag" with a 500),
 * and retrying cannot help.
 */
export function toolsRefusalMiddleware(): LanguageModelMiddleware {
  const check = (error: unknown, offered: boolean): never => {
    const reason = offered ? toolsRefusal(error) : undefined;
    throw reason ? new ToolsUnsupportedError({ reason, cause: error }) : error;
  };
  return {
    specificationVersion: 'v4',
    wrapGenerate: async ({ doGenerate, params }) => {
      try {
        return await doGenerate();
      } catch (error) {
        return check(error, (params.tools?.length ?? 0) > 0);
      }
    },
    wrapStream: async ({ doStream, params }) => {
      try {
        return await doStream();
      } catch (error) {
        return check(error, (params.tools?.length ?? 0) > 0);
      }
    },
  };
}

/**
 * A text answer to a request that offered tools, where a tool was needed: the
 * model names one of ksa's functions, or writes a plan itself. The server
 * ignored the tools (they never reached the model as tools).
 */
export function ignoredTools(answer: string): string | undefined {
  const named = AGENT_TOOL_NAMES.find((name) => new RegExp(`\\b${name}\\b`).test(answer));
  if (named) return `the server ignored the tools: the model wrote "${named}" as text instead of calling it`;
  if (/"steps"\s*:\s*\[/.test(answer) && /"(tool|id)"\s*:/.test(answer)) return 'the server ignored the tools: the model wrote a plan as text instead of calling propose_plan';
  return undefined;
}
