import type { JobsOptions, Queue } from 'bullmq';

type Pending = { readonly name: string; readonly data: unknown; readonly opts: JobsOptions; readonly resolve: () => void; readonly reject: (error: unknown) => void };

/**
 * Adds the jobs queued in one turn of the event loop with one `addBulk` (one
 * pipeline, one write, one round trip) instead of one `add` each: the steps a finished step
 * releases, or a wave of ready steps, reach Redis together. An id that exists
 * is ignored by BullMQ here as with `add`.
 */
export class AddBatcher {
  private readonly pending = new Map<Queue, Pending[]>();
  private scheduled = false;

  add(queue: Queue, name: string, data: unknown, opts: JobsOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let list = this.pending.get(queue);
      if (!list) this.pending.set(queue, (list = []));
      list.push({ name, data, opts, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [queue, list] of batches) {
      // addBulk builds an ioredis pipeline (which copies every BullMQ script onto it): worth it from two jobs on.
      const added = list.length === 1 ? queue.add(list[0]!.name, list[0]!.data, list[0]!.opts) : queue.addBulk(list.map(({ name, data, opts }) => ({ name, data, opts })));
      added.then(
        () => list.forEach((item) => item.resolve()),
        (error: unknown) => list.forEach((item) => item.reject(error)),
      );
    }
  }
}
