import { doneStepIds } from '../planning/index.js';
import type { Message, RunStore } from '../store/index.js';

type Notice = { readonly text: string; readonly tone: 'info' | 'warning' };

/**
 * What a reopened session says of the runs it approved that never reported an end: the chat
 * was killed (kill -9, a closed laptop) while they ran. Without a word the transcript would stop
 * at "approved", as if nothing had started.
 */
export async function unfinishedRunNotices(messages: readonly Message[], runs: RunStore): Promise<Notice[]> {
  const ended = new Set(messages.flatMap((message) => (message.kind === 'run' ? [message.runId] : [])));
  const approved = messages.flatMap((message) => (message.kind === 'approval' && message.decision === 'approved' && message.runId && !ended.has(message.runId) ? [message.runId] : []));
  const notices: Notice[] = [];
  for (const runId of new Set(approved)) {
    const found = await runs.inspect(runId).catch(() => undefined);
    if (!found) continue;
    const progress = `${doneStepIds(found.record.state, found.record.plan).length} of ${Object.keys(found.record.state.steps).length} steps done`;
    if (found.owner) notices.push({ text: `Run ${runId} is running in another ksa (process ${found.owner.pid}); /status ${runId} shows where it is.`, tone: 'info' });
    else if (found.status === 'interrupted') notices.push({ text: `Run ${runId} was interrupted: ksa stopped while it ran (${progress}). /resume ${runId} continues it; /status ${runId} shows where it stopped.`, tone: 'warning' });
    else if (found.status === 'paused') notices.push({ text: `Run ${runId} is paused (${progress}). /resume ${runId} continues it.`, tone: 'info' });
    else notices.push({ text: `Run ${runId} ${found.status} after this chat stopped (it was finished elsewhere); /status ${runId} shows it.`, tone: 'info' });
  }
  return notices;
}
