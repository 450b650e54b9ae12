import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';
import { rawStdio, writeUserConfig } from '../helpers/mcp.js';

// An MCP tool whose arguments allow only some values (oneOf/anyOf of consts, enum, const): a wrong value is one
// line naming what is allowed, as a built-in tool's argument is checked, not ajv's words once per branch.

let sandbox: CliSandbox;

beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-cli-mcp-choices-');
  await writeUserConfig(sandbox.home, { raw: rawStdio({ env: { RAW_CHOICES: '1' } }) });
});

afterAll(async () => {
  await sandbox?.cleanup();
});

const ksa = (...args: string[]) => runKsa(args, { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 60_000 });

describe('MCP arguments that allow only some values', () => {
  it('ksa validate: one line per bad argument with the allowed values and the value given; right values pass', async () => {
    await sandbox.writePlan(
      'plan.yaml',
      `goal: Choose
steps:
  - id: s
    tool: raw__choose
    args: { mode: slow, speed: 3, level: c, target: dev, size: big }
  - id: ok
    tool: raw__choose
    args: { mode: fast, speed: max, level: a, target: prod, size: 3 }
`,
    );
    const result = await ksa('validate', 'plan.yaml');
    expect(result.code, describeResult(result)).toBe(2);
    const lines = result.stdout.split('\n').filter((line) => line.includes('steps['));
    expect(lines).toEqual([
      '  plan.yaml:5:19 steps[0].args.mode: expected one of "fast", "safe", got string "slow" (tool "raw__choose")',
      '  plan.yaml:5:32 steps[0].args.speed: expected one of 1, 2, "max", got number 3 (tool "raw__choose")',
      '  plan.yaml:5:42 steps[0].args.level: expected one of "a", "b", got string "c" (tool "raw__choose")',
      '  plan.yaml:5:53 steps[0].args.target: expected "prod", got string "dev" (tool "raw__choose")',
      '  plan.yaml:5:64 steps[0].args.size: expected integer or "auto", got string "big" (tool "raw__choose")',
    ]);
    expect(result.stdout).not.toContain('must be equal to constant');
    expect(result.stdout).not.toContain('must match');
  });
});
