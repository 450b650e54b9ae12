import type { Plan, PlanInput } from '../../src/planning/index.js';
import { PlanSchema } from '../../src/planning/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';

/** Plans and answers shared by the agent tests. */

// The SDK's compatibility notes (e.g. "propertyNames removed") are noise here, as in the CLI.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

export const tools = createBuiltinRegistry();

/** A valid two-step plan: build, then a smoke test that reads its output. */
export const VALID_PLAN = {
  goal: 'Build and check the app',
  steps: [
    { id: 'build', tool: 'shell', args: { command: 'npm run build' } },
    { id: 'smoke', tool: 'http', args: { url: 'http://localhost:8080/health' }, dependsOn: ['build'], retry: { maxAttempts: 5, initialDelayMs: 200 } },
  ],
} satisfies PlanInput;

/** The same steps with a cycle: a -> b -> a. */
export const CYCLIC_PLAN = {
  goal: 'Cyclic',
  steps: [
    { id: 'a', tool: 'shell', args: { command: 'echo a' }, dependsOn: ['b'] },
    { id: 'b', tool: 'shell', args: { command: 'echo b' }, dependsOn: ['a'] },
  ],
} satisfies PlanInput;

export const HALLUCINATED_TOOL_PLAN = {
  goal: 'Deploy',
  steps: [{ id: 'deploy', tool: 'deploy_app', args: { name: 'shop' } }],
} satisfies PlanInput;

export const BAD_ARGS_PLAN = {
  goal: 'Build',
  steps: [{ id: 'build', tool: 'shell', args: { cmd: 'npm run build' } }],
} satisfies PlanInput;

export const BAD_CEL_PLAN = {
  goal: 'Build then test',
  steps: [
    { id: 'build', tool: 'shell', args: { command: 'npm run build' } },
    { id: 'test', tool: 'shell', args: { command: 'npm test' }, dependsOn: ['build'], when: 'steps.build.output.exitCode ==' },
  ],
} satisfies PlanInput;

export function wideParallelPlan(count: number): PlanInput {
  return { goal: `Run ${count} checks`, steps: Array.from({ length: count }, (_, i) => ({ id: `check_${i}`, tool: 'shell', args: { command: `echo ${i}` } })) };
}

/** A plan with defaults applied, as the planner returns it. */
export function parsed(plan: PlanInput): Plan {
  return PlanSchema.parse(plan);
}

export const json = (value: unknown) => JSON.stringify(value);
