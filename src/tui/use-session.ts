import { useRef, useSyncExternalStore } from 'react';
import type { ChatSession, SessionSnapshot } from '../agent/index.js';

/** The session's latest snapshot; re-renders on every change. */
export function useSessionSnapshot(session: Pick<ChatSession, 'subscribe' | 'snapshot' | 'version'>): SessionSnapshot {
  const cache = useRef<{ session: object; version: number; snapshot: SessionSnapshot } | undefined>(undefined);
  return useSyncExternalStore(
    (onChange) => session.subscribe(onChange),
    () => {
      // Keyed by the session's own count of changes, not one kept by the subscription: a change made before
      // React subscribes (a notice posted as the real session replaces the pending one) must still be drawn.
      if (!cache.current || cache.current.session !== session || cache.current.version !== session.version) {
        cache.current = { session, version: session.version, snapshot: session.snapshot() };
      }
      return cache.current.snapshot;
    },
  );
}
