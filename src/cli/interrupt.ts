import { ExitCode, type ExitCodeValue } from './exit-codes.js';

/**
 * Ctrl-C / SIGTERM during a model call: abort it, let the command save what
 * it has (the session) and end with 130 / 143. Returns the signal to pass to
 * the model call and a function that removes the handlers.
 */
export function interruptible(): { signal: AbortSignal; exitCode: () => ExitCodeValue | undefined; dispose: () => void } {
  const controller = new AbortController();
  let code: ExitCodeValue | undefined;
  const on = (exit: ExitCodeValue) => () => {
    if (code !== undefined) process.exit(exit);
    code = exit;
    controller.abort(new Error('interrupted'));
  };
  const onInt = on(ExitCode.interrupted);
  const onTerm = on(ExitCode.terminated);
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    exitCode: () => code,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
