/** The base error class on its own (no imports), so the CLI's entry can load it without the validator. */

const MARKER = Symbol.for('kubestack-ai.error');

/** Base of every error ksa raises on purpose: a stable `name` and a message a user can act on. */
export class KsaError extends Error {
  readonly [MARKER] = true;

  constructor({ name, message, cause }: { name: string; message: string; cause?: unknown }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
  }

  /** True for ksa errors; on a subclass, only for that subclass (`AttemptTimeoutError.isInstance(e)`). */
  static isInstance<T extends KsaError>(this: abstract new (...args: never[]) => T, error: unknown): error is T {
    if (typeof error !== 'object' || error === null || (error as Record<symbol, unknown>)[MARKER] !== true) return false;
    return this === (KsaError as unknown) || error instanceof this;
  }
}
