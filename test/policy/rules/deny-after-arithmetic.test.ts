import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// Arithmetic that evaluates run-time text may change any variable, but the value a variable held before stays one
// that may be read after it: deny rules still meet it (the risk rater, which reads only sure values, rates it destroy).

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');
const POLICY = parsePolicy('deny:\n  - shell: "rm -rf /ws/keep*"\n  - kubectl: "delete ns prod"\n', '/srv/app/.ksa/policy.yaml');

async function decision(command: string, env?: Record<string, string>): Promise<string> {
  const plan = PlanSchema.parse({ goal: 'values', steps: [{ id: 's', tool: 'shell', args: { command, ...(env ? { env } : {}) } }] });
  return (await assessPolicy(plan, POLICY, 'write', options)).decision.steps[0]!.decision;
}

describe('deny rules after arithmetic that evaluates run-time text', () => {
  it.each<[string, Record<string, string> | undefined]>([
    ['[[ $RETRIES -gt 3 ]] && echo many; rm -rf $D', { D: '/ws/keep' }],
    ['D=/ws/keep; (( $N > 0 )); rm -rf $D', undefined],
    ['a[$I]=x; rm -rf $D', { D: '/ws/keep' }],
    ['echo $(( $(wc -l < f) )); rm -rf "$D"', { D: '/ws/keep' }],
    ['let "$E"; rm -rf $D', { D: '/ws/keep' }],
    ['(( E )); rm -rf $D', { D: '/ws/keep', E: 'X=1' }],
    ['[[ $N -eq 1 ]] && echo one; kubectl delete ns $NS', { NS: 'prod' }],
    ['n=$(cat count); (( n > 1 )) && kubectl delete ns $NS', { NS: 'prod' }],
    ['X=$(date); rm -rf $D', { D: '/ws/keep' }],
  ])('%s with %j is denied', async (command, env) => {
    expect(await decision(command, env)).toBe('deny');
  });

  it('a value the arithmetic surely sets is not met as the one held before', async () => {
    expect(await decision('(( D = 5 )); rm -rf $D', { D: '/ws/keep' })).not.toBe('deny');
  });
});
