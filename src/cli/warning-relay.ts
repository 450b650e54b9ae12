import { writeWarning, type CliIO } from './io.js';

/**
 * Where the store's warnings go during `ksa chat`: stderr until the chat
 * draws, then the open session's transcript (a line written to stderr under
 * Ink's live area is cut and overdrawn). Warnings between the first frame and
 * the session being open wait for it; whatever is left when the chat ends goes
 * to stderr.
 */
export class WarningRelay {
  private held: string[] | undefined;
  private deliver: ((message: string) => void) | undefined;

  constructor(private readonly io: CliIO) {}

  readonly warn = (message: string): void => {
    if (this.deliver) this.deliver(message);
    else if (this.held) this.held.push(message);
    else writeWarning(this.io.stderr, message);
  };

  /** The terminal is about to be taken: keep warnings until a session can show them. */
  hold(): void {
    this.held ??= [];
  }

  /** From now on warnings go to `deliver` (the session on screen), the held ones first. */
  deliverTo(deliver: (message: string) => void): void {
    this.deliver = deliver;
    for (const message of this.held?.splice(0) ?? []) deliver(message);
  }

  /** The chat has ended: back to stderr, with anything still held. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.deliver = undefined;
    for (const message of held) this.warn(message);
  }
}
