import type { Plan, RunView } from '../planning/index.js';
import type { ApprovalMode } from '../policy/rules/index.js';
import type { ProposedPlan } from './agent-tools.js';
import type { ChatModeInfo } from './chat-mode.js';
import type { HistoryItem } from './session-history.js';

export type Phase = 'idle' | 'thinking' | 'awaiting_approval' | 'editing' | 'running' | 'confirm_cancel' | 'secret_input';

/** Everything a view needs, recomputed on every change. */
export type SessionSnapshot = {
  readonly phase: Phase;
  readonly history: readonly HistoryItem[];
  /** The answer being streamed right now. */
  readonly streaming: string;
  /** What the agent is doing, e.g. "planning", "repairing the plan (1/3)". */
  readonly activity?: string;
  readonly pending?: ProposedPlan;
  /** Why ask rules hold the pending plan for a y/n in every approval mode, one line per step, each naming its rule (file:line). */
  readonly held?: readonly string[];
  /** Problems of the last edited plan, when it did not validate. */
  readonly editProblems?: readonly string[];
  /** The secret input of a resumed run asked for now (phase secret_input): what is typed is its value, shown masked. */
  readonly secretInput?: { readonly name: string; readonly runId: string };
  readonly runId?: string;
  /** The run in progress, folded from its events (mutated in place; its version counts the events applied). */
  readonly runView?: RunView;
  readonly runPlan?: Plan;
  readonly tokens: number;
  readonly sessionId: string;
  /** With or without tool calling, and why. */
  readonly chatMode: ChatModeInfo;
  /** The reasoning streaming right now (not shown as the answer; visible behind /think). */
  readonly thinking?: string;
  readonly showThinking: boolean;
  /** ask, read or write (`/approve`): which plans run without a question. */
  readonly approvalMode?: ApprovalMode;
};
