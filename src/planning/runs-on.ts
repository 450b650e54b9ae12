import { z } from 'zod';

/** Worker labels: short, lower-case, safe in queue names. */
export const LABEL_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;
/** A worker listens to one queue per subset of its labels: the count stays small. */
export const MAX_LABELS = 5;

const LabelSchema = z.string().regex(LABEL_PATTERN, 'must match ^[a-z0-9][a-z0-9_-]{0,31}$');
const LabelsSchema = z.array(LabelSchema).max(MAX_LABELS, `at most ${MAX_LABELS} labels`);

/** The long form of runsOn: its fields are named apart from the step's in validation messages. */
export const RunsOnObjectSchema = z.strictObject({
  labels: LabelsSchema.describe('Labels every chosen worker must have.'),
  each: z.boolean().optional().describe('Run once on every live worker with these labels; the output is keyed by worker name.'),
});

export const RunsOnSchema = z
  .union([LabelsSchema, RunsOnObjectSchema])
  .describe('Where the step runs when the run uses workers (--redis): a worker with all these labels.');

export type RunsOn = z.infer<typeof RunsOnSchema>;

export { describePlacement, placementOf, type Placement } from './placement.js';
