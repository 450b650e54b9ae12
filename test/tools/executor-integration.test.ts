import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executePlan, PlanSchema, type PlanInput, type RunEvent } from '../../src/planning/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';
import { createTempDir, isProcessAlive, waitFor } from '../helpers/tool-context.js';

let ws: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir: ws, cleanup } = await createTempDir());
});

afterEach(async () => {
  await cleanup();
});

async function run(plan: PlanInput) {
  const events: RunEvent[] = [];
  const state = await executePlan({
    plan: PlanSchema.parse(plan),
    runId: 'r1',
    invokeTool: createBuiltinRegistry().invoker({ workspace: ws }),
    onEvent: (event) => events.push(event),
  });
  return { state, events };
}

describe('built-in tools under the executor', () => {
  it('streams output as step_output events and passes outputs to later steps', async () => {
    const { state, events } = await run({
      goal: 'g',
      steps: [
        { id: 'write', tool: 'write_file', args: { path: 'conf/app.txt', content: 'port=8080' } },
        { id: 'show', tool: 'shell', args: { command: 'cat {{ steps.write.output.path }}' }, dependsOn: ['write'] },
        { id: 'read', tool: 'read_file', args: { path: '{{ steps.write.output.path }}' }, dependsOn: ['show'] },
      ],
    });
    expect(state.status).toBe('succeeded');
    expect(state.steps.show!.output).toMatchObject({ stdout: 'port=8080', exitCode: 0 });
    expect(state.steps.read!.output).toEqual({ content: 'port=8080' });
    expect(events.filter((e) => e.type === 'step_output').map((e) => (e as { line: string }).line)).toEqual(['port=8080']);
  });

  it('a step timeout kills the process tree and reports the timeout', async () => {
    const { state } = await run({
      goal: 'g',
      steps: [{ id: 'hang', tool: 'shell', args: { command: 'echo $$ > pid; sleep 30 & echo $! >> pid; wait' }, timeoutMs: 300 }],
    });
    expect(state.status).toBe('failed');
    expect(state.steps.hang!.error).toMatch(/timed out after 300 ms/);
    const { readFile } = await import('node:fs/promises');
    const pids = (await readFile(`${ws}/pid`, 'utf8')).split(/\s+/).filter(Boolean).map(Number);
    expect(pids).toHaveLength(2);
    expect(await waitFor(() => pids.every((pid) => !isProcessAlive(pid)), 1500)).toBe(true);
  });

  it('a templated argument of the wrong type fails the step with a one-line message', async () => {
    const { state } = await run({
      goal: 'g',
      inputs: { delay: 'soon' },
      steps: [{ id: 'wait', tool: 'sleep', args: { ms: '{{ inputs.delay }}' } }],
    });
    expect(state.status).toBe('failed');
    expect(state.steps.wait!.error).toBe('args.ms: expected number, got string "soon" (tool "sleep")');
  });
});
