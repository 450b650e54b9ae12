import { z } from 'zod';
import { PlanSchema } from '../planning/schema.js';

/** What a chat session remembers. Every kind of message the agent and the TUI produce is one case here. */

const base = { id: z.string(), ts: z.string() };

export const ReflectionSchema = z.object({
  success: z.boolean(),
  summary: z.string(),
  issues: z.array(z.string()),
  suggestions: z.array(z.string()),
});
export type Reflection = z.infer<typeof ReflectionSchema>;

export const MessageSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('user'), text: z.string() }),
  z.object({ ...base, kind: z.literal('assistant'), text: z.string() }),
  z.object({ ...base, kind: z.literal('tool_call'), toolCallId: z.string(), tool: z.string(), input: z.unknown() }),
  z.object({ ...base, kind: z.literal('tool_result'), toolCallId: z.string(), tool: z.string(), output: z.unknown(), isError: z.boolean().optional() }),
  z.object({
    ...base,
    kind: z.literal('plan'),
    planId: z.string(),
    plan: PlanSchema,
    /** What changed against the plan it revises, in words. */
    changes: z.string().optional(),
    revises: z.string().optional(),
    /**
     * What of the plan was stored as *** (secrets): its values are not kept, so such a step or input must be written
     * in again before it runs. A session an older ksa wrote does not say: read there by the *** in its inputs.
     */
    masked: z.object({ steps: z.array(z.string()), rollbacks: z.array(z.string()), inputs: z.array(z.string()) }).optional(),
    /** The run a /resume proposal showed, kept by its edits and revisions (which start a new run). */
    fromRun: z
      .object({ runId: z.string(), status: z.enum(['interrupted', 'paused']), workspace: z.string().optional(), givenInputs: z.array(z.string()).optional(), redis: z.string().optional() })
      .optional(),
  }),
  z.object({ ...base, kind: z.literal('approval'), planId: z.string(), decision: z.enum(['approved', 'rejected', 'edited']), runId: z.string().optional() }),
  z.object({ ...base, kind: z.literal('run'), runId: z.string(), status: z.string() }),
  z.object({ ...base, kind: z.literal('reflection'), runId: z.string(), reflection: ReflectionSchema, fallback: z.boolean().optional() }),
  z.object({ ...base, kind: z.literal('summary'), text: z.string(), covers: z.int().min(0) }),
]);

export type Message = z.infer<typeof MessageSchema>;
/** A message before the store gives it an id and a time. */
export type NewMessage = Message extends infer M ? (M extends Message ? Omit<M, 'id' | 'ts'> : never) : never;

export const SegmentSchema = z.object({ version: z.literal(1), messages: z.array(MessageSchema) });
export type Segment = z.infer<typeof SegmentSchema>;

export { SessionMetaSchema, SessionSummarySchema, type SessionMeta, type SessionSummary } from './session-record.js';
