import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, eventsOf, parseNdjson, runKsa } from '../helpers/cli.js';
import { useCliSandbox } from '../helpers/cli-sandbox.js';

// An input computed with a step's output: the output's type is known only as the step runs.

const sandbox = useCliSandbox('ksa-mid-run-type-errors-');

describe('a step computing an input with an earlier step\'s output of another type', () => {
  it('fails saying, in one line, the step, the field, each side and what it held (ksa run --json and the live lines)', async () => {
    const plan = await sandbox.writePlan(
      'sum/plan.yaml',
      'goal: Sum\ninputs: { a: "5" }\nsteps:\n  - id: x\n    tool: shell\n    args: { command: "echo hi" }\n  - id: use\n    tool: shell\n    dependsOn: [x]\n    args: { command: "echo {{ inputs.a + steps.x.output.exitCode }}" }\n',
    );
    const ran = await runKsa(['run', plan, '--yes', '--json'], { home: path.join(sandbox.home, 'sum'), cwd: path.dirname(plan) });
    expect(ran.code, describeResult(ran)).toBe(1);
    const said = 'expression "inputs.a + steps.x.output.exitCode" in args.command failed: inputs.a is text and steps.x.output.exitCode is a whole number, which CEL does not add (no such overload: string + int)';
    const events = parseNdjson(ran.stdout);
    expect(eventsOf(events, 'step_failed', 'use')[0]).toMatchObject({ error: said });
    expect(eventsOf(events, 'run_finished')[0]).toMatchObject({ error: `step "use" failed: ${said}` });
    expect(ran.stderr).toContain(`\u2717 use failed: ${said}\n`);
  });
});
