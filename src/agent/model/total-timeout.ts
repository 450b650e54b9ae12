/**
 * The SDK's `timeout` covers a call's retries too. When it runs out while the SDK
 * waits before a retry, the SDK throws a bare AbortError ("Delay was aborted"),
 * which reads as the user's interrupt. This error says what happened instead; it is
 * named TimeoutError so everything that tells a timeout from an abort keeps doing so.
 */
export class TotalTimeoutError extends Error {
  readonly timeoutMs: number;

  constructor({ timeoutMs, cause }: { timeoutMs: number; cause: unknown }) {
    super(`no answer within ${timeoutMs} ms, retries included`, { cause });
    this.name = 'TimeoutError';
    this.timeoutMs = timeoutMs;
  }

  static isInstance(error: unknown): error is TotalTimeoutError {
    return error instanceof TotalTimeoutError;
  }
}

/** Runs a model call made with `timeout: timeoutMs`; an abort the caller did not ask for is that timeout. */
export async function withTotalTimeout<T>(call: () => Promise<T>, options: { readonly abortSignal?: AbortSignal; readonly timeoutMs?: number }): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const aborted = error instanceof Error && error.name === 'AbortError';
    if (aborted && options.timeoutMs && !options.abortSignal?.aborted) throw new TotalTimeoutError({ timeoutMs: options.timeoutMs, cause: error });
    throw error;
  }
}
