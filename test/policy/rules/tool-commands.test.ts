import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../../src/planning/index.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// Tools that run kubectl or helm for the planner (k8s_*, helm_*) are judged by the
// call they make, as `ksa run` shows it, not by their name.

const options = riskOptions(createBuiltinRegistry());
const plan = (steps: PlanInput['steps']) => PlanSchema.parse({ goal: 'kube', steps });
const POLICY = parsePolicy('deny:\n  - kubectl: "delete *"\n  - helm: "uninstall *"\n', '/ws/.ksa/policy.yaml');
const NO_RULES = parsePolicy('', '/ws/.ksa/policy.yaml');

describe('k8s_rollback and helm_rollback that remove what was new', () => {
  it('are destroy steps: --approve write asks, and the reason names the delete', async () => {
    const { risk, decision } = await assessPolicy(
      plan([
        { id: 'undo', tool: 'k8s_rollback', args: { resource: 'deployment/web', toRevision: null } },
        { id: 'gone', tool: 'helm_rollback', args: { release: 'web', revision: null } },
      ]),
      NO_RULES,
      'write',
      options,
    );
    expect(risk.steps.undo).toEqual({ level: 'destroy', reason: 'k8s_rollback runs kubectl delete' });
    expect(risk.steps.gone).toEqual({ level: 'destroy', reason: 'helm_rollback runs helm uninstall' });
    expect(decision.decision).toBe('ask');
    expect(decision.destroy).toEqual(['undo', 'gone']);
  });

  it('are denied by the kubectl and helm rules that match what they run, as a step or as a rollback', async () => {
    const { decision } = await assessPolicy(
      plan([
        { id: 'undo', tool: 'k8s_rollback', args: { resource: 'deployment/web', toRevision: null, context: 'kind-dev' } },
        { id: 'deploy', tool: 'helm_upgrade', args: { release: 'web', chart: './chart' }, rollback: { tool: 'helm_rollback', args: { release: 'web', revision: null } } },
      ]),
      POLICY,
      'write',
      options,
    );
    expect(decision.decision).toBe('deny');
    expect(decision.denied.map((step) => step.why)).toEqual([
      'k8s_rollback: kubectl delete deployment/web --ignore-not-found --context kind-dev: denied by deny kubectl: "delete *" (/ws/.ksa/policy.yaml:2)',
      'its rollback (helm_rollback: helm uninstall web --wait --timeout 300s): denied by deny helm: "uninstall *" (/ws/.ksa/policy.yaml:3)',
    ]);
  });

  it('a rollback to a revision stays write, and reading tools are read', async () => {
    const { risk, decision } = await assessPolicy(
      plan([
        { id: 'undo', tool: 'k8s_rollback', args: { resource: 'deployment/web', toRevision: 3 } },
        { id: 'wait', tool: 'k8s_rollout_status', args: { resource: 'deployment/web' } },
        { id: 'diff', tool: 'k8s_diff', args: { manifests: 'k8s/' } },
        { id: 'back', tool: 'helm_rollback', args: { release: 'web', revision: 2 } },
      ]),
      POLICY,
      'write',
      options,
    );
    expect(risk.steps.undo).toEqual({ level: 'write', reason: 'k8s_rollback runs kubectl rollout undo' });
    expect(risk.steps.wait!.level).toBe('read');
    expect(risk.steps.diff!.level).toBe('read');
    expect(risk.steps.back!.level).toBe('write');
    expect(decision.decision).toBe('allow');
  });
});
