import type { Writable } from 'node:stream';

/** How many bytes may wait for a slow reader before a step's output lines are left out. */
export const OUTPUT_BACKLOG_BYTES = 8 * 1024 * 1024;

/**
 * Writes to a stream whose reader may be slower than the steps (`ksa run --json | jq`, `2>&1 | tee log`): a step
 * printing millions of lines would otherwise queue all of them in memory (gigabytes, until the process dies).
 * Past the backlog a step's output lines are left out and counted; the next line that is written says how many
 * (every line is in the run's step logs). Everything else (events, the summary) is always written.
 */
export function outputGate(stream: Writable, note: (skipped: number) => string, backlogBytes = OUTPUT_BACKLOG_BYTES): (text: string, stepOutput: boolean) => void {
  let skipped = 0;
  return (text, stepOutput) => {
    if (stepOutput && stream.writableLength > backlogBytes) {
      skipped++;
      return;
    }
    if (skipped > 0) {
      stream.write(note(skipped));
      skipped = 0;
    }
    stream.write(text);
  };
}
