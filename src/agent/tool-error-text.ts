/** A failed agent function's output as words: its `{ error }` message, anything else as JSON. */
export function toolErrorText(output: unknown): string {
  const error = typeof output === 'object' && output !== null ? (output as { error?: unknown }).error : undefined;
  return typeof error === 'string' ? error : JSON.stringify(output);
}
