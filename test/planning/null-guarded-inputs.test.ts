import { describe, expect, it } from 'vitest';
import { unsetInputs, type Plan } from '../../src/planning/index.js';
import { shell, validate } from '../helpers/catalog.js';

// An input declared without a value is null: a step reading it plainly would run `docker push :v1` or fail
// mid-run, so validation (ksa validate/run/resume) and unsetInputs (ksa ask, the chat) require it, except
// where the expression tested that very input against null on the way to the read.

const INPUTS = { image: null, tag: null, other: null, enabled: true };

/** The inputs without a value a one-step plan needs, as validation finds them, checked to agree with unsetInputs. */
function required(step: Record<string, unknown>): string[] {
  const document = { goal: 'g', inputs: INPUTS, steps: [step] };
  const lenient = validate(document, { requireInputValues: false });
  if (!lenient.ok) throw new Error(`the plan should be valid: ${JSON.stringify(lenient.issues)}`);
  const strict = validate(document);
  const byValidation = strict.ok ? [] : strict.issues.map((issue) => (issue.code === 'missing_input' ? String(issue.path[1]) : issue.message));
  expect(unsetInputs(lenient.plan as Plan).map((unset) => unset.name).sort()).toEqual([...byValidation].sort());
  return byValidation.sort();
}

const command = (text: string, extra: Record<string, unknown> = {}) => shell('push', { args: { command: text }, ...extra });

describe('an input without a value, read plainly, is required', () => {
  it.each([
    ['a when testing another value, then a plain read', command('echo docker push {{ inputs.image }}:v1', { when: 'inputs.enabled && inputs.image != ""' }), ['image']],
    ['has(), which is true for a declared null', command('echo {{ has(inputs.tag) ? inputs.tag : "latest" }}'), ['tag']],
    ['an `in` test', command('echo {{ inputs.tag in ["a"] ? "a" : inputs.image }}'), ['image', 'tag']],
    ['one read tested, the other not', command('echo {{ inputs.image + ":" + (inputs.tag == null ? "latest" : inputs.tag) }}'), ['image']],
    ['|| (it needs booleans in CEL)', command('echo {{ inputs.tag || "latest" }}'), ['tag']],
    ['a test of another input', command('echo {{ inputs.other != null ? inputs.tag : "x" }}'), ['tag']],
    ['the branch where it is null', command('echo {{ inputs.tag == null ? inputs.tag : "x" }}'), ['tag']],
    ['a read before the test', command('echo {{ inputs.tag + "" != "" && inputs.tag != null }}'), ['tag']],
    ['a when that may be true while it is null', command('echo {{ inputs.tag }}', { when: 'inputs.tag != null || inputs.enabled' }), ['tag']],
    ['a when that tests it only under a negation of a disjunction', command('echo {{ inputs.tag }}', { when: '!(inputs.tag != null || inputs.enabled)' }), ['tag']],
    ['a path member of it, even tested', command('echo {{ inputs.tag.name == null ? "x" : inputs.tag.name }}'), ['tag']],
    ['the when itself, read before its test', command('echo hi', { when: 'inputs.tag.startsWith("v") && inputs.tag != null' }), ['tag']],
    ['a rollback whose step is not guarded', command('echo hi', { rollback: { tool: 'shell', args: { command: 'docker rmi {{ inputs.image }}' } } }), ['image']],
  ])('%s', (_, step, names) => {
    expect(required(step)).toEqual(names);
  });
});

describe('an input without a value the expression tests against null first needs none', () => {
  it.each([
    ['== null ? default : it', command('echo {{ inputs.tag == null ? "latest" : inputs.tag }}')],
    ['!= null ? it : default', command('echo {{ inputs.tag != null ? inputs.tag : "latest" }}')],
    ['null on the left', command('echo {{ null == inputs.tag ? "latest" : inputs["tag"] }}')],
    ['a negated test', command('echo {{ !(inputs.tag == null) ? inputs.tag : "latest" }}')],
    ['!= null && a read', command('echo {{ inputs.tag != null && inputs.tag != "" }}')],
    ['== null || a read', command('echo {{ inputs.tag == null || inputs.tag == "" }}')],
    ['two tests in one condition', command('echo {{ inputs.image != null && inputs.tag != null ? inputs.image + ":" + inputs.tag : "none" }}')],
    ['a when requiring it, for the args and the rollback', command('docker push {{ inputs.image }}', { when: 'inputs.enabled && inputs.image != null', rollback: { tool: 'shell', args: { command: 'docker rmi {{ inputs.image }}' } } })],
    ['a when whose test sits under a negated disjunction', command('echo {{ inputs.tag }}', { when: '!(inputs.tag == null || !inputs.enabled)' })],
    ['the when itself, tested first', command('echo {{ inputs.tag }}', { when: 'inputs.tag != null && inputs.tag.startsWith("v")' })],
  ])('%s', (_, step) => {
    expect(required(step)).toEqual([]);
  });

  it('an llm_query prompt under a when requiring it', () => {
    expect(required({ id: 'ask', type: 'llm_query', when: 'inputs.tag != null', prompt: 'Explain {{ inputs.tag }}' })).toEqual([]);
    expect(required({ id: 'ask', type: 'llm_query', when: 'inputs.tag != null', prompt: 'Explain {{ inputs.image }}' })).toEqual(['image']);
  });

  it('a macro variable named inputs is not the plan input', () => {
    expect(required(command('echo {{ [{"tag": "v1"}].map(inputs, inputs.tag) }}'))).toEqual([]);
  });
});
