import { z } from 'zod';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_MAX_CAPTURE_BYTES } from '../output-capture.js';

/**
 * A step's output: the text parts joined, the content as the server gave it (binary data replaced by its size),
 * and structuredContent; each bounded like a command's captured output, the step log keeping all of the text.
 */
export const McpOutputSchema = z.object({
  text: z.string(),
  content: z.array(z.record(z.string(), z.unknown())),
  structured: z.unknown().optional(),
  truncated: z
    .literal(true)
    .optional()
    .describe(
      'Present when the answer was more than a step output keeps: content holds its first parts up to 1 MiB (as JSON; a text part that runs past it is cut, the parts after it are left out), ' +
        'and a structuredContent over 1 MiB is replaced by { truncated: true, bytes }. The step log has all of the text.',
    ),
});
export type McpOutput = z.infer<typeof McpOutputSchema>;

/** The answer as a step's output: the content and structuredContent each within `maxChars` (as JSON), the text said in `text` and in `content`. */
export function toOutput(result: CallToolResult, maxChars = DEFAULT_MAX_CAPTURE_BYTES): McpOutput {
  const { content, cut } = firstParts((result.content ?? []).map(withoutBinary), maxChars);
  const structured = result.structuredContent === undefined ? undefined : boundedStructured(result.structuredContent, maxChars);
  const truncated = cut || structured?.cut === true;
  return {
    text: textOf(content),
    content,
    ...(structured ? { structured: structured.value } : {}),
    ...(truncated ? { truncated: true as const } : {}),
  };
}

/** The text parts joined, one per line. */
export function textOf(content: readonly Record<string, unknown>[]): string {
  return content
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('\n');
}

/**
 * The first parts, up to `maxChars` of them as JSON: a text part that runs past it keeps what fits (ending in `…`),
 * the parts after it are left out. 200,000 small parts would otherwise be stored whole, each cut or not.
 */
function firstParts(parts: readonly Record<string, unknown>[], maxChars: number): { content: Record<string, unknown>[]; cut: boolean } {
  const content: Record<string, unknown>[] = [];
  let room = maxChars;
  for (const part of parts) {
    const size = jsonSize(part);
    if (size <= room) {
      content.push(part);
      room -= size;
      continue;
    }
    if (part.type === 'text' && typeof part.text === 'string') {
      const fits = room - jsonSize({ ...part, text: '' });
      if (fits > 0) content.push({ ...part, text: `${part.text.slice(0, fits)}…` });
    }
    return { content, cut: true };
  }
  return { content, cut: false };
}

/** A structuredContent over `maxChars` as JSON is not kept: a note with its size stands in for it. */
function boundedStructured(value: unknown, maxChars: number): { value: unknown; cut: boolean } {
  const json = JSON.stringify(value) ?? '';
  if (json.length <= maxChars) return { value, cut: false };
  return { value: { truncated: true, bytes: Buffer.byteLength(json) }, cut: true };
}

function jsonSize(value: unknown): number {
  return JSON.stringify(value).length;
}

/** Images, audio and embedded blob resources come base64-encoded: a run record keeps their type and size, not the bytes. */
function withoutBinary(part: Record<string, unknown>): Record<string, unknown> {
  if ((part.type === 'image' || part.type === 'audio') && typeof part.data === 'string') {
    const { data, ...rest } = part;
    return { ...rest, bytes: decodedLength(data) };
  }
  const resource = part.type === 'resource' && typeof part.resource === 'object' && part.resource !== null ? (part.resource as Record<string, unknown>) : undefined;
  if (resource && typeof resource.blob === 'string') {
    const { blob, ...rest } = resource;
    return { ...part, resource: { ...rest, bytes: decodedLength(blob) } };
  }
  return part;
}

/** The bytes base64 text decodes to: 4 characters are 3 bytes; `=` padding and line breaks are no data. */
function decodedLength(base64: string): number {
  const noData = base64.match(/[^A-Za-z0-9+/_-]/g)?.length ?? 0;
  return Math.floor(((base64.length - noData) * 3) / 4);
}
