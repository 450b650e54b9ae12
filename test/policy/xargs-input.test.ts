import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { assessPolicy, parsePolicy } from '../../src/policy/rules/index.js';
import { createBuiltinRegistry, parseShell, riskOptions } from '../../src/tools/index.js';

// xargs cuts its input into arguments as its options say: with -0 or -d a whole line reaches `sh -c` as one
// argument, its code; quotes keep words together; -n runs one command per group.

const classify = (command: string) => classifyShell(command, parseShell);

describe('the input xargs passes to the command it runs', () => {
  it.each<[string, RiskLevel]>([
    ["echo 'kubectl delete ns prod' | xargs -0 sh -c", 'destroy'],
    ["echo 'kubectl delete ns prod' | xargs -0 bash -c", 'destroy'],
    ["echo 'kubectl delete ns prod' | xargs --null sh -c", 'destroy'],
    ["echo 'kubectl delete ns prod' | xargs -r0 sh -c", 'destroy'],
    ["printf 'kubectl delete ns prod\\n' | xargs -d '\\n' sh -c", 'destroy'],
    ["printf 'kubectl delete ns prod\\n' | xargs --delimiter='\\n' sh -c", 'destroy'],
    ["printf 'kubectl delete ns prod,' | xargs -d, sh -c", 'destroy'],
    ["xargs -0 sh -c <<< 'rm -rf /srv/data'", 'destroy'],
    // Quotes in the input keep an item together, as xargs reads them.
    [`echo "'kubectl delete ns prod'" | xargs sh -c`, 'destroy'],
    [`echo '"rm -rf /srv/data"' | xargs bash -c`, 'destroy'],
    // -n 1: each item runs on its own, the second as code too.
    [`echo "ls 'rm -rf /srv/data'" | xargs -n 1 sh -c`, 'destroy'],
    [`echo "ls 'rm -rf /srv/data'" | xargs -L 1 sh -c`, 'destroy'],
    [`echo "ls 'rm -rf /srv/data'" | xargs sh -c`, 'read'],
    // Input ksa cannot see, or cut by a delimiter it cannot tell, is code it cannot rate.
    ['xargs -0 sh -c < cmds', 'destroy'],
    ['xargs -a cmds sh -c', 'destroy'],
    ['xargs -0 -a cmds bash -c', 'destroy'],
    ['cat cmds | xargs -0 sh -c', 'destroy'],
    ['echo ls | xargs -d "$D" sh -c', 'destroy'],
    // A whole line that only reads, and default splitting that makes the first word the code, stay read.
    ["echo 'kubectl get pods' | xargs -0 sh -c", 'read'],
    ["echo 'kubectl delete ns prod' | xargs sh -c", 'read'],
    ['echo a.txt b.txt | xargs -n 1 cat', 'read'],
  ])('%s is %s', async (command, level) => {
    expect((await classify(command)).level).toBe(level);
  });
});

const options = riskOptions(createBuiltinRegistry());
const shell = (id: string, command: string): PlanInput['steps'][number] => ({ id, tool: 'shell', args: { command } });

describe('deny rules meet the code xargs hands a shell', () => {
  it('kubectl "delete *" and shell "rm -rf *" hold against xargs -0, -d and quoted input', async () => {
    const policy = parsePolicy('deny:\n  - kubectl: "delete *"\n  - shell: "rm -rf *"\n', '/ws/.ksa/policy.yaml');
    const steps = [
      shell('null', "echo 'kubectl delete ns prod' | xargs -0 sh -c"),
      shell('delimiter', "printf 'rm -rf /srv/data\\n' | xargs -d '\\n' bash -c"),
      shell('quoted', `echo "'kubectl delete ns prod'" | xargs sh -c`),
      shell('each', `echo "ls 'rm -rf /srv/data'" | xargs -n1 sh -c`),
      shell('reads', "echo 'kubectl get pods' | xargs -0 sh -c"),
    ];
    const { decision } = await assessPolicy(PlanSchema.parse({ goal: 'xargs code', steps }), policy, 'write', options);
    expect(Object.fromEntries(decision.steps.map((step) => [step.stepId, step.decision]))).toEqual({ null: 'deny', delimiter: 'deny', quoted: 'deny', each: 'deny', reads: 'allow' });
  });
});
