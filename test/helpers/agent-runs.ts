import { Execution, initialRunState, PlanSchema, type PlanInput, type RunState } from '../../src/planning/index.js';
import { RunStore, StepLogs } from '../../src/store/index.js';

/** A real run, executed in-process with a scripted tool and recorded in a RunStore (state and step logs), for the agent's run tools. */

export const FAILING_PLAN = {
  goal: 'Build and start the shop',
  steps: [
    { id: 'install', tool: 'shell', args: { command: 'npm ci' } },
    { id: 'build', tool: 'shell', args: { command: 'npm run build' }, dependsOn: ['install'] },
    { id: 'start', tool: 'shell', args: { command: 'npm start' }, dependsOn: ['build'] },
  ],
} satisfies PlanInput;

export const BUILD_ERROR = 'command exited with code 2: src/app.ts(3,7): error TS2322';

export async function recordRun(home: string, runId: string, options: { failStep?: string; plan?: PlanInput } = {}): Promise<{ runs: RunStore; state: RunState }> {
  const plan = PlanSchema.parse(options.plan ?? FAILING_PLAN);
  const runs = new RunStore(home);
  const run = await runs.create(
    { runId, goal: plan.goal, createdAt: new Date().toISOString(), workspace: home, plan, inputs: {}, allowedEnv: [], state: initialRunState(runId, plan.goal, plan.steps.map((step) => step.id), {}) },
    'test',
  );
  const logs = new StepLogs(run.logDir);
  const execution = new Execution({
    plan,
    runId,
    invokeTool: async ({ stepId, onOutput }) => {
      onOutput(`running ${stepId}`, 'stdout');
      if (stepId === options.failStep) {
        onOutput('src/app.ts(3,7): error TS2322: Type "string" is not assignable to type "number".', 'stderr');
        throw new Error(BUILD_ERROR);
      }
      return { stdout: `${stepId} ok`, stderr: '', exitCode: 0 };
    },
    onEvent: (event) => {
      logs.onEvent(event);
      record(event);
    },
  });
  const record = run.attach(execution);
  const state = await execution.start();
  await logs.close();
  await run.close();
  return { runs, state };
}
