import path from 'node:path';
import type { LostSegment } from '../store/index.js';
import { plural } from '../planning/plural.js';

/**
 * What a reopened session says about the messages it does not show: those left out
 * of the screen (still read by the agent, or not), and those lost with a corrupt file
 * (named with its backup: neither shown nor known to the agent).
 */
export function historyNotices({ shown, read, total, lost }: { readonly shown: number; readonly read: number; readonly total: number; readonly lost: readonly LostSegment[] }): { text: string; tone: 'info' | 'warning' }[] {
  const notices: { text: string; tone: 'info' | 'warning' }[] = [];
  const lostCount = lost.reduce((sum, segment) => sum + segment.messages, 0);
  if (lost.length > 0) {
    const files = lost.map((segment) => `${path.basename(segment.file)} (${segment.backup ? `kept as ${segment.backup}` : 'it could not be moved aside'})`).join(', ');
    const gone = lostCount > 0 ? `${lost.length === 1 ? 'Its' : 'Their'} ${plural(lostCount, 'message')} ${lostCount === 1 ? 'is' : 'are'}` : 'The messages in it are';
    const kept = total - lostCount;
    const rest = kept > 0 ? `${plural(kept, 'other message')} ${kept === 1 ? 'is' : 'are'} kept` : 'no other messages were kept';
    notices.push({
      text: `Part of this session could not be read: ${files} ${lost.length === 1 ? 'was' : 'were'} corrupt. ${gone} not shown and the agent no longer knows them; ${rest}.`,
      tone: 'warning',
    });
  }
  const hidden = total - lostCount - shown;
  if (hidden > 0) {
    const unread = total - lostCount - read;
    const known = unread > 0 ? `the agent reads the last ${read}; the ${unread} before them are left out` : 'the agent still reads them';
    notices.push({ text: `${plural(hidden, 'earlier message')} of this session are not shown (${known}).`, tone: 'info' });
  }
  return notices;
}
