import { z } from 'zod';
import { RunsOnSchema } from './runs-on.js';
import { MAX_TIMER_MESSAGE, MAX_TIMER_MS } from './limits.js';

/** Step ids are short, lower-case and safe to use in file names and CEL (`steps.<id>`). */
export const STEP_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export { DEFAULT_MAX_PARALLEL, DEFAULT_MAX_STEPS } from './limits.js';

export const StepIdSchema = z
  .string()
  .regex(STEP_ID_PATTERN, 'must match ^[a-z0-9][a-z0-9_-]{0,62}$ (lower-case letters, digits, "-" and "_")')
  .describe('Unique step id, e.g. "build" or "deploy-web".');

export const RetryPolicySchema = z
  .strictObject({
    maxAttempts: z.int().min(1).max(100).default(1).describe('Total attempts including the first.'),
    initialDelayMs: z.int().min(0).max(MAX_TIMER_MS, MAX_TIMER_MESSAGE).default(500).describe('Delay before attempt 2.'),
    multiplier: z.number().min(1).max(10).default(2).describe('Each further delay grows by this factor.'),
    maxDelayMs: z.int().min(0).max(MAX_TIMER_MS, MAX_TIMER_MESSAGE).default(10_000).describe('Upper bound of a single delay.'),
  })
  .describe('Retry policy; the default is a single attempt.');

export const ArgsSchema = z
  .record(z.string(), z.unknown())
  .describe('Tool arguments; strings may contain {{ CEL }} templates.');

export const RollbackSchema = z
  .strictObject({
    tool: z.string().min(1).describe('Tool that undoes the step.'),
    args: ArgsSchema.default({}),
    timeoutMs: z.int().min(1).max(MAX_TIMER_MS, MAX_TIMER_MESSAGE).optional().describe('Timeout of the rollback action.'),
  })
  .describe('Undo action run (best-effort, newest first) when a later step fails.');

const stepCommon = {
  id: StepIdSchema,
  name: z.string().optional().describe('Human label.'),
  dependsOn: z.array(z.string()).default([]).describe('Ids of steps that must finish first.'),
};

const runnableCommon = {
  ...stepCommon,
  retry: RetryPolicySchema.optional(),
  timeoutMs: z.int().min(1).max(MAX_TIMER_MS, MAX_TIMER_MESSAGE).optional().describe('Timeout of EACH attempt in milliseconds.'),
  when: z.string().min(1).optional().describe('CEL condition; false => the step is skipped.'),
};

export const ToolCallStepSchema = z.strictObject({
  ...runnableCommon,
  type: z.literal('tool_call').optional(),
  tool: z.string().min(1).describe('Name of a registered tool, e.g. "shell".'),
  args: ArgsSchema.default({}),
  rollback: RollbackSchema.optional(),
  runsOn: RunsOnSchema.optional(),
});

export const LlmQueryStepSchema = z.strictObject({
  ...runnableCommon,
  type: z.literal('llm_query'),
  prompt: z.string().min(1).describe('Question for the model; may contain {{ CEL }} templates.'),
});

export const ConditionStepSchema = z.strictObject({
  ...stepCommon,
  type: z.literal('condition'),
  when: z.string().min(1).describe('CEL expression; its boolean value is the output { value }.'),
});

export const StepSchema = z.discriminatedUnion('type', [ToolCallStepSchema, LlmQueryStepSchema, ConditionStepSchema]);

export const PlanSchema = z
  .strictObject({
    goal: z.string().trim().min(1, 'must not be empty').describe('What the plan achieves.'),
    inputs: z
      .record(z.string(), z.unknown())
      .default({})
      .describe('Named inputs, referenced as inputs.<name>; the CLI can override them.'),
    maxParallel: z.int().min(1).max(1000).optional().describe('Steps running at once (default 5).'),
    runsOn: RunsOnSchema.optional().describe('Default runsOn of the tool steps (workers only).'),
    steps: z.array(StepSchema).min(1, 'a plan needs at least one step'),
  })
  .describe('A KubeStack AI plan: a DAG of steps.');

export type RetryPolicy = z.infer<typeof RetryPolicySchema>;
export type Rollback = z.infer<typeof RollbackSchema>;
export type ToolCallStep = z.infer<typeof ToolCallStepSchema>;
export type LlmQueryStep = z.infer<typeof LlmQueryStepSchema>;
export type ConditionStep = z.infer<typeof ConditionStepSchema>;
export type Step = z.infer<typeof StepSchema>;
export type Plan = z.infer<typeof PlanSchema>;
/** A plan as written by a user or a model, before defaults are applied. */
export type PlanInput = z.input<typeof PlanSchema>;

export type StepType = 'tool_call' | 'llm_query' | 'condition';

export function stepType(step: Step): StepType {
  return step.type ?? 'tool_call';
}

/** JSON Schema of a plan document, for `ksa schema` and editors (`yaml-language-server`). */
export function planJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PlanSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    // Validation accepts and ignores it (validatePlan), so a JSON plan can name its schema as YAML does in a comment.
    properties: { $schema: { type: 'string', description: 'The JSON Schema this document follows, for editors; ignored by ksa.' }, ...(schema.properties as object) },
    $id: 'https://kubestack.ai/schemas/plan.json',
    title: 'KubeStack AI plan',
  };
}
