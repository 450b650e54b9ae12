import { formatDuration } from './run-view-model.js';

/**
 * A step waiting for a worker, as the live view and `ksa status` show it: how long it has waited after what it
 * waits for, and the rest of its line after that (`waiting for a worker 5.5s (labels: gpu)`). It has not started:
 * the time is its wait, not a running time.
 */
export function waitingText(line: string, waitedMs: number | undefined): { readonly head: string; readonly tail: string } {
  const cut = line.indexOf(' (');
  const [head, tail] = cut < 0 ? [line, ''] : [line.slice(0, cut), line.slice(cut)];
  return { head: waitedMs === undefined ? head : `${head} ${formatDuration(waitedMs)}`, tail };
}
