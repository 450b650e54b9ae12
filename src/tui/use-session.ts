import { useRef, useSyncExternalStore } from 'react';
import type { ChatSession, SessionSnapshot } from '../agent/index.js';

/** The session's latest snapshot; re-renders on every change. */
export function useSessionSnapshot(session: Pick<ChatSession, 'subscribe' | 'snapshot'>): SessionSnapshot {
  const cache = useRef<{ session: object; version: number; snapshot: SessionSnapshot } | undefined>(undefined);
  const version = useRef(0);
  return useSyncExternalStore(
    (onChange) =>
      session.subscribe(() => {
        version.current++;
        onChange();
      }),
    () => {
      // A new session object (the real one after a pending one) is a new snapshot even with no change counted.
      if (!cache.current || cache.current.version !== version.current || cache.current.session !== session) cache.current = { session, version: version.current, snapshot: session.snapshot() };
      return cache.current.snapshot;
    },
  );
}
