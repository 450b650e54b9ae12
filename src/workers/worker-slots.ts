/** What a job gets from WorkerSlots.take: a slot at once, one it waited for, or none (the worker is stopping). */
export type SlotTaken = 'at-once' | 'waited' | 'none';

/**
 * A worker's --concurrency, shared by all the queues it listens to: each queue's BullMQ worker may take a
 * job while every slot is busy, and that job waits here. A fan-out's part (`leavable`) waiting so when the
 * worker stops gets no slot: a stopping worker takes no new step, and the fan-out, told at once, does not
 * wait for it. Other jobs wait on, as running steps finish (their steps may be for this worker alone).
 */
export class WorkerSlots {
  private readonly waiting: { readonly leavable: boolean; readonly take: (taken: SlotTaken) => void }[] = [];
  private leaving = false;

  constructor(private free: number) {}

  take(leavable: boolean): Promise<SlotTaken> {
    if (leavable && this.leaving) return Promise.resolve('none');
    if (this.free > 0) {
      this.free--;
      return Promise.resolve('at-once');
    }
    return new Promise((take) => this.waiting.push({ leavable, take }));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next.take('waited');
    else this.free++;
  }

  /** The worker stops: the parts waiting for a slot get none. */
  leave(): void {
    this.leaving = true;
    for (const waiter of this.waiting.filter((each) => each.leavable)) {
      this.waiting.splice(this.waiting.indexOf(waiter), 1);
      waiter.take('none');
    }
  }
}
