import type { ChatSession, SessionSnapshot } from '../agent/index.js';

/**
 * The chat before its engine (the model SDK, the workspace context, the
 * session's history) is loaded: the app draws its first frame from what is
 * known already (header, status line, input), then begin() loads the engine
 * and the app switches to the real session. What the user sends meanwhile
 * waits for `ready`, so nothing typed is lost.
 */
export class PendingSession {
  readonly deps: { readonly conversation: { readonly id: string } };
  readonly ready: Promise<ChatSession>;
  private settle: { resolve: (session: ChatSession) => void; reject: (error: unknown) => void } | undefined;

  constructor(
    private readonly first: SessionSnapshot,
    private readonly start: () => Promise<ChatSession>,
  ) {
    this.deps = { conversation: { id: first.sessionId } };
    this.ready = new Promise<ChatSession>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // A failed start is reported by whoever awaits `ready` (runChat); never an unhandled rejection.
    this.ready.catch(() => {});
  }

  /** Starts loading the engine (once; called right after the first frame). */
  begin(): void {
    const settle = this.settle;
    if (!settle) return;
    this.settle = undefined;
    this.start().then(settle.resolve, settle.reject);
  }

  /** The snapshot of the first frame: the session as it starts, before anything happened in it. */
  snapshot(): SessionSnapshot {
    return this.first;
  }

  /** Nothing changes before the engine is loaded. */
  readonly version = 0;

  subscribe(_listener: () => void): () => void {
    return () => {};
  }

  /** Waits for the engine, then saves and closes the session (a quit or SIGTERM before it loaded). */
  async close(options: { readonly leavePaused?: boolean } = {}): Promise<string | undefined> {
    this.begin();
    let session: ChatSession;
    try {
      session = await this.ready;
    } catch {
      return undefined; // Nothing was opened; runChat reports the failure.
    }
    return session.close(options);
  }
}

