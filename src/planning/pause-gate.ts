/**
 * Whether the run is paused, as a call that has not started yet sees it: a step waiting for a worker has not
 * started, so a pause holds it (no worker may take it) until the run goes on.
 */
export type PauseGate = {
  readonly paused: boolean;
  /** `listener` hears each change from now on; the function returned stops it. */
  watch(listener: (paused: boolean) => void): () => void;
};

/** The run's own gate: the executor opens and closes it as the run is resumed and paused. */
export class RunPauseGate implements PauseGate {
  private value = false;
  private readonly listeners = new Set<(paused: boolean) => void>();

  get paused(): boolean {
    return this.value;
  }

  set(paused: boolean): void {
    if (paused === this.value) return;
    this.value = paused;
    for (const listener of [...this.listeners]) listener(paused);
  }

  watch(listener: (paused: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
