/** Exit codes are part of the user contract (§2). */
export const ExitCode = {
  ok: 0,
  runFailed: 1,
  usage: 2,
  interrupted: 130,
  terminated: 143,
  /** The terminal went away (SIGHUP) while the chat was open. */
  hangup: 129,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
