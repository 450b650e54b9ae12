import { describe, expect, it } from 'vitest';
import { issuesOf, linesOf, shell, validate } from '../helpers/catalog.js';

describe('validatePlan: dependencies', () => {
  it('unknown dependency, with "did you mean"', () => {
    const issues = issuesOf({ goal: 'g', steps: [shell('build'), shell('test', { dependsOn: ['biuld'] })] });
    expect(issues).toEqual([{ code: 'unknown_dependency', path: ['steps', 1, 'dependsOn', 0], message: 'unknown step "biuld" (did you mean "build"?)' }]);
  });

  it('short names: "did you mean" only within one edit up to 4 letters (zz, api, web are not a or db), a third of a longer name', () => {
    const lines = linesOf({ goal: 'g', steps: [shell('a'), shell('db'), shell('deploy-web'), shell('x', { dependsOn: ['zz', 'b', 'q', 'api', 'web', 'dbb', 'deplyo-wbe', 'deploy'] })] });
    expect(lines).toEqual([
      'steps[3].dependsOn[0]: unknown step "zz"',
      'steps[3].dependsOn[1]: unknown step "b"',
      'steps[3].dependsOn[2]: unknown step "q"',
      'steps[3].dependsOn[3]: unknown step "api"',
      'steps[3].dependsOn[4]: unknown step "web"',
      'steps[3].dependsOn[5]: unknown step "dbb" (did you mean "db"?)',
      'steps[3].dependsOn[6]: unknown step "deplyo-wbe" (did you mean "deploy-web"?)',
      'steps[3].dependsOn[7]: unknown step "deploy"',
    ]);
  });

  it('an unknown dependency close only to the step\'s own id: no suggestion (a step cannot depend on itself)', () => {
    expect(linesOf({ goal: 'g', steps: [shell('web', { dependsOn: ['wb'] })] })).toEqual(['steps[0].dependsOn[0]: unknown step "wb"']);
  });

  it('an unknown dependency close only to a step that depends on it: no suggestion (taking it would make a cycle)', () => {
    const steps = [shell('build', { dependsOn: ['tset'] }), shell('test', { dependsOn: ['build'] }), shell('ship', { dependsOn: ['test'] })];
    expect(linesOf({ goal: 'g', steps })).toEqual(['steps[0].dependsOn[0]: unknown step "tset"']);
    // The same typo on a step that "test" does not follow is suggested as before.
    const free = [shell('build'), shell('test', { dependsOn: ['build'] }), shell('ship', { dependsOn: ['tset'] })];
    expect(linesOf({ goal: 'g', steps: free })).toEqual(['steps[2].dependsOn[0]: unknown step "tset" (did you mean "test"?)']);
  });

  it('unknown dependency with nothing close: no suggestion', () => {
    expect(linesOf({ goal: 'g', steps: [shell('build'), shell('test', { dependsOn: ['build', 'provision-cluster'] })] })).toEqual([
      'steps[1].dependsOn[1]: unknown step "provision-cluster"',
    ]);
  });

  it('a dependency on a later step is fine (order in the file does not matter)', () => {
    expect(validate({ goal: 'g', steps: [shell('test', { dependsOn: ['build'] }), shell('build')] }).ok).toBe(true);
  });

  it('self-dependency', () => {
    const issues = issuesOf({ goal: 'g', steps: [shell('a'), shell('b', { dependsOn: ['a', 'b'] })] });
    expect(issues).toEqual([{ code: 'self_dependency', path: ['steps', 1, 'dependsOn', 1], message: expect.stringContaining('"b" cannot depend on itself') }]);
  });

  it('a 2-cycle is reported once as a path a -> b -> a', () => {
    const issues = issuesOf({ goal: 'g', steps: [shell('a', { dependsOn: ['b'] }), shell('b', { dependsOn: ['a'] })] });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'cycle', path: ['steps', 0, 'dependsOn'] });
    expect(issues[0]!.message).toContain('a -> b -> a');
  });

  it('a 3-cycle is reported as the path along dependsOn', () => {
    // a depends on c, c on b, b on a.
    const steps = [shell('a', { dependsOn: ['c'] }), shell('b', { dependsOn: ['a'] }), shell('c', { dependsOn: ['b'] })];
    const issues = issuesOf({ goal: 'g', steps });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toContain('a -> c -> b -> a');
  });

  it('the cycle path starts at the first step of the cycle in plan order', () => {
    const steps = [shell('root'), shell('x', { dependsOn: ['root', 'z'] }), shell('y', { dependsOn: ['x'] }), shell('z', { dependsOn: ['y'] })];
    const issues = issuesOf({ goal: 'g', steps });
    expect(issues.map((i) => [i.code, i.path])).toEqual([['cycle', ['steps', 1, 'dependsOn']]]);
    expect(issues[0]!.message).toContain('x -> z -> y -> x');
  });

  it('two independent cycles are both reported; steps downstream of a cycle are not blamed', () => {
    const steps = [
      shell('a', { dependsOn: ['b'] }),
      shell('b', { dependsOn: ['a'] }),
      shell('c', { dependsOn: ['d'] }),
      shell('d', { dependsOn: ['c'] }),
      shell('after', { dependsOn: ['a'] }),
    ];
    const messages = issuesOf({ goal: 'g', steps }).map((i) => i.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('a -> b -> a');
    expect(messages[1]).toContain('c -> d -> c');
  });

  it('a cycle does not hide other problems: a read of a step that is no dependency is reported beside it', () => {
    const steps = [
      shell('a', { dependsOn: ['b'] }),
      shell('b', { dependsOn: ['a'], when: 'steps.a.status == "succeeded"' }),
      shell('c', { dependsOn: ['nope'] }),
      shell('p'),
      shell('q', { when: 'steps.p.status == "succeeded"' }),
    ];
    const issues = issuesOf({ goal: 'g', steps });
    expect(issues.map((i) => i.code)).toEqual(['cycle', 'unknown_dependency', 'not_an_ancestor']);
    expect(issues[2]).toMatchObject({ path: ['steps', 4, 'when'] });
  });

  it('a duplicate dependency entry is harmless', () => {
    expect(validate({ goal: 'g', steps: [shell('a'), shell('b', { dependsOn: ['a', 'a'] })] }).ok).toBe(true);
  });

  it('dependencies of a step that failed its schema are still checked', () => {
    const steps = [shell('build'), { id: 'test', tool: 'shell', args: { command: 'x' }, timeoutMs: 'soon', dependsOn: ['biuld'] }];
    expect(issuesOf({ goal: 'g', steps }).map((i) => i.code)).toEqual(['invalid_field', 'unknown_dependency']);
  });
});

describe('validatePlan: tools', () => {
  it('unknown tool, with "did you mean" and the list of tools', () => {
    const issues = issuesOf({ goal: 'g', steps: [{ id: 'a', tool: 'kubctl', args: { args: ['get', 'pods'] } }] });
    expect(issues).toEqual([{ code: 'unknown_tool', path: ['steps', 0, 'tool'], message: expect.stringContaining('unknown tool "kubctl" (did you mean "kubectl"?)') }]);
    expect(issues[0]!.message).toContain('available: http, kubectl, shell, sleep');
  });

  it('unknown rollback tool', () => {
    const issues = issuesOf({ goal: 'g', steps: [shell('a', { rollback: { tool: 'shel', args: { command: 'undo' } } })] });
    expect(issues).toEqual([{ code: 'unknown_tool', path: ['steps', 0, 'rollback', 'tool'], message: expect.stringContaining('did you mean "shell"?') }]);
  });

  it('llm_query and condition steps need no tool', () => {
    const steps = [{ id: 'q', type: 'llm_query', prompt: 'hi' }, { id: 'c', type: 'condition', when: 'true' }];
    expect(validate({ goal: 'g', steps }).ok).toBe(true);
  });
});
