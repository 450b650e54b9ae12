import { Text } from 'ink';
import type { SessionSnapshot } from '../agent/index.js';

export type Props = { readonly snapshot: SessionSnapshot; readonly model: string; readonly color: boolean };

const PHASES: Record<SessionSnapshot['phase'], string> = {
  idle: 'ready',
  thinking: 'answering',
  awaiting_approval: 'plan waiting for approval',
  editing: 'editing the plan',
  running: 'running',
  confirm_cancel: 'confirm cancel',
  secret_input: 'secret input asked for',
};

/** One dim line under the input: session, what is going on, tokens used, and the chat mode when it is without tools. */
export function StatusLine({ snapshot, model, color }: Props) {
  const run = snapshot.runId ? ` · run ${snapshot.runId}${snapshot.runView ? ` ${snapshot.runView.status}` : ''}` : '';
  return (
    <Text dimColor={color} wrap="truncate-end">
      session {snapshot.sessionId} · {PHASES[snapshot.phase]}{snapshot.approvalMode && snapshot.approvalMode !== 'ask' ? ` · approve ${snapshot.approvalMode}` : ''}
      {run} · {groupThousands(snapshot.tokens)} tokens · {model}
      {snapshot.chatMode.tools ? '' : ' · no tools'}
    </Text>
  );
}

/**
 * 12,345: as toLocaleString('en-US') writes an integer, without starting ICU's
 * number formatting (about 10 ms on the first frame) for it.
 */
export function groupThousands(count: number): string {
  return Number.isSafeInteger(count) ? String(count).replace(/\B(?=(\d{3})+$)/g, ',') : count.toLocaleString('en-US');
}
