import path from 'node:path';
import type { SessionSnapshot } from '../../agent/index.js';
import { startingChatMode } from '../../agent/chat-mode-info.js';
import { currentKubeTarget } from '../../tools/kube/context-guard.js';
import { PendingSession } from '../../tui/pending-session.js';
import type { Plan } from '../../planning/index.js';
import { colorEnabled } from '../../tui/style.js';
import { describer } from '../../tui/tool-describer.js';
import type { ChatEngine, KubeTarget } from '../chat-engine.js';
import { isCI } from '../ci.js';
import { CliError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { askToTrustWorkspace, openCommandTools } from '../mcp-tools.js';
import { loadModelSetup } from '../model-setup.js';
import { loadPolicy } from '../policy-files.js';
import { openConversation, openStores } from '../stores.js';
import { withoutFetch } from '../without-fetch.js';
import { planCardWorkers, redisUrlFor, runWorkers } from '../remote-run.js';

export type ChatFlags = { continue?: boolean; session?: string; workspace?: string };

/**
 * The chat TUI: needs an interactive terminal. Its first frame (header, input,
 * status line) needs only the TUI, the model's name, the kube context and the
 * session id; the model SDK, the workspace scan and the session's history load
 * right after it, while the user types (what is sent meanwhile waits for them).
 */
export async function chatCommand(io: CliIO, flags: ChatFlags): Promise<ExitCodeValue> {
  if (!io.stdin.isTTY || !io.stdout.isTTY || isCI(io.env)) {
    throw new CliError({
      message: 'ksa chat needs an interactive terminal. Without one, use ksa ask "<message>" for one chat turn, or ksa run <plan> for a plan file.',
    });
  }
  if (flags.continue && flags.session) throw new CliError({ message: '--continue and --session cannot be used together' });
  const stores = openStores(io);
  const workspace = path.resolve(io.cwd, flags.workspace ?? '.');
  // Libraries in the TUI colour with chalk, which ignores NO_COLOR: tell it before it loads.
  if (!colorEnabled(io.stdout, io.env)) process.env.FORCE_COLOR = '0';
  // Started together: the TUI's modules load while kubectl is asked and MCP servers start.
  const tui = withoutFetch(() => import('../../tui/run-chat.js'));
  tui.catch(() => {});
  const tools = await openCommandTools(io, workspace);
  await askToTrustWorkspace(io, tools);
  const kube: Promise<KubeTarget> = currentKubeTarget(io.env);
  const [setup, , policy] = await settledInOrder([loadModelSetup(io.env, stores.home), tools.startAll(), loadPolicy(stores.home, workspace)] as const);
  const conversation = await openConversation(stores, { id: flags.session, latest: flags.continue }, workspace);
  const { context: kubeContext, namespace } = await kube;
  const { config } = setup;
  // Workers (KSA_REDIS_URL or "redis" in config.json): approved plans send their steps to them, as ksa run --redis does.
  const redisUrl = await redisUrlFor(io, undefined, stores.home);
  const workers = redisUrl ? runWorkers(redisUrl) : undefined;

  let engine: Promise<ChatEngine> | undefined;
  const loadEngine = () =>
    (engine ??= import('../chat-engine.js').then(({ startChatEngine }) =>
      startChatEngine({ env: io.env, workspace, setup, kube, registry: tools.registry, runs: stores.runs, policy, ...(workers ? { workers } : {}) }),
    ));
  const session = new PendingSession(firstSnapshot(conversation.id, setup.capabilities?.tools), async () => {
    const { open, cutNote } = await loadEngine();
    const started = await open(conversation);
    if (cutNote) started.notice(cutNote, 'warning');
    return started;
  });
  const { runChat } = await tui;
  await runChat({
    session,
    openSession: async (target) => (await loadEngine()).open(await openConversation(stores, { id: target.id }, workspace)),
    runs: stores.runs,
    conversations: stores.conversations,
    model: config,
    header: {
      model: config.model,
      endpoint: config.baseURL,
      workspace,
      kubeContext,
      sessionId: conversation.id,
      resumed: conversation.info.messageCount > 0,
    },
    tools: { ...describer(tools.registry, { context: kubeContext, namespace: kubeContext ? (namespace ?? 'default') : undefined }), ...(redisUrl ? { workers: (plan: Plan) => planCardWorkers(redisUrl, plan) } : {}) },
    color: colorEnabled(io.stdout, io.env),
    env: io.env,
    workspace,
    stdin: io.stdin as NodeJS.ReadStream,
    stdout: io.stdout as NodeJS.WriteStream,
    stderr: io.stderr as NodeJS.WriteStream,
  });
  return ExitCode.ok;
}

/** A session as it starts (what ChatSession.snapshot() says before anything happened), for the first frame. */
function firstSnapshot(sessionId: string, tools: boolean | undefined): SessionSnapshot {
  return { phase: 'idle', history: [], streaming: '', tokens: 0, sessionId, chatMode: startingChatMode({ tools }), showThinking: false, approvalMode: 'ask' };
}

/** Awaits all, then throws the first failure in the order given (not the first to fail). */
async function settledInOrder<T extends readonly unknown[]>(promises: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
