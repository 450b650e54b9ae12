import type { LanguageModel } from 'ai';
import type { Plan, QueryModel, RunView } from '../planning/index.js';
import type { ApprovalMode, Policy } from '../policy/rules/index.js';
import type { Conversation, RunStore } from '../store/index.js';
import type { ToolRegistry } from '../tools/index.js';
import type { ProposedPlan } from './agent-tools.js';
import { chatModeFor, switchNotice, type ChatModeState, type ToolsHint } from './chat-mode.js';
import type { ModelConfig } from './config.js';
import type { KubeDefaults } from './kube-pinning.js';
import type { RunHandle } from './run-controller.js';
import type { RunWorkers } from './session-runs.js';
import type { SecretAnswers, SecretAskHooks, SecretInputsAsk } from './resume-secrets.js';
import { APPROVAL_MODE_NOTES } from './session-approval.js';
import type { TurnEvent } from './chat.js';
import { showsToolResult, toolItem, type HistoryItem, type PlanDecision } from './session-history.js';
import type { Phase, SessionSnapshot } from './session-snapshot.js';
import { Transcript } from './session-transcript.js';
import { toolErrorText } from './tool-error-text.js';

export type ChatSessionDeps = {
  readonly model: LanguageModel;
  readonly modelConfig: ModelConfig;
  readonly tools: ToolRegistry;
  readonly runs: RunStore;
  readonly conversation: Conversation;
  readonly workspace: string;
  /** Workspace facts for the planner (formatWorkspaceContext). */
  readonly context: string;
  /** The current kube context and namespace, for the planner. */
  readonly kube?: KubeDefaults;
  /** The project's instructions (AGENTS.md, .ksa/instructions.md) for the chat model. */
  readonly instructions?: string;
  readonly queryModel?: QueryModel;
  readonly newRunId: () => string;
  /** With or without tool calling; default: this process's mode for the endpoint + model. */
  readonly chatMode?: ChatModeState;
  /** What a capability check found (`tools: false` starts without tools). */
  readonly capabilities?: ToolsHint;
  /** The permission policy (files read by the caller): the planner is told it, a denied plan never runs. */
  readonly policy?: Policy;
  /**
   * Reads the policy files again, as they are now: a rule added while the chat is open holds for the next plan
   * proposed, edited or approved. Throws (one line, file:line) when a file became invalid. Without it: `policy`.
   */
  readonly readPolicy?: () => Promise<Policy>;
  /** The approval mode the session starts in (`/approve` changes it). */
  readonly approvalMode?: ApprovalMode;
  /** Workers (a Redis is configured): approved plans send their steps to them. */
  readonly workers?: RunWorkers;
  /** The environment the chat started in: a /resume of a run started with --allow-env reads those variables here. */
  readonly environment?: Readonly<Record<string, string | undefined>>;
  /** The Redis ksa resume and ksa cancel use by themselves (KSA_REDIS_URL or config.json's "redis"): their hints then need no --redis for it. */
  readonly configuredRedis?: string;
  /** Called once the session has closed (its run, if any, ended): the chat closes an engine no session uses. */
  readonly onClosed?: () => void;
};

/**
 * What a chat session shows: its state, the snapshot the TUI renders, and the
 * listeners told of every change. ChatSession adds what the user can do.
 */
export abstract class ChatSessionView {
  protected readonly transcript = new Transcript();
  protected activity: string | undefined;
  protected pending: ProposedPlan | undefined;
  /** Why ask rules hold the plan of that id (heldReasons): shown on its card while it waits. */
  protected held: { readonly planId: string; readonly reasons: readonly string[] } | undefined;
  protected editProblems: string[] | undefined;
  protected editing = false;
  protected confirmCancel = false;
  /** A /resume approved: the run's secret inputs, not stored, being asked for before it goes on. */
  protected secretAsk: SecretInputsAsk | undefined;
  protected turn: AbortController | undefined;
  protected run: RunHandle | undefined;
  protected runView: RunView | undefined;
  protected runPlan: Plan | undefined;
  protected tokens = 0;
  /** For the ids of revised and edited plans. */
  protected seq = 0;
  readonly mode: ChatModeState;
  private readonly listeners = new Set<() => void>();
  private changes = 0;
  /** Said while the agent answered, with the plan that was waiting then (none: undefined). */
  protected readonly queued: { readonly text: string; readonly planId: string | undefined }[] = [];
  /** The plan on screen when the current answer began (a plan it proposes is shown once it ends). */
  protected shownPlanId: string | undefined;
  protected approvalMode: ApprovalMode;
  /** What the user typed in this session before it was reopened, oldest first: Up at the input line recalls it. */
  earlierInputs: readonly string[] = [];


  protected constructor(readonly deps: ChatSessionDeps) {
    this.mode = deps.chatMode ?? chatModeFor(deps.modelConfig, deps.capabilities);
    this.approvalMode = deps.approvalMode ?? 'ask';
  }

  /** Said on the plan's card, where the question is: a notice above a tall card would scroll away with it. */
  /** A secret ask's news go into the chat; its end clears it and hands over the answers (none: it was dropped). */
  protected secretAskHooks(onAnswers: (answers: SecretAnswers) => void): SecretAskHooks {
    const end = (answers: SecretAnswers | undefined) => {
      this.secretAsk = undefined;
      this.changed();
      if (answers) onAnswers(answers);
    };
    return { say: (text, tone) => this.notice(text, tone), changed: () => this.changed(), end };
  }

  protected showHeld(held: { readonly planId: string; readonly reasons: readonly string[] }): void {
    this.held = held;
    this.changed();
  }

  snapshot(): SessionSnapshot {
    return {
      phase: this.phase(),
      history: this.transcript.items,
      streaming: this.transcript.streaming,
      activity: this.activity,
      pending: this.pending,
      ...(this.pending && this.held?.planId === this.pending.planId ? { held: this.held.reasons } : {}),
      editProblems: this.editProblems,
      ...(this.secretAsk ? { secretInput: { name: this.secretAsk.name, runId: this.secretAsk.runId } } : {}),
      runId: this.run?.runId,
      runView: this.run ? this.runView : undefined,
      runPlan: this.run ? this.runPlan : undefined,
      tokens: this.tokens,
      sessionId: this.deps.conversation.id,
      chatMode: this.mode.info,
      thinking: this.turn ? this.transcript.liveReasoning : undefined,
      showThinking: this.transcript.showThinking,
      approvalMode: this.approvalMode,
    };
  }

  /** Set while /quit waits for the paused run's running steps: cuts them short. */
  protected cutShortSteps: (() => void) | undefined;
  /** Ctrl-C while /quit waits for the paused run's running steps: they are cut short. False when it waits for none. */
  cutShortQuit(): boolean {
    const cut = this.cutShortSteps;
    cut?.();
    return cut !== undefined;
  }

  /** `/approve read`: from now on plans the mode and the policy allow run without a question. */
  setApprovalMode(mode: ApprovalMode): void {
    this.approvalMode = mode;
    this.notice(APPROVAL_MODE_NOTES[mode], 'info');
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** /think: shows or hides the model's reasoning; turning it on shows the last answer's reasoning too. */
  toggleThinking(): void {
    this.transcript.toggleThinking(!this.turn);
    this.changed();
  }

  /** For slash commands and tests. */
  notice(text: string, tone: 'info' | 'warning' | 'error'): void {
    this.transcript.notice(text, tone);
    this.changed();
  }

  protected decide(proposal: ProposedPlan, decision: PlanDecision): void {
    // The card is final once decided: it moves from the live area into the history.
    this.push({ kind: 'plan', id: this.transcript.nextId(), proposal, decision });
  }

  protected push(item: HistoryItem): void {
    this.transcript.push(item);
    this.changed();
  }

  protected setActivity(activity: string | undefined): void {
    this.activity = activity;
    this.changed();
  }

  private phase(): Phase {
    if (this.confirmCancel) return 'confirm_cancel';
    if (this.secretAsk) return 'secret_input';
    if (this.turn) return 'thinking';
    if (this.editing) return 'editing';
    if (this.pending) return 'awaiting_approval';
    if (this.run) return 'running';
    return 'idle';
  }

  /** Counts the changes: a view's cached snapshot is current while this is the same. */
  get version(): number {
    return this.changes;
  }

  /** What a model turn shows as it goes: its text, reasoning, tool calls and plans. */
  protected onTurnEvent(event: TurnEvent): void {
    switch (event.type) {
      case 'text':
        this.transcript.say(event.text);
        this.activity = 'answering';
        break;
      case 'reasoning':
        this.transcript.think(event.text);
        this.activity = 'thinking';
        break;
      case 'unsaid':
        this.transcript.unsay(event.text);
        break;
      case 'mode':
        if (event.discarded) this.transcript.streaming = '';
        if (event.announce) this.transcript.notice(switchNotice(this.deps.modelConfig, event.mode), 'warning');
        this.activity = 'working out what you asked';
        break;
      case 'tool-call':
        this.transcript.flush();
        this.activity = event.tool === 'propose_plan' ? 'planning' : event.tool === 'revise_plan' ? 'revising the plan' : `running ${event.tool}`;
        break;
      case 'tool-result':
        // A call the model got wrong is not a plan that failed: it is told why and may call again.
        if (event.invalidCall) this.transcript.notice(toolErrorText(event.output), 'warning');
        else if (showsToolResult(event.tool)) this.transcript.push(toolItem(this.transcript.nextId(), event.tool, event.output, event.isError));
        // A plan that could not be made is the user's news too, with its problems, not only the model's.
        else if (event.isError) this.transcript.notice(`Planning failed: ${toolErrorText(event.output)}`, 'error');
        // The model has the result and has not said anything yet: "thinking" (and /think) only once it reasons.
        this.activity = 'waiting for the model';
        break;
      case 'repairing':
        this.activity = `repairing the plan (${event.attempt})`;
        break;
      case 'context-retry':
        this.notice(`The prompt did not fit the model's context window; asking again with less of the conversation. To avoid this, ${event.hint}.`, 'warning');
        break;
      case 'plan':
        if (this.pending && this.pending.planId !== event.proposal.planId) this.decide(this.pending, 'superseded');
        this.pending = event.proposal;
        break;
    }
    this.changed();
  }

  protected changed(): void {
    this.changes++;
    for (const listener of this.listeners) listener();
  }
}
