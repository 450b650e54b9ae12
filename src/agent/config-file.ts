import { z } from 'zod';
import { MAX_TIMER_MS } from '../planning/limits.js';

// Loaded only for a config.json that plainConfigFile (config.ts) does not take as plainly valid.
export const ConfigFileSchema = z.object({
  baseURL: z.string().url().optional(),
  apiKey: z.string().optional(),
  model: z.string().min(1).optional(),
  timeoutMs: z.int().min(1000).max(MAX_TIMER_MS).optional(),
  maxRetries: z.int().min(0).max(10).optional(),
});

export type ConfigFile = z.infer<typeof ConfigFileSchema>;
