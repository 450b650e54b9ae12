import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// `ksa run` shows each step's risk level and why before it asks, and the plan's level.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const PLAN = `goal: Look, then clean up
steps:
  - id: pods
    tool: kubectl
    args: { args: [get, pods, -n, prod] }
  - id: build
    tool: shell
    args: { command: npm run build }
  - id: clean
    tool: shell
    args: { command: "find dist -name '*.map' | xargs rm -f" }
    dependsOn: [build]
`;

describe('ksa run shows the risk of each step', () => {
  it('--dry-run prints each level with its reason, marks destroy steps, and the plan level', async () => {
    await sandbox.writePlan('risk.yaml', PLAN);
    const result = await runKsa(['run', '--dry-run', 'risk.yaml'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(0);
    const lines = result.stdout.split('\n').map((line) => line.trimEnd());
    expect(lines).toContain('  3 steps, up to 5 at once, risk: destroy');
    expect(lines).toContain('    read: kubectl get');
    expect(lines).toContain('    write: npm run');
    expect(lines).toContain('    destroy: rm deletes files in a pipeline');
    expect(lines.filter((line) => /^!\d/.test(line)).map((line) => line.split(' ')[1])).toEqual(['clean']);
    expect(lines).toContain('! destroy: deletes or overwrites what cannot be restored');
  });

  it('shows the same before asking for approval', async () => {
    await sandbox.writePlan('risk.yaml', PLAN);
    const result = await runKsa(['run', 'risk.yaml'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain('destroy: rm deletes files in a pipeline');
  });
});

describe('ksa run rates a script the plan writes, then runs, by its lines', () => {
  it('--approve write does not run it without a question, says which line destroys, and shows the script', async () => {
    await sandbox.writePlan(
      'script.yaml',
      `goal: Write and run a script
steps:
  - id: script
    tool: write_file
    args: { path: deploy.sh, content: "#!/bin/sh\\necho deploying\\nrm -rf victim\\n" }
  - id: run
    tool: shell
    args: { command: sh deploy.sh }
    dependsOn: [script]
`,
    );
    const result = await runKsa(['run', '--approve', 'write', 'script.yaml'], { home: sandbox.home, cwd: sandbox.dir });
    expect(result.code, describeResult(result)).toBe(2);
    expect(result.stderr).toContain('destroy: runs deploy.sh, which step script writes: rm -rf victim');
    // The plan shows the start of the script it runs, under the step that writes it.
    const lines = result.stderr.split('\n').map((line) => line.trimEnd());
    const written = lines.findIndex((line) => line.startsWith('    write_file: write deploy.sh ('));
    expect(lines.slice(written + 1, written + 4)).toEqual(['      | #!/bin/sh', '      | echo deploying', '      | rm -rf victim']);
    expect(result.stderr).toContain('not approved');
  });
});
