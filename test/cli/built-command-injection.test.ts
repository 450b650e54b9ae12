import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa } from '../helpers/cli.js';

// A value put into a shell line at run time (`echo version {{ steps.v.output.content }}`) is text: when it would
// add commands to the line (a cloned repository's VERSION file saying `1.2.3; touch pwned`), the step is refused
// before anything of it runs. What the user approved is the line as the plan shows it.

const PLAN = `goal: Tag a release
steps:
  - id: v
    tool: read_file
    args: { path: VERSION }
  - id: tag
    dependsOn: [v]
    tool: shell
    args: { command: "echo building version {{ steps.v.output.content }} > tag.txt" }
`;

async function tagWith(version: string, args: readonly string[] = ['--yes']) {
  const sandbox = await createCliSandbox('ksa-injection-');
  await writeFile(path.join(sandbox.dir, 'plan.yaml'), PLAN);
  await writeFile(path.join(sandbox.dir, 'VERSION'), version);
  const result = await runKsa(['run', 'plan.yaml', '--json', ...args], { home: sandbox.home, cwd: sandbox.dir });
  const failed = result.stdout.split('\n').filter((line) => line.includes('"step_failed"')).map((line) => JSON.parse(line) as { stepId: string; error: string });
  return { sandbox, result, failed };
}

describe.concurrent('values that would become shell code', () => {
  it('a value with "; touch" is refused before the step runs: nothing of the line runs, the error names the added command and the way out', async (context) => {
    const { sandbox, result, failed } = await tagWith('1.2.3; touch pwned; echo\n', ['--yes', '--allow-destroy']);
    context.onTestFinished(() => sandbox.cleanup());
    expect(result.code, describeResult(result)).toBe(1);
    expect(failed).toEqual([
      expect.objectContaining({
        stepId: 'tag',
        error: 'step tag as built at run time is not the line the plan shows: it runs touch, echo; a value put into the line became shell code, and nothing was run (give the value to the step in env and write "$NAME" in the command)',
      }),
    ]);
    expect(existsSync(path.join(sandbox.dir, 'pwned'))).toBe(false);
    expect(existsSync(path.join(sandbox.dir, 'tag.txt'))).toBe(false);
  });

  it('command substitution, backquotes and a second line in a value are refused too', async (context) => {
    for (const version of ['1.2.3$(touch pwned)', '1.2.3`touch pwned`', '1.2.3\ntouch pwned\n']) {
      const { sandbox, result, failed } = await tagWith(version);
      context.onTestFinished(() => sandbox.cleanup());
      expect(result.code, describeResult(result)).toBe(1);
      expect(failed[0]?.error).toMatch(/^step tag as built at run time is not the line the plan shows: it runs touch;/);
      expect(existsSync(path.join(sandbox.dir, 'pwned'))).toBe(false);
    }
  });

  it('a value that adds a redirection (writing a file the line does not) is refused too', async (context) => {
    const { sandbox, result, failed } = await tagWith('1.2.3 > pwned');
    context.onTestFinished(() => sandbox.cleanup());
    expect(result.code, describeResult(result)).toBe(1);
    expect(failed[0]?.error).toMatch(/^step tag as built at run time is not the line the plan shows: it redirects input or output;/);
    expect(existsSync(path.join(sandbox.dir, 'pwned'))).toBe(false);
  });

  it('a value that comments out the rest of the line to run its own command of a name the line has (x; touch pwned #) is refused', async (context) => {
    const sandbox = await createCliSandbox('ksa-injection-');
    context.onTestFinished(() => sandbox.cleanup());
    await writeFile(path.join(sandbox.dir, 'NAME'), 'x; touch pwned #');
    await writeFile(path.join(sandbox.dir, 'plan.yaml'), 'goal: Mark\nsteps:\n  - id: name\n    tool: shell\n    args: { command: "cat NAME" }\n  - id: mark\n    dependsOn: [name]\n    tool: shell\n    args: { command: "ls {{ steps.name.output.stdout }} && touch done.txt" }\n');
    const result = await runKsa(['run', 'plan.yaml', '--json', '--yes'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(1);
    expect(result.stdout).toContain('step mark as built at run time is not the line the plan shows: it runs touch and leaves out its touch;');
    expect(existsSync(path.join(sandbox.dir, 'pwned'))).toBe(false);
  });

  it('a plain value (with its trailing newline, spaces, a $ in it) runs as before', async (context) => {
    const { sandbox, result } = await tagWith('1.2.3 beta $5\n');
    context.onTestFinished(() => sandbox.cleanup());
    expect(result.code, describeResult(result)).toBe(0);
    expect(existsSync(path.join(sandbox.dir, 'tag.txt'))).toBe(true);
  });
});
