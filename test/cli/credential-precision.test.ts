import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit } from '../helpers/durable.js';

// Only a credential is masked: a URL with a port and an address in its query is shown as written, and a token a step
// prints across the cut of an overlong output line is still masked in the events and the step's log.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-credential-precision-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

/** Every file under a folder, as text. */
function allText(root: string): string {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(path.join(entry.parentPath, entry.name), 'utf8'))
    .join('\n');
}

/** The log ksa keeps of a step's output. */
function logOf(home: string, step: string): string {
  const found = readdirSync(home, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && entry.name === `${step}.log`);
  expect(found).toHaveLength(1);
  return readFileSync(path.join(found[0]!.parentPath, found[0]!.name), 'utf8');
}

describe.concurrent('what ksa run masks', () => {
  it('shows a URL with a port and an address in its query as written, with no warning', async () => {
    const file = await sandbox.writePlan('query/plan.yaml', `goal: Notify
steps:
  - id: notify
    tool: shell
    args: { command: "echo notify http://localhost:8080?to=ops@example.com" }
`);
    const home = path.join(sandbox.home, 'query');
    const result = await runKsa(['run', file, '--yes', '--json'], { home, cwd: path.dirname(file) });
    expectExit(result, 0);
    expect(result.stderr).not.toContain('holds');
    expect(parseNdjson(result.stdout).filter((event) => event.type === 'step_output').map((event) => event.line)).toEqual(['notify http://localhost:8080?to=ops@example.com']);
    expect(allText(home)).toContain('notify http://localhost:8080?to=ops@example.com');
    expect(allText(home)).not.toContain('***');
  });

  it('masks a token printed in two writes across the 64 KiB cut of a long line, in the events and the log', async () => {
    const head = 'ghp_' + 'Zy9Xw8Vu7T';
    const tail = 's6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc8';
    const file = await sandbox.writePlan('cut/plan.yaml', `goal: Long line
steps:
  - id: print
    tool: shell
    args: { command: "head -c 65529 /dev/zero | tr '\\\\0' x; printf ' ${head}'; printf '${tail} done'" }
`);
    const home = path.join(sandbox.home, 'cut');
    const result = await runKsa(['run', file, '--yes', '--json'], { home, cwd: path.dirname(file) });
    expectExit(result, 0);
    const lines = parseNdjson(result.stdout).filter((event) => event.type === 'step_output').map((event) => event.line as string);
    // No line end: the line is cut when it outgrows 64 KiB, whatever pieces the pipe delivers it in.
    expect(lines.map((line) => line.length)).toEqual([65_530, 8]);
    expect(lines[1]).toBe('*** done');
    // The plan holds the two halves as written; what the step printed is in its events and its log.
    const log = logOf(home, 'print');
    expect(log).toContain(`${'x'.repeat(65_529)} \n*** done`);
    for (const text of [lines.join('\n'), log]) {
      expect(text).not.toContain(head);
      expect(text).not.toContain(tail);
    }
  });
});
