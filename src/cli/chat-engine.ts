import { ChatSession, createQueryModel, formatProjectInstructions, formatWorkspaceContext, gatherWorkspaceContext, instructionsCutNote } from '../agent/index.js';
import type { Policy } from '../policy/rules/index.js';
import type { RunWorkers } from '../agent/session-runs.js';
import type { Conversation, RunStore } from '../store/index.js';
import type { ToolRegistry } from '../tools/index.js';
import { chatModeOf, modelFromSetup } from './model.js';
import type { ModelSetup } from './model-setup.js';
import { newRunId } from './run-id.js';

/** The current kube context and its namespace (`kubectl config`), when there is one. */
export type KubeTarget = { readonly context?: string; readonly namespace?: string };

export type ChatEngineOptions = {
  readonly env: NodeJS.ProcessEnv;
  readonly workspace: string;
  readonly setup: ModelSetup;
  /** The kube target the first frame asked kubectl for (asked once). */
  readonly kube: Promise<KubeTarget>;
  readonly registry: ToolRegistry;
  readonly runs: RunStore;
  readonly policy: Policy;
  /** Workers on Redis that approved plans send their steps to. */
  readonly workers?: RunWorkers;
};

export type ChatEngine = {
  /** A chat session on a conversation: the model, the workspace context, the tools and the policy. */
  open(conversation: Conversation): Promise<ChatSession>;
  /** Said once in the first session: project instructions longer than the model is given. */
  readonly cutNote?: string;
};

/**
 * What the chat needs beyond its first frame, loaded right after it (this
 * module is its own chunk): the model SDK, the workspace context (files,
 * binaries, container engines) and the sessions built on them.
 */
export async function startChatEngine(options: ChatEngineOptions): Promise<ChatEngine> {
  const cli = modelFromSetup(options.setup);
  const { config, model } = cli;
  const chatMode = chatModeOf(cli);
  const context = await gatherWorkspaceContext(options.workspace, options.env, options.kube);
  const cutNote = instructionsCutNote(context.instructions);
  return {
    ...(cutNote ? { cutNote } : {}),
    open: (conversation) =>
      ChatSession.open({
        model,
        modelConfig: config,
        chatMode,
        tools: options.registry,
        runs: options.runs,
        conversation,
        workspace: options.workspace,
        context: formatWorkspaceContext(context),
        kube: { context: context.kubeContext, namespace: context.kubeNamespace },
        ...(context.instructions ? { instructions: formatProjectInstructions(context.instructions) } : {}),
        queryModel: createQueryModel(model, config),
        newRunId,
        policy: options.policy,
        ...(options.workers ? { workers: options.workers } : {}),
      }),
  };
}
