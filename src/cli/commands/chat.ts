import type { ChatSession, SessionSnapshot } from '../../agent/index.js';
import { startingChatMode, type ToolsHint } from '../../agent/chat-mode-info.js';
import { PendingSession } from '../../tui/pending-session.js';
import { colorEnabled } from '../../tui/style.js';
import { lateDescriber } from '../../tui/late-describer.js';
import type { ChatEngine } from '../chat-engine.js';
import { rememberedKubeTarget } from '../kube-target.js';
import { isCI } from '../ci.js';
import { CliError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, type CliIO } from '../io.js';
import { askToTrustWorkspace, loadMcpServers } from '../mcp-servers.js';
import { loadModelSetup } from '../model-setup.js';
import { WarningRelay } from '../warning-relay.js';
import { checkSessionFlags, chooseConversation, openStores } from '../stores.js';
import { chatEngines } from '../chat-engines.js';
import { withoutFetch } from '../without-fetch.js';
import { runCommandHint } from '../../planning/redis-hints.js';
import { sessionWorkspace } from '../session-workspace.js';
import { redisUrlFor } from '../remote-run.js';

export type ChatFlags = { continue?: boolean; session?: string; workspace?: string };

/**
 * The chat TUI: needs an interactive terminal. Its first frame (header, input,
 * status line) needs only the TUI, the model's name, the kube context and the
 * session id; the tools (MCP servers started), the policy, the model SDK, the
 * workspace scan and the session's history load right after it, while the user
 * types (what is sent meanwhile waits for them).
 */
export async function chatCommand(io: CliIO, flags: ChatFlags): Promise<ExitCodeValue> {
  checkSessionFlags(flags);
  if (!io.stdin.isTTY || !io.stdout.isTTY || isCI(io.env)) {
    throw new CliError({
      message: 'ksa chat needs an interactive terminal. Without one, use ksa ask "<message>" for one chat turn, or ksa run <plan> for a plan file.',
    });
  }
  if (io.env.TERM === 'dumb') {
    throw new CliError({
      message: 'ksa chat needs a terminal that can move its cursor, and TERM=dumb says this one cannot. Use ksa ask "<message>" for one chat turn here, or run ksa chat in a full terminal.',
    });
  }
  const storeWarnings = new WarningRelay(io);
  const stores = openStores(io, storeWarnings.warn);
  // A Redis URL ksa cannot use as written ends the chat now, as ksa run refuses it, not once a plan was made for it.
  await redisUrlFor(io, undefined, stores.home);
  // Only chosen now; it is opened (or created) after the first frame, with the engine.
  const chosen = await chooseConversation(stores, { id: flags.session, latest: flags.continue });
  // A continued session works where its plans were made, not in whatever folder it was reopened from.
  const { workspace, note: workspaceNote } = await sessionWorkspace(io.cwd, flags.workspace, chosen.workspace);
  // Libraries in the TUI colour with chalk, which ignores NO_COLOR: tell it before it loads.
  if (!colorEnabled(io.stdout, io.env)) process.env.FORCE_COLOR = '0';
  // Started together: the TUI's modules load while the MCP configuration, the model setup and the kube target are read.
  const tui = withoutFetch(() => import('../../tui/run-chat.js'));
  tui.catch(() => {});
  // Asked before the TUI takes the terminal; the servers start after the first frame.
  const servers = await loadMcpServers(io, workspace);
  stores.addSecrets(servers.hub.secrets());
  await askToTrustWorkspace(io, servers);
  const kube = rememberedKubeTarget(io.env, stores.home);
  const setup = await loadModelSetup(io.env, stores.home);
  const kubeTarget = await kube;
  const { config } = setup;

  const tools = lateDescriber();
  // Another workspace's engine whose servers are not trusted: the chat told how to trust them (ksa mcp trust, in
  // another terminal), so the next switch there starts it again, with whatever is trusted by then.
  const untrusted = new WeakSet<ChatEngine>();
  const engines = chatEngines((where) =>
    import('../chat-engine.js').then(async ({ startChatEngine }) => {
      // Another workspace's MCP servers: no trust is asked now (the chat has the terminal); their warnings, as the
      // one about untrusted servers, are said in the chat.
      const said: string[] = [];
      // The chat's own servers were loaded (and trust asked) before the first frame; once a switch away closed
      // them, a switch back loads them again, with the trust given then.
      const own = where === workspace && !servers.hub.isClosed() ? servers : await loadMcpServers(io, where, (line) => said.push(line));
      if (own !== servers) stores.addSecrets(own.hub.secrets());
      const engine = await startChatEngine({ io, home: stores.home, workspace: where, setup, kube: kubeTarget, servers: own, runs: stores.runs });
      const loaded = { ...engine, warnings: [...said, ...engine.warnings] };
      if (where !== workspace && own.hub.untrustedServers().length > 0) untrusted.add(loaded);
      return loaded;
    }),
    { keep: (engine) => !untrusted.has(engine) },
  );
  // The session on screen: plan cards are described with its workspace's tools; the store's warnings go to it.
  const show = (engine: ChatEngine, session: ChatSession) => {
    tools.resolve(engine.describer);
    for (const warning of engines.unsaid(engine)) session.notice(warning, 'warning');
    storeWarnings.deliverTo((message) => session.notice(message, 'warning'));
    return session;
  };
  const session = new PendingSession(firstSnapshot(chosen.id, { tools: setup.capabilities?.tools, source: setup.capabilities?.toolsSource ?? setup.capabilities?.source }), async () => {
    const engine = await engines.load(workspace);
    return show(engine, await engines.open(engine, await chosen.open(workspace)));
  });
  const { runChat } = await tui;
  storeWarnings.hold();
  const ending = await runChat({
    session,
    openSession: async (target) => {
      const next = await chooseConversation(stores, { id: target.id });
      // A session switched to works where its plans were made, as `ksa chat --session <id>` does; /new, in the chat's.
      const where = target.id === undefined ? { workspace } : await sessionWorkspace(io.cwd, flags.workspace, next.workspace, next.id);
      const engine = await engines.load(where.workspace);
      const opened = await engines.open(engine, await next.open(where.workspace));
      if (where.note) opened.notice(`workspace ${where.workspace}: ${where.note.text}`, where.note.tone);
      return show(engine, opened);
    },
    runs: stores.runs,
    conversations: stores.conversations,
    model: config,
    header: {
      model: config.model,
      endpoint: config.baseURL,
      workspace,
      ...(workspaceNote ? { workspaceNote } : {}),
      kubeContext: kubeTarget.context,
      sessionId: chosen.id,
      resumed: chosen.resumed,
    },
    tools: tools.describer,
    color: colorEnabled(io.stdout, io.env),
    env: io.env,
    stdin: io.stdin as NodeJS.ReadStream,
    stdout: io.stdout as NodeJS.WriteStream,
    stderr: io.stderr as NodeJS.WriteStream,
  }).finally(() => storeWarnings.release());
  // /quit left the run paused, also when a signal came during its wait: how to go on with it.
  // With the run's --redis when it sent steps to workers: without it ksa resume refuses the run.
  if (typeof ending === 'object') {
    const recorded = await stores.runs.read(ending.pausedRunId).then((record) => record.redis, () => undefined);
    writeLine(io.stderr, `Run ${ending.pausedRunId} is paused; ${runCommandHint('resume', ending.pausedRunId, recorded, io.env.KSA_REDIS_URL)} continues it.`);
  }
  // Ended by a signal, the session saved and its run cancelled (or left paused by /quit): the shell's code for that
  // signal, as `ksa run` gives.
  const signal = typeof ending === 'object' ? ending.signal : ending;
  if (signal === 'SIGTERM') return ExitCode.terminated;
  if (signal === 'SIGHUP') return ExitCode.hangup;
  if (signal === 'SIGINT') return ExitCode.interrupted;
  // Ctrl-C twice with a run going cancelled it: 130, as Ctrl-C gives `ksa run`.
  if (ending === 'cancelled-run') return ExitCode.interrupted;
  return ExitCode.ok;
}

/** A session as it starts (what ChatSession.snapshot() says before anything happened), for the first frame. */
function firstSnapshot(sessionId: string, hint: ToolsHint): SessionSnapshot {
  return { phase: 'idle', history: [], streaming: '', tokens: 0, sessionId, chatMode: startingChatMode(hint), showThinking: false, approvalMode: 'ask' };
}
