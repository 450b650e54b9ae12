import { z } from 'zod';
import { formatIssue, validatePlan, type ToolCatalog, type ValidateOptions, type ValidationIssue } from '../../src/planning/index.js';

/** A small tool catalog with strict zod input schemas, like the real registry's. */
export const catalog: ToolCatalog = new Map<string, { inputSchema: z.ZodType }>([
  ['shell', { inputSchema: z.strictObject({ command: z.string(), cwd: z.string().optional() }) }],
  ['sleep', { inputSchema: z.strictObject({ ms: z.int().min(0) }) }],
  [
    'http',
    {
      inputSchema: z.strictObject({
        url: z.string(),
        method: z.enum(['GET', 'POST']).optional(),
        expectStatus: z.int().optional(),
        headers: z.record(z.string(), z.string()).optional(),
      }),
    },
  ],
  ['kubectl', { inputSchema: z.strictObject({ args: z.array(z.string()), cwd: z.string().optional() }) }],
]);

export function validate(document: unknown, options: Partial<ValidateOptions> = {}) {
  return validatePlan(document, { tools: catalog, ...options });
}

/** The issues of a document that must be invalid. */
export function issuesOf(document: unknown, options: Partial<ValidateOptions> = {}): readonly ValidationIssue[] {
  const result = validate(document, options);
  if (result.ok) throw new Error('expected the plan to be invalid');
  return result.issues;
}

/** Issues as `path: message` lines, the way `ksa validate` prints them. */
export function linesOf(document: unknown, options: Partial<ValidateOptions> = {}): string[] {
  return issuesOf(document, options).map(formatIssue);
}

export const shell = (id: string, extra: Record<string, unknown> = {}) => ({ id, tool: 'shell', args: { command: `echo ${id}` }, ...extra });
