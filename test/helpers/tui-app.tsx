import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simulateReadableStream, type LanguageModel } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { render } from 'ink-testing-library';
import type { TestContext } from 'vitest';
import { ChatModeState, ChatSession, type ModelConfig } from '../../src/agent/index.js';
import type { RunWorkers } from '../../src/agent/session-runs.js';
import type { Policy } from '../../src/policy/rules/index.js';
import { ConversationStore, RunStore, type Conversation, type NewMessage } from '../../src/store/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';
import { App } from '../../src/tui/App.js';
import { PendingSession } from '../../src/tui/pending-session.js';
import { describer } from '../../src/tui/tool-describer.js';
import { streamParts, textAnswer, type Scripted, type StreamTurn } from './mock-model.js';

/**
 * The whole chat app (App + a real ChatSession, real stores in a temp
 * KSA_HOME, real built-in tools in a temp workspace) rendered with
 * ink-testing-library, driven by a mock model. Keys go in as a user types
 * them: text, then Enter in a separate write.
 */

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

export const MODEL_CONFIG: ModelConfig = {
  baseURL: 'http://127.0.0.1:9/v1',
  apiKey: 'test',
  model: 'mock-model',
  sources: { baseURL: 'OPENAI_BASE_URL', model: 'KSA_MODEL' },
  timeoutMs: 20_000,
  maxRetries: 0,
};

export const KEYS = { enter: '\r', esc: '\u001b', up: '\u001b[A', down: '\u001b[B', tab: '\t', ctrlC: '\u0003', backspace: '\u007f' } as const;

/** A streamed turn that sends its text in `pieces`, `chunkDelayMs` apart (for interrupting). */
export type PacedTurn = StreamTurn & { readonly chunkDelayMs?: number };

/**
 * A mock model: doStream answers chat turns in order (text and tool calls), doGenerate answers
 * planner/reflection calls in order. Both record their calls; a missing entry fails the call.
 */
export type ScriptedTurn = PacedTurn | ((options: MockLanguageModelV4['doStreamCalls'][number]) => PacedTurn);

export function chatModel(turns: ScriptedTurn[] = [], generate: Scripted[] = []): MockLanguageModelV4 & { readonly turns: ScriptedTurn[]; readonly generate: Scripted[] } {
  const model = new MockLanguageModelV4({
    doStream: async (options) => {
      const next = turns.shift();
      if (!next) throw new Error('no scripted chat turn');
      const turn = typeof next === 'function' ? next(options) : next;
      options.abortSignal?.throwIfAborted();
      return { stream: simulateReadableStream({ chunks: streamParts(turn), initialDelayInMs: turn.delayMs ?? 0, chunkDelayInMs: turn.chunkDelayMs ?? 0 }) };
    },
    doGenerate: async (options) => {
      options.abortSignal?.throwIfAborted();
      const entry = generate.shift();
      if (entry === undefined) throw new Error('no scripted generate answer');
      if (entry instanceof Error) throw entry;
      return textAnswer(typeof entry === 'function' ? await entry(options) : entry);
    },
  });
  return Object.assign(model, { turns, generate });
}

export type ChatApp = {
  readonly home: string;
  readonly workspace: string;
  readonly runs: RunStore;
  readonly conversations: ConversationStore;
  /** The session the app started with. */
  readonly session: ChatSession;
  /** Everything drawn so far (ink-testing-library renders in debug mode: Static output plus the live frame). */
  frame(): string;
  /** Polls the frame until it matches; returns it. */
  waitFor(pattern: string | RegExp | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
  /** Waits for text that may be wrapped across lines (whitespace runs compare equal). */
  waitForText(text: string, timeoutMs?: number): Promise<string>;
  /** Writes keys one at a time, waiting for a render between them (like a person typing). */
  typeKeys(text: string): Promise<void>;
  /** Writes the text as one chunk (a paste). */
  paste(text: string): Promise<void>;
  /** Text, then Enter in a separate write. */
  send(text: string): Promise<void>;
  press(key: keyof typeof KEYS): Promise<void>;
  readonly stdout: ReturnType<typeof render>['stdout'];
  unmount(): void;
};

export type ChatAppOptions = {
  readonly model: LanguageModel;
  readonly color?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /** Messages stored in the conversation before the app opens (a reopened session). */
  readonly history?: readonly NewMessage[];
  readonly kubeContext?: string;
  /** The chat mode of every session of this app (default: a new one, tools on: tests never share a switch). */
  readonly chatMode?: ChatModeState;
  /** With kubeContext: the current namespace; plans are pinned to both, as `ksa chat` does. */
  readonly kubeNamespace?: string;
  /** The permission policy the session applies. */
  readonly policy?: Policy;
  /** Starts the app on a pending session, as ksa chat does: the real one is handed over when `gate` resolves. */
  readonly gate?: Promise<void>;
  /** The environment the sessions start in (ksa chat's own): a /resume reads a run's --allow-env variables there. */
  readonly environment?: NodeJS.ProcessEnv;
  /** The chat's workers (a Redis configured), as ksa chat hands them to its sessions. */
  readonly workers?: RunWorkers;
};

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

export async function renderChatApp(context: TestContext, options: ChatAppOptions): Promise<ChatApp> {
  const root = await realpath(await mkdtemp(path.join(tmpdir(), 'ksa-tui-app-')));
  const home = path.join(root, 'home');
  const workspace = path.join(root, 'work');
  await mkdir(home);
  await mkdir(workspace);
  const runs = new RunStore(home);
  const conversations = new ConversationStore(home);
  const registry = createBuiltinRegistry();
  let runCount = 0;
  const chatMode = options.chatMode ?? new ChatModeState(MODEL_CONFIG);
  const open = async (conversation: Conversation) =>
    ChatSession.open({
      model: options.model,
      modelConfig: MODEL_CONFIG,
      tools: registry,
      runs,
      conversation,
      workspace,
      context: 'Workspace: test',
      ...(options.kubeContext ? { kube: { context: options.kubeContext, namespace: options.kubeNamespace } } : {}),
      newRunId: () => `run-${++runCount}`,
      chatMode,
      policy: options.policy,
      ...(options.environment ? { environment: options.environment } : {}),
      ...(options.workers ? { workers: options.workers } : {}),
    });
  const first = await conversations.create({ workspace });
  for (const message of options.history ?? []) first.append(message);
  await first.flush();
  const session = await open(first);
  const sessions = [session];
  const app = render(
    <App
      session={
        options.gate
          ? new PendingSession({ ...session.snapshot(), history: [] }, async () => {
              await options.gate;
              return session;
            })
          : session
      }
      openSession={async (target) => {
        const next = await open(target.id ? await conversations.open(target.id) : await conversations.create({ workspace }));
        sessions.push(next);
        return next;
      }}
      runs={runs}
      conversations={conversations}
      model={MODEL_CONFIG}
      header={{ model: 'mock-model', endpoint: MODEL_CONFIG.baseURL, workspace, kubeContext: options.kubeContext, sessionId: session.deps.conversation.id, resumed: (options.history?.length ?? 0) > 0 }}
      tools={describer(registry, { context: options.kubeContext, namespace: options.kubeNamespace })}
      color={options.color ?? false}
      env={options.env ?? {}}
    />,
  );
  context.onTestFinished(async () => {
    app.unmount();
    for (const s of sessions) await s.close().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  // The last frame with something drawn: as Ink unmounts (the app quit), it writes a lone newline after the final frame, which
  // would otherwise race a wait for what that final frame showed.
  const frame = () => {
    for (let index = app.frames.length - 1; index >= 0; index -= 1) if (app.frames[index]!.trim() !== '') return app.frames[index]!;
    return '';
  };
  // Long enough for a loaded machine (a CI runner, tests in parallel): a frame that never comes still fails well within the test's own limit.
  const waitFor: ChatApp['waitFor'] = async (pattern, timeoutMs = 15_000) => {
    const matches = (text: string) => (typeof pattern === 'string' ? text.includes(pattern) : pattern instanceof RegExp ? pattern.test(text) : pattern(text));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = frame();
      if (matches(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}; the frame:\n${text}`);
      await tick(10);
    }
  };
  const flat = (text: string) => text.replace(/\s+/g, ' ');
  const write = async (data: string) => {
    app.stdin.write(data);
    // Let Ink parse the input and React commit the render (an escape waits for the parser's flush).
    await tick(data.startsWith('\u001b') ? 60 : 15);
  };
  return {
    home,
    workspace,
    runs,
    conversations,
    session,
    frame,
    waitFor,
    waitForText: (text, timeoutMs) => waitFor((current) => flat(current).includes(flat(text)), timeoutMs),
    async typeKeys(text) {
      for (const char of text) await write(char);
    },
    paste: (text) => write(text),
    async send(text) {
      if (text) await write(text);
      await write(KEYS.enter);
    },
    press: (key) => write(KEYS[key]),
    stdout: app.stdout,
    unmount: () => app.unmount(),
  };
}
