import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult, runKsa } from '../helpers/cli.js';
import { useCliSandbox } from '../helpers/cli-sandbox.js';

// CEL's type names are values in an expression, as in `type(x) == string`.

const sandbox = useCliSandbox('ksa-cel-type-names-');

describe('an expression testing a type by its CEL name', () => {
  it('passes ksa validate and runs under ksa run, taking the branch CEL takes', async () => {
    const when = 'type(inputs.port) == int && type(inputs.name) == string && !(type(inputs.name) in [list, map, null_type])';
    const plan = await sandbox.writePlan('typed/plan.yaml', `goal: Typed\ninputs: { port: 8080, name: web }\nsteps:\n  - id: a\n    tool: shell\n    when: "${when}"\n    args: { command: "echo typed-{{ type(inputs.port) == double ? 'double' : 'int' }}" }\n`);
    const options = { home: path.join(sandbox.home, 'typed'), cwd: path.dirname(plan) };
    const validated = await runKsa(['validate', plan], options);
    expect(validated.code, describeResult(validated)).toBe(0);
    const ran = await runKsa(['run', plan, '--yes'], options);
    expect(ran.code, describeResult(ran)).toBe(0);
    expect(ran.stdout + ran.stderr).toContain('typed-int');
  });
});
