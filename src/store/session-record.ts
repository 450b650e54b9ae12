import { z } from 'zod';

// A session's own file and its index entry, apart from its messages (conversation-record.ts): reading
// the index or a session's meta does not build the plan's schema the messages need.

export const SessionMetaSchema = z.object({
  version: z.literal(1),
  id: z.string(),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  messageCount: z.int().min(0),
  /** Messages live in segments of SEGMENT_SIZE, so appending never rewrites the whole history. */
  segments: z.int().min(1),
  runIds: z.array(z.string()),
  workspace: z.string().optional(),
});
export type SessionMeta = z.infer<typeof SessionMetaSchema>;

export const SessionSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  messageCount: z.int().min(0),
});
export type SessionSummary = z.infer<typeof SessionSummarySchema>;
