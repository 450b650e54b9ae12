import { ChatSession, createQueryModel, formatProjectInstructions, formatWorkspaceContext, gatherWorkspaceContext, instructionNotices } from '../agent/index.js';
import type { Plan } from '../planning/index.js';
import type { Conversation, RunStore } from '../store/index.js';
import type { ToolDescriber } from '../tui/plan-lines.js';
import { describer } from '../tui/tool-describer.js';
import type { CliIO } from './io.js';
import type { KubeTarget } from './kube-target.js';
import { onceEachLine, type McpServers } from './mcp-servers.js';
import { commandTools } from './mcp-tools.js';
import { chatModeOf, modelFromSetup } from './model.js';
import type { ModelSetup } from './model-setup.js';
import { loadPolicy } from './policy-files.js';
import { planCardWorkers, redisUrlFor, runWorkers } from './remote-run.js';
import { newRunId } from './run-id.js';

export type ChatEngineOptions = {
  readonly io: CliIO;
  readonly home: string;
  readonly workspace: string;
  readonly setup: ModelSetup;
  /** The kube target the first frame showed (asked once). */
  readonly kube: KubeTarget;
  /** The MCP servers loaded (and trusted or not) before the first frame. */
  readonly servers: McpServers;
  readonly runs: RunStore;
};

export type ChatEngine = {
  /** A chat session on a conversation: the model, the workspace context, the tools and the policy. `onClosed`: see ChatSessionDeps. */
  open(conversation: Conversation, onClosed?: () => void): Promise<ChatSession>;
  /** Stops its MCP servers (stdio: their processes); its sessions must have closed. */
  close(): Promise<void>;
  /** How plan cards show calls, risk and placement, with the tools loaded here. */
  readonly describer: ToolDescriber;
  /** Said once in the first session: MCP servers that failed to start, project instructions longer than the model is given. */
  readonly warnings: readonly string[];
};

/**
 * What the chat needs beyond its first frame, loaded right after it (this
 * module is its own chunk): the tools (built-in and MCP servers started), the
 * policy, the workers on Redis, the model SDK, the workspace context (files,
 * binaries, container engines) and the sessions built on them. A failure here
 * (a broken policy file…) ends the chat with its one-line error.
 */
export async function startChatEngine(options: ChatEngineOptions): Promise<ChatEngine> {
  const { io, home, workspace, kube } = options;
  // The TUI has the terminal by now: what would go to stderr is said in the chat.
  const warnings: string[] = [];
  const tools = commandTools({ hub: options.servers.hub, warn: onceEachLine((line) => warnings.push(line)) });
  const [, policy] = await settledInOrder([tools.startAll(), loadPolicy(home, workspace)] as const);
  // Workers (KSA_REDIS_URL or "redis" in config.json): approved plans send their steps to them, as ksa run --redis does.
  const redisUrl = await redisUrlFor(io, undefined, home);
  const workers = redisUrl ? runWorkers(redisUrl, tools.registry.catalog()) : undefined;
  const cli = modelFromSetup(options.setup);
  const { config, model } = cli;
  const chatMode = chatModeOf(cli);
  const context = await gatherWorkspaceContext(workspace, io.env, kube);
  warnings.push(...instructionNotices(context.instructions));
  // The current context and its namespace ("default" when it names none), for plan cards and the planner alike.
  const current = { context: context.kubeContext, namespace: context.kubeNamespace, ...(kube.namespaces ? { namespaces: kube.namespaces } : {}) };
  return {
    warnings,
    describer: { ...describer(tools.registry, current), ...(redisUrl ? { workers: (plan: Plan) => planCardWorkers(redisUrl, plan, tools.registry.catalog()) } : {}) },
    close: () => options.servers.hub.close(),
    open: (conversation, onClosed) =>
      ChatSession.open({
        model,
        modelConfig: config,
        chatMode,
        tools: tools.registry,
        runs: options.runs,
        conversation,
        workspace,
        context: formatWorkspaceContext(context),
        kube: current,
        instructions: formatProjectInstructions(context.instructions),
        queryModel: createQueryModel(model, config),
        newRunId,
        policy,
        // Read again at each plan: a deny rule added while the chat is open holds from then on.
        readPolicy: () => loadPolicy(home, workspace),
        ...(workers ? { workers } : {}),
        environment: io.env,
        ...(redisUrl ? { configuredRedis: redisUrl } : {}),
        ...(onClosed ? { onClosed } : {}),
      }),
  };
}

/** Awaits all, then throws the first failure in the order given (not the first to fail). */
async function settledInOrder<T extends readonly unknown[]>(promises: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
