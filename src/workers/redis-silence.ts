/** A read that waits this long means Redis did not answer meanwhile: a lock that expired then says nothing of its worker. */
const SILENT_MS = 1000;
/** A read waiting this long is said, once. */
const NOTICE_MS = 3000;
/** After a silence, the time workers get to renew their locks or leave their results before an attempt is judged lost. */
export const LOST_GRACE_MS = 3000;

/**
 * Whether Redis answers the coordinator's reads. A Redis that keeps the connection and answers nothing
 * (stopped with SIGSTOP, a paused VM, a network black hole) closes nothing, so only the time a read
 * takes tells. Meanwhile the workers' lock renewals and reports wait too, and the locks expire in Redis:
 * until Redis has answered again for a while, an expired lock is not a lost worker.
 */
export class RedisSilence {
  /** When the read in flight was sent, if one is. */
  private pendingSince: number | undefined;
  /** When Redis answered after its last silence. */
  private answeredAt: number | undefined;

  constructor(
    private readonly display: string,
    /** Tells the run (a note of ksa's, not a step's output); returns whether it was told (a lost connection is said elsewhere). */
    private readonly say: (line: string) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** Waits for `read` (one at a time), saying once if Redis does not answer it, and again when it does. */
  async timed<T>(read: Promise<T>): Promise<T> {
    const sent = this.now();
    this.pendingSince = sent;
    let said = false;
    const notice = setTimeout(() => {
      said = this.say(`Redis at ${this.display} not answering (${NOTICE_MS / 1000}s); steps on workers wait for it`);
    }, NOTICE_MS);
    try {
      return await read;
    } finally {
      clearTimeout(notice);
      this.pendingSince = undefined;
      const waited = this.now() - sent;
      if (waited >= SILENT_MS) this.answeredAt = this.now();
      if (said) this.say(`Redis at ${this.display} answering again after ${Math.round(waited / 1000)}s`);
    }
  }

  /** Whether an expired lock may be blamed on its worker: Redis answers now, and has for LOST_GRACE_MS since its last silence. */
  settled(): boolean {
    const now = this.now();
    if (this.pendingSince !== undefined && now - this.pendingSince >= SILENT_MS) return false;
    return this.answeredAt === undefined || now - this.answeredAt >= LOST_GRACE_MS;
  }
}
