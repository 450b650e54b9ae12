import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, parseNdjson, runKsa, type CliSandbox } from '../helpers/cli.js';
import { expectExit } from '../helpers/durable.js';

// Only a credential is masked: a URL with a port and an address in its query is shown as written.

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
});
