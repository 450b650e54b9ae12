import type { Clock, InvokeTool } from '../src/planning/index.js';

/**
 * A tool whose work takes a fixed virtual time per step, honouring its abort
 * signal. Both schedulers of P1/P2 call exactly this.
 */
export function simulatedTool(clock: Clock, durations: ReadonlyMap<string, number>): InvokeTool {
  return ({ stepId, signal }) =>
    new Promise((resolve, reject) => {
      const ms = durations.get(stepId);
      if (ms === undefined) return reject(new Error(`no duration for step "${stepId}"`));
      const onAbort = () => {
        cancel();
        reject(signal.reason);
      };
      const cancel = clock.setTimer(ms, () => {
        signal.removeEventListener('abort', onAbort);
        resolve(null);
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
}
