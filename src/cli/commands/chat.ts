import path from 'node:path';
import type { Plan } from '../../planning/index.js';
import { ChatSession, createQueryModel, formatProjectInstructions, formatWorkspaceContext, gatherWorkspaceContext, instructionsCutNote } from '../../agent/index.js';
import { colorEnabled } from '../../tui/style.js';
import { describer } from '../../tui/tool-describer.js';
import { CliError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { askToTrustWorkspace, openCommandTools } from '../mcp-tools.js';
import { chatModeOf, openModel } from '../model.js';
import { newRunId } from '../run-id.js';
import { isCI } from '../run-session.js';
import { openConversation, openStores } from '../stores.js';
import { withoutFetch } from '../without-fetch.js';
import { loadPolicy } from '../policy-files.js';
import { planCardWorkers, redisUrlFor, runWorkers } from '../remote-run.js';

export type ChatFlags = { continue?: boolean; session?: string; workspace?: string };

/** The chat TUI: needs an interactive terminal. */
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
  // Started together: the TUI's modules load while the workspace is looked at (kubectl), the model set up and MCP servers start.
  const tui = withoutFetch(() => import('../../tui/run-chat.js'));
  tui.catch(() => {});
  const tools = await openCommandTools(io, workspace);
  await askToTrustWorkspace(io, tools);
  const [cli, context] = await Promise.all([openModel(io.env, stores.home), gatherWorkspaceContext(workspace, io.env), tools.startAll()]);
  const { config, model } = cli;
  const chatMode = chatModeOf(cli);
  const { registry } = tools;
  const policy = await loadPolicy(stores.home, workspace);
  // Workers (KSA_REDIS_URL or "redis" in config.json): approved plans send their steps to them, as ksa run --redis does.
  const redisUrl = await redisUrlFor(io, undefined, stores.home);
  const workers = redisUrl ? runWorkers(redisUrl) : undefined;

  const open = async (target: { id?: string; latest?: boolean }) => {
    const conversation = await openConversation(stores, target, workspace);
    return ChatSession.open({
      model,
      modelConfig: config,
      chatMode,
      tools: registry,
      runs: stores.runs,
      conversation,
      workspace,
      context: formatWorkspaceContext(context),
      kube: { context: context.kubeContext, namespace: context.kubeNamespace },
      ...(context.instructions ? { instructions: formatProjectInstructions(context.instructions) } : {}),
      queryModel: createQueryModel(model, config),
      newRunId,
      policy,
      ...(workers ? { workers } : {}),
    });
  };
  const session = await open({ id: flags.session, latest: flags.continue });
  const cutNote = instructionsCutNote(context.instructions);
  if (cutNote) session.notice(cutNote, 'warning');
  const { runChat } = await tui;
  await runChat({
    session,
    openSession: (target) => open({ id: target.id }),
    runs: stores.runs,
    conversations: stores.conversations,
    model: config,
    header: {
      model: config.model,
      endpoint: config.baseURL,
      workspace,
      kubeContext: context.kubeContext,
      sessionId: session.deps.conversation.id,
      resumed: session.snapshot().history.length > 0,
    },
    tools: { ...describer(registry, { context: context.kubeContext, namespace: context.kubeNamespace }), ...(redisUrl ? { workers: (plan: Plan) => planCardWorkers(redisUrl, plan) } : {}) },
    color: colorEnabled(io.stdout, io.env),
    env: io.env,
    workspace,
    stdin: io.stdin as NodeJS.ReadStream,
    stdout: io.stdout as NodeJS.WriteStream,
    stderr: io.stderr as NodeJS.WriteStream,
  });
  return ExitCode.ok;
}
