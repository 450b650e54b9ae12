/**
 * What is wrong with an answer the SDK's schema refused (a zod error, whose
 * message is its issues as JSON: its first line is `[`), as the end of one
 * line: `tools.3.inputSchema: expected object, received undefined`. Undefined
 * for any other error.
 */
export function invalidAnswer(error: unknown): string | undefined {
  const issues = (error as { issues?: unknown } | undefined)?.issues;
  // zod's own ZodError, or the $ZodError of zod/v4-mini's safeParse that the SDK uses.
  if (!/^\$?ZodError$/.test(String((error as Error | undefined)?.name)) || !Array.isArray(issues) || issues.length === 0) return undefined;
  return issueText(issues[0] as ZodIssueLike);
}

export type ZodIssueLike = { readonly path: readonly PropertyKey[]; readonly message: string };

/** `inputSchema.type: expected "object"` (zod's "Invalid input: " left out). */
export function issueText(issue: ZodIssueLike): string {
  const at = issue.path.map(String).join('.');
  const message = issue.message.replace(/^Invalid input: /, '');
  return at ? `${at}: ${message}` : message;
}
