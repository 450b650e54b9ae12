import { z } from 'zod';
import { STRUCTURED_MODES } from './capabilities.js';

// Loaded only for a cache file that plainCapabilityFile (capabilities.ts) does not take as plainly valid.
export const ProbeSchema = z.object({ capability: z.string(), ok: z.boolean(), ms: z.number(), detail: z.string().optional() });
export type ProbeResult = z.infer<typeof ProbeSchema>;

export const CapabilitiesSchema = z.object({
  /** Tool calling works (false: the chat uses its no-tools mode). */
  tools: z.boolean().optional(),
  structured: z.enum(STRUCTURED_MODES).optional(),
  streaming: z.boolean().optional(),
  /** The last `ksa model check`, if any. */
  probes: z.array(ProbeSchema).optional(),
  updatedAt: z.string(),
  /** What changed it last: "ksa model check", or the call that failed in a way the cache did not expect. */
  source: z.string().optional(),
  /** How `tools` was learnt (the server's refusal, or "ksa model check"): kept apart, as a later change of another capability sets `source`. */
  toolsSource: z.string().optional(),
});
export type ModelCapabilities = z.infer<typeof CapabilitiesSchema>;
export type CapabilityUpdate = Partial<Omit<ModelCapabilities, 'updatedAt'>>;

export const FileSchema = z.object({ version: z.literal(1), models: z.record(z.string(), CapabilitiesSchema) });
export type CapabilityFile = z.infer<typeof FileSchema>;
