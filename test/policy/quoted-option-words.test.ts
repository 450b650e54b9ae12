import { describe, expect, it } from 'vitest';
import { assessCallRisk, classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// A quoted word known only at run time stays one word, and that word may be an option as well as an unquoted one:
// `OPT=-destroy; terraform apply "$OPT"` destroys, `git push origin "$B"` with B=+main force-pushes, and
// `kubectl apply -f x.yaml "$OPT"` with OPT=--prune deletes. A value the step's env or the line gives decides.

const classify = (command: string, env: Record<string, string> = {}) => classifyShell(command, parseShell, 0, new Set(), { values: new Map(Object.entries(env)), anything: false });

describe('classifyShell: words known only at run time that may be a destroying option, quoted or not', () => {
  it.each<[string, Record<string, string>, RiskLevel]>([
    ['terraform apply "$OPT"', {}, 'destroy'],
    ['terraform apply -auto-approve "${OPT}"', {}, 'destroy'],
    ['tofu apply "$(cat mode)"', {}, 'destroy'],
    ['terraform apply "${X}=true"', {}, 'destroy'],
    ['terraform apply "$OPT"', { OPT: '-auto-approve' }, 'write'],
    ['terraform apply "$PLAN"', { PLAN: 'tfplan' }, 'write'],
    ['P=tfplan; terraform apply "$P"', {}, 'write'],
    // Its written text makes it a path or another option, never -destroy.
    ['terraform apply "$DIR/tfplan"', {}, 'write'],
    ['terraform apply -help "$OPT"', {}, 'write'],
    ['terraform apply "plan-$ENV"', {}, 'write'],
    ['terraform apply -var="region=$R"', {}, 'write'],

    ['git push $OPT', {}, 'destroy'],
    ['git push "$OPT"', {}, 'destroy'],
    ['git push origin $REF', {}, 'destroy'],
    // A refspec starting with + forces; one starting with : deletes; git takes options after operands too.
    ['git push origin "$BRANCH"', {}, 'destroy'],
    ['git push origin "$BRANCH":main', {}, 'destroy'],
    ['git push origin -- "$REF"', {}, 'destroy'],
    ['git push -u"$X" origin main', {}, 'destroy'],
    ['git push --force-with-lease="$LEASE" origin main', {}, 'destroy'],
    ['git push origin "$BRANCH"', { BRANCH: 'main' }, 'write'],
    ['git push origin "$BRANCH"', { BRANCH: '+main' }, 'destroy'],
    ['git push $OPT origin main', { OPT: '--set-upstream' }, 'write'],
    ['B=feature; git push origin "$B"', {}, 'write'],
    ['git push origin "refs/heads/$B"', {}, 'write'],
    ['git push origin "HEAD:$B"', {}, 'write'],
    ['git push -o "$CI_OPTION" origin main', {}, 'write'],
    ['git push --repo="$REMOTE" main', {}, 'write'],

    ['kubectl apply -f x.yaml $OPT', {}, 'destroy'],
    ['kubectl apply -f x.yaml "$OPT"', {}, 'destroy'],
    ['kubectl replace -f x.yaml "$OPT"', {}, 'destroy'],
    ['kubectl apply -f x.yaml "$OPT"', { OPT: '--server-side' }, 'write'],
    ['kubectl apply -f x.yaml "$OPT"', { OPT: '--prune' }, 'destroy'],
    ['kubectl apply -f "$FILE" -n "$NS"', {}, 'write'],
    ['kubectl apply --filename="$FILE" --namespace="$NS"', {}, 'write'],
    ['kubectl apply -f x.yaml -- "$OPT"', {}, 'write'],
    ['kubectl get pods "$POD"', {}, 'read'],
  ])('%s with %j is %s', async (command, env, level) => {
    const risk = await classify(command, env);
    expect(risk.level, risk.reason).toBe(level);
  });

  it('names the word and the option it may be', async () => {
    expect((await classify('terraform apply "$OPT"')).reason).toBe('terraform apply with "$OPT" known only at run time (may be -destroy)');
    expect((await classify('git push origin "$BRANCH"')).reason).toBe('git push with "$BRANCH" known only at run time (may be --force or +ref)');
    expect((await classify('kubectl apply -f x.yaml "$OPT"')).reason).toBe('kubectl apply with "$OPT" known only at run time (may be --prune or --force)');
  });
});

describe('a word from a {{ template }}, rated again once filled in, before it runs', () => {
  it.each<[string, RiskLevel]>([
    ['terraform apply -auto-approve {{ steps.get.output.stdout }}', 'write'],
    ['git push origin {{ inputs.branch }}', 'write'],
    ['kubectl apply -f x.yaml {{ inputs.opt }}', 'write'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });

  it.each<[readonly string[], RiskLevel]>([
    [['apply', '-f', 'x.yaml', '{{ inputs.opt }}'], 'write'],
    [['apply', '-f', 'x.yaml', '--prune'], 'destroy'],
  ])('the kubectl tool with %j is %s', async (args, level) => {
    const risk = await assessCallRisk('kubectl', { args }, { parseShell });
    expect(risk.level, risk.reason).toBe(level);
  });
});
