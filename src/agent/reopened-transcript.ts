import type { Message } from '../store/index.js';
import type { ChatSessionDeps } from './chat-session-view.js';
import { historyNotices } from './history-notices.js';
import { historyFromMessages, type HistoryItem } from './session-history.js';
import { unfinishedRunNotices } from './unfinished-runs.js';

/**
 * What a reopened session shows: a word on the messages it leaves out, its stored messages as the
 * transcript (the plan still waiting, `pendingPlanId`, is the live card instead), then a word on the
 * runs it approved that never reported an end.
 */
export async function reopenedTranscript(deps: Pick<ChatSessionDeps, 'conversation' | 'runs'>, read: readonly Message[], shown: readonly Message[], pendingPlanId: string | undefined): Promise<HistoryItem[]> {
  const earlier = historyNotices({ shown: shown.length, read: read.length, total: deps.conversation.info.messageCount, lost: deps.conversation.setAside });
  const unfinished = await unfinishedRunNotices(shown, deps.runs);
  const notices = (prefix: string, list: readonly { text: string; tone: 'info' | 'warning' | 'error' }[]): HistoryItem[] =>
    list.map((notice, i) => ({ kind: 'notice', id: `${prefix}-${i}`, ...notice }));
  return [...notices('earlier', earlier), ...historyFromMessages(shown, pendingPlanId), ...notices('unfinished', unfinished)];
}
