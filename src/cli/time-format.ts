import { formatDuration } from '../tui/run-view-model.js';

/** "3m ago", "2h ago", "yesterday 14:02", or the date: how `ksa runs` shows when a run started. */
export function formatWhen(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '–';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return '–';
  const ago = now - ms;
  if (ago < 60_000) return `${Math.max(0, Math.round(ago / 1000))}s ago`;
  if (ago < 3_600_000) return `${Math.round(ago / 60_000)}m ago`;
  if (ago < 86_400_000) return `${Math.round(ago / 3_600_000)}h ago`;
  return iso.slice(0, 16).replace('T', ' ');
}

export function durationBetween(start: string | undefined, end: string | undefined, now = Date.now()): string {
  if (!start) return '–';
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : now;
  return formatDuration(to - from);
}
