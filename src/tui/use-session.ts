import { useRef, useSyncExternalStore } from 'react';
import type { ChatSession, SessionSnapshot } from '../agent/index.js';

/** The session's latest snapshot; re-renders on every change. */
export function useSessionSnapshot(session: ChatSession): SessionSnapshot {
  const cache = useRef<{ version: number; snapshot: SessionSnapshot } | undefined>(undefined);
  const version = useRef(0);
  return useSyncExternalStore(
    (onChange) =>
      session.subscribe(() => {
        version.current++;
        onChange();
      }),
    () => {
      if (!cache.current || cache.current.version !== version.current) cache.current = { version: version.current, snapshot: session.snapshot() };
      return cache.current.snapshot;
    },
  );
}
