import type { Message } from '../store/index.js';
import type { ProposedPlan } from './agent-tools.js';
import { HISTORY_MESSAGES } from './chat.js';
import type { ChatSessionDeps } from './chat-session-view.js';
import { historyNotices } from './history-notices.js';
import { historyFromMessages, pendingProposal, type HistoryItem } from './session-history.js';
import { unfinishedRunNotices } from './unfinished-runs.js';

/** Messages shown when a session is reopened; older ones are summarised for the model, not drawn. */
const SHOWN_ON_OPEN = 200;

/** What a session starts with: its plan still waiting, its transcript, and what the user typed in it before. */
export type ReopenedSession = { readonly pending: ProposedPlan | undefined; readonly items: HistoryItem[]; readonly inputs: readonly string[] };

export async function reopenedSession(deps: Pick<ChatSessionDeps, 'conversation' | 'runs'>): Promise<ReopenedSession> {
  // The latest messages only: a long session opens as fast as a short one.
  // What a turn will read, so a corrupt file among it is found (and said) now, not mid-conversation.
  const read = await deps.conversation.messages(HISTORY_MESSAGES);
  const shown = read.slice(-SHOWN_ON_OPEN);
  const pending = pendingProposal(shown);
  return { pending, items: await reopenedTranscript(deps, read, shown, pending?.planId), inputs: typedInputs(read) };
}

/**
 * The user's messages, oldest first, for Up/Down at the input line as a shell recalls its history
 * file; a message sent twice in a row is recalled once.
 */
function typedInputs(messages: readonly Message[]): string[] {
  const inputs: string[] = [];
  for (const message of messages) if (message.kind === 'user' && message.text.trim() && inputs.at(-1) !== message.text) inputs.push(message.text);
  return inputs;
}

/**
 * What a reopened session shows: a word on the messages it leaves out, its stored messages as the
 * transcript (the plan still waiting, `pendingPlanId`, is the live card instead), then a word on the
 * runs it approved that never reported an end.
 */
async function reopenedTranscript(deps: Pick<ChatSessionDeps, 'conversation' | 'runs'>, read: readonly Message[], shown: readonly Message[], pendingPlanId: string | undefined): Promise<HistoryItem[]> {
  const earlier = historyNotices({ shown: shown.length, read: read.length, total: deps.conversation.info.messageCount, lost: deps.conversation.setAside });
  const unfinished = await unfinishedRunNotices(shown, deps.runs);
  const notices = (prefix: string, list: readonly { text: string; tone: 'info' | 'warning' | 'error' }[]): HistoryItem[] =>
    list.map((notice, i) => ({ kind: 'notice', id: `${prefix}-${i}`, ...notice }));
  return [...notices('earlier', earlier), ...historyFromMessages(shown, pendingPlanId), ...notices('unfinished', unfinished)];
}
