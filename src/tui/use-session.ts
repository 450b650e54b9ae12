import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { ChatSession, SessionSnapshot } from '../agent/index.js';

type Session = Pick<ChatSession, 'subscribe' | 'snapshot' | 'version'>;

/**
 * The session's latest snapshot; re-renders once for the changes made in one turn of the event loop.
 *
 * A model's answer arrives in small chunks, and chunks that arrived together (a fast local model, or
 * a chat that fell behind) are read in one go: one render per chunk redrew the whole growing answer
 * each time (seconds of work for a long answer) and nested those renders in one another until React
 * gave up (error #185). The draw follows the session on the next turn instead, with all of them.
 */
export function useSessionSnapshot(session: Session): SessionSnapshot {
  const cache = useRef<{ session: object; version: number; snapshot: SessionSnapshot } | undefined>(undefined);
  const subscribe = useCallback((onChange: () => void) => coalescedSubscription(session, onChange), [session]);
  return useSyncExternalStore(subscribe, () => {
    // Keyed by the session's own count of changes, not one kept by the subscription: a change made before
    // React subscribes (a notice posted as the real session replaces the pending one) must still be drawn.
    if (!cache.current || cache.current.session !== session || cache.current.version !== session.version) {
      cache.current = { session, version: session.version, snapshot: session.snapshot() };
    }
    return cache.current.snapshot;
  });
}

function coalescedSubscription(session: Session, onChange: () => void): () => void {
  let scheduled: NodeJS.Immediate | undefined;
  const unsubscribe = session.subscribe(() => {
    scheduled ??= setImmediate(() => {
      scheduled = undefined;
      onChange();
    });
  });
  return () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    unsubscribe();
  };
}
