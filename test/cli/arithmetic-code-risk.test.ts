import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// Bash evaluates the text of an arithmetic operand as code; deny rules still meet the values a line held before such
// arithmetic, and --approve read lets through a `[ … -ge 1 ]` test, which evaluates none.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-arithmetic-code-');
});
afterAll(async () => {
  await sandbox.cleanup();
});

type Step = { readonly command: string; readonly env?: Record<string, string> };

describe('ksa policy check --approve read', { timeout: 120_000 }, () => {
  it('denies rm -rf $D after [[ $RETRIES -gt 3 ]], asks for (( n > 1 )) over text read from a file, lets [ "$(cat count)" -ge 1 ] through', async () => {
    const steps: Record<string, Step> = {
      retries: { command: '[[ $RETRIES -gt 3 ]] && echo many; rm -rf $D', env: { D: '/ws/keep' } },
      namespace: { command: '[[ $N -eq 1 ]] && echo one; kubectl delete ns $NS', env: { NS: 'prod' } },
      counted: { command: 'n=$(cat count); (( n > 1 )) && echo many' },
      ready: { command: '[ "$(cat count)" -ge 1 ] && echo ready' },
      pods: { command: '[[ $N -eq 1 ]] && kubectl get pods -n $NS', env: { N: '1', NS: 'prod' } },
    };
    const lines = Object.entries(steps).map(([id, step]) => `  - id: ${id}\n    tool: shell\n    args: ${JSON.stringify(step)}\n`);
    const plan = await sandbox.writePlan('arithmetic/ws/plan.yaml', `goal: arithmetic\nsteps:\n${lines.join('')}`);
    const dir = path.dirname(plan);
    const home = path.join(sandbox.dir, 'arithmetic', 'home');
    await mkdir(home, { recursive: true });
    await mkdir(path.join(dir, '.ksa'), { recursive: true });
    await writeFile(path.join(dir, '.ksa', 'policy.yaml'), 'deny:\n  - shell: "rm -rf /ws/keep*"\n  - kubectl: "delete ns prod"\n');
    const check = await runKsa(['policy', 'check', plan, '--json', '--approve', 'read'], { home, cwd: dir });
    expect(check.code, describeResult(check)).toBe(2);
    const doc = JSON.parse(check.stdout) as { steps: { id: string; risk: string; decision: string; why: string }[] };
    expect(Object.fromEntries(doc.steps.map((step) => [step.id, [step.risk, step.decision]]))).toEqual({
      retries: ['destroy', 'deny'],
      namespace: ['destroy', 'deny'],
      counted: ['destroy', 'ask'],
      ready: ['read', 'allow'],
      pods: ['read', 'allow'],
    });
    expect(doc.steps.find((step) => step.id === 'counted')?.why).toContain('arithmetic evaluates text read at run time as code: n');
  });
});
