import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../src/planning/index.js';
import { assessPlanRisk, classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// Every program's words are judged with the values the line or the step's `env` surely gives the variables they
// read; a value the line, the shell or a wrapper may change is not used.

const classify = (command: string, env: Record<string, string> = {}) => classifyShell(command, parseShell, 0, new Set(), { values: new Map(Object.entries(env)), anything: false });

describe("classifyShell: a command's words with the values they surely hold", () => {
  it.each<[string, Record<string, string>, RiskLevel, string]>([
    ['kubectl $V pods', { V: 'get' }, 'read', 'kubectl get'],
    ['kubectl "$V" pods -n "$NS"', { V: 'get', NS: 'shop' }, 'read', 'kubectl get'],
    ['kubectl $V ns x', { V: 'delete' }, 'destroy', 'kubectl delete'],
    ['kubectl $ARGS', { ARGS: 'delete ns x' }, 'destroy', 'kubectl delete'],
    ['helm uninstall web $FLAGS', { FLAGS: '--dry-run' }, 'read', 'helm uninstall --dry-run'],
    ['sudo kubectl $V pods', { V: 'get' }, 'read', 'sudo kubectl get'],
    ['bash -c "kubectl \\$V pods"', { V: 'get' }, 'read', 'kubectl get'],
    // A part of a word, and a value the line sets first.
    ['V=ge; kubectl ${V}t pods', {}, 'read', 'kubectl get'],
    ['kubectl ${V}t pods', { V: 'ge' }, 'read', 'kubectl get'],
    ['V=get; kubectl $V pods', { V: 'delete' }, 'read', 'kubectl get'],
  ])('%s with %j is %s', async (command, env, level, reason) => {
    const risk = await classify(command, env);
    expect(risk.level, risk.reason).toBe(level);
    expect(risk.reason).toContain(reason);
  });
});

describe('classifyShell: a value the line, the shell or a wrapper may change is not used', () => {
  it.each<[string, Record<string, string>, RiskLevel]>([
    ['read V; kubectl $V pods', { V: 'get' }, 'destroy'],
    ['V=$(cat verb); kubectl $V pods', { V: 'get' }, 'destroy'],
    ['for V in get delete; do kubectl $V pods; done', { V: 'get' }, 'destroy'],
    ['eval "$SETUP"; kubectl $V pods', { V: 'get', SETUP: 'true' }, 'destroy'],
    ['f() { local V=delete; kubectl $V pods; }; f', { V: 'get' }, 'destroy'],
    // IFS, from the step or set by the line, splits values otherwise.
    ['kubectl $V pods', { V: 'get', IFS: ',' }, 'destroy'],
    ['IFS=,; terraform apply $MODE', { MODE: '-auto-approve' }, 'destroy'],
    // bash sets BASH itself: the step's value is not the one read.
    ['sudo $BASH -c "rm -rf /srv"', { BASH: 'ls' }, 'destroy'],
    // sudo resets the environment; ssh and a container do not have it.
    ["sudo bash -c 'helm uninstall web $FLAGS'", { FLAGS: '--dry-run' }, 'destroy'],
    ["sudo bash -c 'terraform apply $MODE'", { MODE: '-auto-approve' }, 'destroy'],
    ["env -i bash -c 'helm uninstall web $FLAGS'", { FLAGS: '--dry-run' }, 'destroy'],
    ["ssh host 'helm uninstall web $FLAGS'", { FLAGS: '--dry-run' }, 'destroy'],
    ["kubectl exec web -- sh -c 'helm uninstall web $FLAGS'", { FLAGS: '--dry-run' }, 'destroy'],
  ])('%s with %j is %s', async (command, env, level) => {
    const risk = await classify(command, env);
    expect(risk.level, risk.reason).toBe(level);
  });

  it("rates a plan's step by its env, unless a value is filled in at run time", async () => {
    const plan = PlanSchema.parse({
      goal: 'risk',
      steps: [
        { id: 'look', tool: 'shell', args: { command: 'kubectl $V pods', env: { V: 'get' } } },
        { id: 'filled', tool: 'shell', args: { command: 'kubectl $V pods', env: { V: '{{ inputs.verb }}' } } },
      ],
    });
    const risk = await assessPlanRisk(plan, { parseShell });
    expect(risk.steps.look).toEqual({ level: 'read', reason: 'kubectl get' });
    expect(risk.steps.filled?.level).not.toBe('read');
  });
});
