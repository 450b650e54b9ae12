import { useEffect, useState } from 'react';

/** Re-renders every `ms` while active (elapsed times); stops when idle so a quiet screen stays still. */
export function useTicker(ms: number, active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms, active]);
  return now;
}
