import { z } from 'zod';
import { defineTool } from './tool.js';

export const MAX_SLEEP_MS = 24 * 60 * 60 * 1000;

export const SleepInputSchema = z
  .strictObject({
    ms: z.int().min(0).max(MAX_SLEEP_MS).describe('How long to wait, in milliseconds (at most 24 h).'),
  })
  .describe('Waits, e.g. for a service to settle; prefer an http or shell check with retry when there is something to poll.');

export const sleepTool = defineTool({
  name: 'sleep',
  description: 'Wait for a number of milliseconds. Stops at once when the step is cancelled or times out.',
  inputSchema: SleepInputSchema,
  outputSchema: z.strictObject({}),
  risk: 'low',
  describe: (input) => `sleep ${typeof input.ms === 'number' ? formatDuration(input.ms) : String(input.ms)}`,
  execute: (input, { signal }) => delay(input.ms, signal).then(() => ({})),
});

/** Rejects with the signal's own reason, so a timeout reads as a timeout. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function formatDuration(ms: number): string {
  if (ms < 1000 || ms % 1000 !== 0) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60 || s % 60 !== 0) return `${s} s`;
  return s % 3600 === 0 ? `${s / 3600} h` : `${s / 60} min`;
}
