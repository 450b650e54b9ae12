import { isFinished } from '../planning/index.js';
import type { RunRecord } from '../store/index.js';

/**
 * Waits for a run another process owns to finish (`ksa cancel` waiting for its rollback, `ksa resume
 * --follow`): its record once finished, 'owner-died' when that process ended first, undefined when
 * `timeoutMs` passed.
 */
export async function waitUntilFinished(read: () => Promise<RunRecord>, owner: () => Promise<unknown>, timeoutMs = Infinity): Promise<RunRecord | 'owner-died' | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const record = await read().catch(() => undefined);
    if (record && isFinished(record.state.status)) return record;
    if (!(await owner())) {
      // It may have written its final state just before exiting.
      const last = await read().catch(() => undefined);
      return last && isFinished(last.state.status) ? last : 'owner-died';
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
}
