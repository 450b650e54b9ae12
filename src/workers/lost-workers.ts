import type { WorkerInfo } from './worker-registry.js';

/**
 * The workers a coordinator saw lose an attempt. The registry keeps a dead
 * worker's entry for up to LIVE_WITHIN_MS; until then it would still be
 * offered the step's next attempt (or its part of a fan-out), which nobody
 * would take. So a lost worker is left out of the live ones until its
 * heartbeat moves on: a worker that was only cut off comes back by itself.
 */
export class LostWorkers {
  /** Worker → its registry entry's lastSeen when it was lost (undefined: it had none). */
  private readonly lastSeen = new Map<string, string | undefined>();
  /** Step → the worker that lost its last attempt, for the messages of the attempts after it. */
  private readonly byStep = new Map<string, { readonly worker: string; readonly attempt: number }>();

  add(stepId: string, attempt: number, worker: string, live: readonly WorkerInfo[]): void {
    this.lastSeen.set(worker, live.find((info) => info.name === worker)?.lastSeen);
    this.byStep.set(stepId, { worker, attempt });
  }

  /** The live workers without those lost since their last heartbeat. */
  filter(live: readonly WorkerInfo[]): WorkerInfo[] {
    return live.filter((info) => !this.lastSeen.has(info.name) || this.lastSeen.get(info.name) !== info.lastSeen);
  }

  /** `; web-1, which ran attempt 1, was lost` for a step whose earlier attempt was lost, else ''. */
  note(stepId: string, attempt: number): string {
    const lost = this.byStep.get(stepId);
    return lost && lost.attempt < attempt ? `; ${lost.worker}, which ran attempt ${lost.attempt}, was lost` : '';
  }
}
