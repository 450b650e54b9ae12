import path from 'node:path';
import { ChatSession, createQueryModel, formatWorkspaceContext, gatherWorkspaceContext } from '../../agent/index.js';
import { createBuiltinRegistry } from '../../tools/index.js';
import { colorEnabled } from '../../tui/style.js';
import { describer } from '../../tui/tool-describer.js';
import { CliError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { openModel } from '../model.js';
import { newRunId } from '../run-id.js';
import { isCI } from '../run-session.js';
import { openConversation, openStores } from '../stores.js';
import { loadPolicy } from '../policy-files.js';

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
  const { config, model } = await openModel(io.env, stores.home);
  const workspace = path.resolve(io.cwd, flags.workspace ?? '.');
  const registry = createBuiltinRegistry();
  const context = await gatherWorkspaceContext(workspace, io.env);
  const policy = await loadPolicy(stores.home, workspace);

  const open = async (target: { id?: string; latest?: boolean }) => {
    const conversation = await openConversation(stores, target, workspace);
    return ChatSession.open({
      model,
      modelConfig: config,
      tools: registry,
      runs: stores.runs,
      conversation,
      workspace,
      context: formatWorkspaceContext(context),
      queryModel: createQueryModel(model, config),
      newRunId,
      policy,
    });
  };
  const session = await open({ id: flags.session, latest: flags.continue });
  // Libraries in the TUI colour with chalk, which ignores NO_COLOR: tell it before it loads.
  if (!colorEnabled(io.stdout, io.env)) process.env.FORCE_COLOR = '0';
  const { runChat } = await import('../../tui/run-chat.js');
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
    tools: describer(registry),
    color: colorEnabled(io.stdout, io.env),
    env: io.env,
    workspace,
    stdin: io.stdin as NodeJS.ReadStream,
    stdout: io.stdout as NodeJS.WriteStream,
    stderr: io.stderr as NodeJS.WriteStream,
  });
  return ExitCode.ok;
}
