import type { Plan } from '../planning/index.js';
import type { Message, NewMessage, Reflection } from '../store/index.js';
import type { ProposedPlan } from './agent-tools.js';
import { plural } from '../planning/plural.js';
import { answerEndNotice, shortAnswer } from './answer-end.js';
import { maskedPlanParts } from '../store/masked-steps.js';
import { secretInputsLost, secretsLost, withoutSecretInputs } from './secret-inputs.js';

/** What became of a proposed plan; `undecided` is one the conversation moved on from. */
export type PlanDecision = 'approved' | 'rejected' | 'edited' | 'superseded' | 'undecided';

/** One finished entry of the chat transcript, as a terminal shows it. Never changes once added. */
export type HistoryItem =
  | { readonly kind: 'notice'; readonly id: string; readonly text: string; readonly tone: 'info' | 'warning' | 'error' }
  | { readonly kind: 'user'; readonly id: string; readonly text: string }
  | { readonly kind: 'assistant'; readonly id: string; readonly text: string }
  /** The model's reasoning, shown because the user asked (/think); never stored. */
  | { readonly kind: 'thinking'; readonly id: string; readonly text: string }
  | { readonly kind: 'tool'; readonly id: string; readonly tool: string; readonly summary: string; readonly isError: boolean }
  | { readonly kind: 'plan'; readonly id: string; readonly proposal: ProposedPlan; readonly decision: PlanDecision }
  | { readonly kind: 'run'; readonly id: string; readonly runId: string; readonly status: string; readonly lines: readonly string[] }
  | { readonly kind: 'reflection'; readonly id: string; readonly runId: string; readonly reflection: Reflection; readonly fallback: boolean };

/**
 * A reopened session's transcript: stored messages become history items; tool
 * chatter is summarised. The plan still waiting for a decision (`pendingPlanId`)
 * is left out: it is shown as the live card.
 */
export function historyFromMessages(messages: readonly Message[], pendingPlanId?: string): HistoryItem[] {
  const items: HistoryItem[] = [];
  const decisions = new Map<string, PlanDecision>();
  for (const message of messages) {
    if (message.kind === 'approval') decisions.set(message.planId, message.decision);
    else if (message.kind === 'plan' && message.revises && !decisions.has(message.revises)) decisions.set(message.revises, 'superseded');
  }
  for (const message of messages) {
    switch (message.kind) {
      case 'user':
        items.push({ kind: 'user', id: message.id, text: message.text });
        break;
      case 'assistant': {
        // Drawn as it was when it happened: the answer, then the notice that it was stopped.
        const answer = shortAnswer(message.text);
        // Stopped before it said anything: only the notice. The answer is stored once the turn ends, after the plan
        // it proposed, but was shown above that plan's card: it goes back there.
        if (answer.text !== '') items.splice(firstPlanOfTurn(items), 0, { kind: 'assistant', id: message.id, text: answer.text });
        if (answer.end) items.push({ kind: 'notice', id: `${message.id}-${answer.end}`, ...answerEndNotice(answer.end, answer.cutCall) });
        break;
      }
      case 'tool_result':
        if (showsToolResult(message.tool)) items.push(toolItem(message.id, message.tool, message.output, message.isError === true));
        break;
      case 'plan':
        if (message.planId === pendingPlanId) break;
        items.push({
          kind: 'plan',
          id: message.id,
          proposal: proposalOf(message),
          decision: decisions.get(message.planId) ?? 'undecided',
        });
        break;
      case 'run':
        items.push({ kind: 'run', id: message.id, runId: message.runId, status: message.status, lines: [] });
        break;
      case 'reflection':
        items.push({ kind: 'reflection', id: message.id, runId: message.runId, reflection: message.reflection, fallback: message.fallback === true });
        break;
      case 'summary':
        items.push({ kind: 'notice', id: message.id, text: `Earlier: ${message.text}`, tone: 'info' });
        break;
      case 'tool_call':
      case 'approval':
        break;
    }
  }
  return items;
}

/** Where the current turn's first plan card is in `items` (after its last user message); the end when it has none. */
function firstPlanOfTurn(items: readonly HistoryItem[]): number {
  const turnStart = items.findLastIndex((item) => item.kind === 'user') + 1;
  const plan = items.findIndex((item, i) => i >= turnStart && item.kind === 'plan');
  return plan < 0 ? items.length : plan;
}

export function summarizeToolOutput(output: unknown): string {
  if (output && typeof output === 'object') {
    const record = output as Record<string, unknown>;
    if (typeof record.error === 'string') return record.error;
    if (typeof record.result === 'string') return record.result;
    if (typeof record.runId === 'string' && typeof record.status === 'string') return `run ${record.runId}: ${record.status}`;
    if (Array.isArray(output)) return `${plural(output.length, 'item')}`;
    if (Array.isArray(record.runs) && typeof record.total === 'number') return `${plural(record.runs.length, 'run')}${record.total > record.runs.length ? ` of ${record.total}` : ''}`;
  }
  const text = JSON.stringify(output) ?? '';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Plans proposed or revised show as plan cards, not as tool results. */
export function showsToolResult(tool: string): boolean {
  return tool !== 'propose_plan' && tool !== 'revise_plan';
}

export function toolItem(id: string, tool: string, output: unknown, isError: boolean): HistoryItem {
  return { kind: 'tool', id, tool, summary: summarizeToolOutput(output), isError };
}

/** A proposal as the conversation stores it. */
export function planMessage(proposal: ProposedPlan): NewMessage {
  const plan = withoutSecretInputs(proposal.plan);
  const hidden = maskedPlanParts(proposal.plan, plan);
  const lost = secretsLost(proposal);
  const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];
  return {
    kind: 'plan',
    planId: proposal.planId,
    plan,
    masked: { steps: union(lost.steps, hidden.steps), rollbacks: union(lost.rollbacks, hidden.rollbacks), inputs: union(lost.inputs, hidden.inputs) },
    ...(proposal.changes ? { changes: proposal.changes } : {}),
    ...(proposal.revises ? { revises: proposal.revises } : {}),
    ...(proposal.fromRun ? { fromRun: storedFromRun(proposal.fromRun) } : {}),
  };
}

function storedFromRun(from: NonNullable<ProposedPlan['fromRun']>): NonNullable<Extract<NewMessage, { kind: 'plan' }>['fromRun']> {
  return { runId: from.runId, status: from.status, ...(from.workspace !== undefined ? { workspace: from.workspace } : {}), ...(from.givenInputs ? { givenInputs: [...from.givenInputs] } : {}), ...(from.redis !== undefined ? { redis: from.redis } : {}) };
}

export function proposalOf(message: Extract<Message, { kind: 'plan' }>): ProposedPlan {
  return {
    planId: message.planId,
    plan: message.plan as Plan,
    changes: message.changes,
    revises: message.revises,
    ...(message.fromRun ? { fromRun: message.fromRun } : {}),
    // A session an older ksa wrote does not say what it hid: read by the *** in the plan's inputs.
    masked: message.masked ?? { steps: [], rollbacks: [], inputs: secretInputsLost(message.plan as Plan) },
  };
}

/** The plan under discussion in these messages: the newest proposal not yet decided on. */
export function pendingProposal(messages: readonly Message[]): ProposedPlan | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.kind === 'approval') return undefined;
    if (message.kind === 'plan') return proposalOf(message);
  }
  return undefined;
}
