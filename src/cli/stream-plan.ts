// Kept apart from plan-file.ts (YAML, the plan schema): --workspace needs it, and so does the chat, before its first frame.

/** What stands for stdin on the command line, as in `kubectl apply -f -`. */
export const STDIN_PLAN = '-';

/**
 * Whether a plan is read from a stream rather than a file of the user's: `-`, or a path into
 * the process's own descriptors (`<(…)` as /dev/fd/N, /dev/stdin) or to a pipe, FIFO or device.
 * Such a plan has no folder of its own (the workspace is the current one) and no file to run again.
 */
export function isStreamPlan(file: string, absolute: string, info?: { isFile(): boolean }): boolean {
  if (file === STDIN_PLAN || absolute.startsWith('/dev/') || absolute.startsWith('/proc/')) return true;
  return info !== undefined && !info.isFile();
}
