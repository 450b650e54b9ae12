/**
 * The program call a tool makes, as its `describe` shows it: `k8s_rollback` with
 * `toRevision: null` is `{ program: 'kubectl', args: ['delete', 'deployment/web', …] }`.
 * Risk and policy judge this call, so a tool cannot hide a delete behind its name.
 */
export type ToolCommand = { readonly program: string; readonly args: readonly string[] };

/** Looks up the call a tool makes with these arguments; undefined for tools that run no single program. */
export type CommandOf = (tool: string, args: Readonly<Record<string, unknown>>) => ToolCommand | undefined;
