import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolSchema, type Tool as McpToolDefinition } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { invalidAnswer, issueText } from './invalid-answer.js';

export type ListedTools = {
  readonly tools: readonly McpToolDefinition[];
  /** One line per tool left out, naming it and why. */
  readonly skipped: readonly string[];
};

/** A page of tools/list with its tools not checked yet. */
const LoosePageSchema = z.looseObject({ tools: z.array(z.unknown()), nextCursor: z.string().optional() });

/**
 * Every page of a server's tools/list. The SDK refuses a whole page for one
 * tool it cannot take (one without an inputSchema): such a page is asked for
 * again and its tools are checked one by one, so only that tool is left out,
 * with a line saying which and why (as a tool whose name is taken is).
 */
export async function listServerTools(client: Client, server: string, timeout: number): Promise<ListedTools> {
  const tools: McpToolDefinition[] = [];
  const skipped: string[] = [];
  let cursor: string | undefined;
  let listed = 0;
  do {
    const params = cursor ? { cursor } : undefined;
    let page: { tools: readonly unknown[]; nextCursor?: string | undefined };
    try {
      page = await client.listTools(params, { timeout });
    } catch (error) {
      if (invalidAnswer(error) === undefined) throw error;
      page = await client.request({ method: 'tools/list', params }, LoosePageSchema, { timeout });
    }
    for (const raw of page.tools) {
      listed++;
      const parsed = ToolSchema.safeParse(raw);
      if (parsed.success) tools.push(parsed.data);
      else skipped.push(`MCP tool ${toolLabel(raw, listed)} of server "${server}" is left out: ${whyNot(parsed.error.issues[0]!)}`);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { tools, skipped };
}

function whyNot(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `its tools/list entry has no ${issue.path.map(String).join('.')}`;
  return `its tools/list entry is not valid MCP (${issueText(issue)})`;
}

/** `"deploy"`, or `#4 (it has no name)` by its place in the list. */
function toolLabel(raw: unknown, place: number): string {
  const name = (raw as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== '' ? JSON.stringify(name) : `#${place} (it has no name)`;
}
