import { describe, expect, it } from 'vitest';
import { PlanSchema } from '../../../src/planning/index.js';
import { kubectlOption } from '../../../src/policy/kubectl-options.js';
import { assessPolicy, parsePolicy } from '../../../src/policy/rules/index.js';
import { everyObjectPatterns } from '../../../src/policy/rules/every-object.js';
import { createBuiltinRegistry, riskOptions } from '../../../src/tools/index.js';

// A kubectl call that picks objects other than by name meets a rule naming one of them whatever else it holds: the
// values of its options written after a space (`--timeout 60s`), what it sets on the objects (`label … frozen=true`),
// a kind alone where kubectl reads that as every object of it (`get secrets`, `rollout restart deploy`), the category
// `all`, a `--raw` collection; and the decision says so.

const options = riskOptions(createBuiltinRegistry(), process.env, '/srv/app');

async function decide(policy: string, command: string): Promise<{ decision: string; why: string }> {
  const plan = PlanSchema.parse({ goal: 'picked', steps: [{ id: 's', tool: 'shell', args: { command } }] });
  const step = (await assessPolicy(plan, parsePolicy(policy, '/srv/app/.ksa/policy.yaml'), 'write', options)).decision.steps[0]!;
  return { decision: step.decision, why: step.why };
}
/** Denied, or left to the mode (asked or allowed as its level says). */
const decisionOf = async (policy: string, command: string) => ((await decide(policy, command)).decision === 'deny' ? 'deny' : 'not denied');
const deny = (...patterns: string[]) => `deny:\n${patterns.map((pattern) => `  - kubectl: "${pattern}"\n`).join('')}`;

describe('an option value written after a space is no object name', () => {
  it.each([
    ['delete ns prod', 'kubectl delete ns --all --timeout 60s', 'deny'],
    ['delete ns prod', 'kubectl delete ns --all --cascade foreground', 'deny'],
    ['delete ns prod', 'kubectl delete ns -l env=prod --chunk-size 50', 'deny'],
    ['delete ns prod', 'kubectl delete ns --all --wait false', 'deny'],
    ['delete ns prod', 'kubectl delete ns --all --request-timeout 5s --kubeconfig /tmp/k --as admin', 'deny'],
    ['delete ns prod', 'kubectl --username admin --password x delete ns --all', 'deny'],
    ['delete ns prod', 'kubectl delete ns -Al env=prod', 'deny'],
    ['delete ns prod', 'kubectl delete ns staging --timeout 60s', 'not denied'],
    ['delete pod web -n prod', 'kubectl delete pods --all -A --grace-period 0', 'deny'],
    ['delete pod web -n prod', 'kubectl delete pods --all --grace-period 0 -n prod', 'deny'],
    ['delete pod web -n prod', 'kubectl delete pods --all --grace-period 0 -n staging', 'not denied'],
  ])('"%s": %s is %s', async (pattern, command, expected) => {
    expect(await decisionOf(deny(pattern), command)).toBe(expected);
  });

  it('reads each command’s own options', () => {
    expect(kubectlOption('delete', '--timeout')).toEqual({ takesNext: true, picks: [] });
    expect(kubectlOption('delete', '--cascade')).toEqual({ takesNext: false, picks: [] });
    expect(kubectlOption('delete', '-f').takesNext).toBe(true);
    expect(kubectlOption('logs', '-f').takesNext).toBe(false);
    expect(kubectlOption('get', '-w').takesNext).toBe(false);
    expect(kubectlOption('proxy', '-w').takesNext).toBe(true);
    expect(kubectlOption('delete', '-Al')).toEqual({ takesNext: true, picks: ['namespaces', 'selector'] });
    expect(kubectlOption('delete', '-lapp=web')).toEqual({ takesNext: false, picks: ['selector'] });
    expect(kubectlOption('delete', '--all=false').picks).toEqual([]);
    expect(kubectlOption('run', '-l').picks).toEqual([]);
    expect(kubectlOption('expose', '--selector').picks).toEqual([]);
  });
});

describe('what label, annotate, set and taint set on the objects is no object name', () => {
  it.each([
    ['label ns prod *', 'kubectl label ns --all frozen=true', 'deny'],
    ['label ns prod *', 'kubectl label ns -l a=b x=y', 'deny'],
    ['label ns prod *', 'kubectl label ns prod frozen=true', 'deny'],
    ['label ns prod *', 'kubectl label ns staging frozen=true', 'not denied'],
    ['label pod web -n prod *', 'kubectl label pods --all tier=x -A', 'deny'],
    ['label pod web -n prod *', 'kubectl label pods --all tier- -n prod', 'deny'],
    ['label pod web -n prod *', 'kubectl label pod web tier=x -n prod', 'deny'],
    ['label pod web -n prod *', 'kubectl label pods --all tier=x -n staging', 'not denied'],
    ['annotate ns prod *', 'kubectl annotate ns --all owner=me', 'deny'],
    ['set image deploy/web * -n prod', 'kubectl set image deploy --all web=nginx -n prod', 'deny'],
    ['set image deploy/web * -n prod', 'kubectl set image deploy/web -n prod web=nginx', 'deny'],
    ['set image deploy/web * -n prod', 'kubectl set image deploy/api web=nginx -n prod', 'not denied'],
    ['set env deploy/api -n prod *', 'kubectl set env deploy --all -n prod A=B', 'deny'],
    ['set serviceaccount deploy web *', 'kubectl set serviceaccount deploy --all bot', 'deny'],
    ['taint node n1 *', 'kubectl taint nodes --all dedicated=x:NoSchedule', 'deny'],
    // expose's --selector is the selector of the service it makes, not objects it picks.
    ['expose deploy api *', 'kubectl expose deploy web --selector app=api', 'not denied'],
  ])('"%s": %s is %s', async (pattern, command, expected) => {
    expect(await decisionOf(deny(pattern), command)).toBe(expected);
  });
});

describe('a kind alone, the category all, a --raw collection, a rule for a namespace', () => {
  it.each([
    ['rollout restart deploy/web -n prod', 'kubectl rollout restart deploy -n prod', 'deny'],
    ['rollout restart deploy/web -n prod', 'kubectl rollout restart deploy -n staging', 'not denied'],
    ['get secret db -n shop *', 'kubectl get secrets -n shop -o yaml', 'deny'],
    ['get secret db -n shop *', 'kubectl get secrets -A', 'deny'],
    ['get secret db -n shop *', 'kubectl get --raw /api/v1/secrets', 'deny'],
    ['get secret db -n shop *', 'kubectl get secrets -n other', 'not denied'],
    ['get secret db -n shop *', 'kubectl get secret api -n shop', 'not denied'],
    // delete refuses a kind with no name: nothing is deleted.
    ['delete pod web -n prod', 'kubectl delete pods -n prod', 'not denied'],
    ['delete pod web -n prod', 'kubectl delete all --all -n prod', 'deny'],
    ['delete pod web -n prod', 'kubectl delete all -l app=web -n prod', 'deny'],
    ['delete pod web -n prod', 'kubectl delete all --all -A', 'deny'],
    ['delete deploy web -n prod', 'kubectl delete all --all -n prod', 'deny'],
    ['delete pod web -n prod', 'kubectl delete all --all -n staging', 'not denied'],
    // Secrets are not in the category all.
    ['delete secret db -n prod', 'kubectl delete all --all -n prod', 'not denied'],
    ['delete * -n prod *', 'kubectl delete deploy -l app=x -A', 'deny'],
    ['delete * -n prod *', 'kubectl delete deploy web -n staging', 'not denied'],
    ['delete * -n prod *', 'kubectl delete deploy web -A', 'not denied'],
    ['delete * -n prod *', 'kubectl delete deploy -A', 'not denied'],
    ['get * -n prod *', 'kubectl get deploy -A', 'deny'],
  ])('"%s": %s is %s', async (pattern, command, expected) => {
    expect(await decisionOf(deny(pattern), command)).toBe(expected);
  });

  it('a rule with a namespace and no object meets every namespace', () => {
    expect(everyObjectPatterns('delete * -n prod *')).toEqual(['delete * -n %every% *']);
    expect(everyObjectPatterns('delete *')).toEqual([]);
  });
});

describe('the decision says the call picks objects other than by name', () => {
  it.each([
    ['kubectl delete ns --all --timeout 60s', 'the call picks every object of its kind (--all), which may include what the rule names'],
    ['kubectl delete ns -l env=prod', 'the call picks objects by a selector, which may include what the rule names'],
    ['kubectl delete ns -l env=prod -A', 'the call picks objects by a selector, in every namespace, which may include what the rule names'],
    ['kubectl delete --raw /api/v1/namespaces', 'the call acts on a whole collection through --raw, which may include what the rule names'],
  ])('%s', async (command, reason) => {
    const { decision, why } = await decide(deny('delete ns prod'), command);
    expect(decision).toBe('deny');
    expect(why).toContain(`denied by deny kubectl: "delete ns prod"`);
    expect(why.endsWith(`; ${reason}`)).toBe(true);
    expect(why).not.toContain('%every%');
    expect(why).not.toContain('\n');
  });

  it('says nothing of it for a call that names the object', async () => {
    const { why } = await decide(deny('delete ns prod'), 'kubectl delete ns prod --timeout 60s');
    expect(why).not.toContain('picks');
  });
});
