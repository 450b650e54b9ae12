import { describe, expect, it } from 'vitest';
import { issuesOf, linesOf, validate } from '../helpers/catalog.js';

const plan = (tool: string, args: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  goal: 'g',
  inputs: { port: 8080, url: 'http://x', code: 201 },
  steps: [{ id: 'a', tool, args, ...extra }],
});

describe('validatePlan: tool arguments against each tool’s zod schema', () => {
  it('accepts valid arguments', () => {
    expect(validate(plan('http', { url: 'http://localhost', method: 'GET', expectStatus: 200 })).ok).toBe(true);
    expect(validate(plan('kubectl', { args: ['get', 'pods'] })).ok).toBe(true);
  });

  it('missing required argument', () => {
    const issues = issuesOf(plan('shell', { cwd: 'app' }));
    expect(issues).toEqual([{ code: 'invalid_args', path: ['steps', 0, 'args', 'command'], message: 'is required (string) (tool "shell")' }]);
  });

  it('a missing `args` is checked as {}', () => {
    expect(linesOf({ goal: 'g', steps: [{ id: 'a', tool: 'sleep' }] })).toEqual(['steps[0].args.ms: is required (number) (tool "sleep")']);
  });

  it('wrong type', () => {
    const issues = issuesOf(plan('sleep', { ms: 'soon' }));
    expect(issues).toEqual([{ code: 'invalid_args', path: ['steps', 0, 'args', 'ms'], message: 'expected number, got string "soon" (tool "sleep")' }]);
  });

  it('wrong type inside an array', () => {
    const issues = issuesOf(plan('kubectl', { args: ['get', 3] }));
    expect(issues).toEqual([expect.objectContaining({ code: 'invalid_args', path: ['steps', 0, 'args', 'args', 1] })]);
    expect(issues[0]!.message).toContain('expected string, got number 3');
  });

  it('a value outside an enum', () => {
    const issues = issuesOf(plan('http', { url: 'x', method: 'PATCH' }));
    expect(issues).toEqual([expect.objectContaining({ code: 'invalid_args', path: ['steps', 0, 'args', 'method'] })]);
    expect(issues[0]!.message).toMatch(/GET.*POST/);
  });

  it('unknown argument', () => {
    const issues = issuesOf(plan('shell', { command: 'ls', shell: 'bash' }));
    expect(issues).toEqual([{ code: 'invalid_args', path: ['steps', 0, 'args', 'shell'], message: 'unknown argument "shell" (tool "shell")' }]);
  });

  it('several bad arguments of one step are all reported', () => {
    const codes = issuesOf(plan('http', { method: 1, extra: true })).map((i) => i.path.join('.'));
    expect(codes.sort()).toEqual(['steps.0.args.extra', 'steps.0.args.method', 'steps.0.args.url']);
  });

  it('rollback args are checked against the rollback tool', () => {
    const issues = issuesOf(plan('shell', { command: 'run' }, { rollback: { tool: 'sleep', args: { ms: -5 } } }));
    expect(issues).toEqual([expect.objectContaining({ code: 'invalid_args', path: ['steps', 0, 'rollback', 'args', 'ms'] })]);
    expect(issues[0]!.message).toContain('(tool "sleep")');
  });

  it('a templated value where a number is expected is NOT an error (its type is known at run time)', () => {
    expect(validate(plan('sleep', { ms: '{{ inputs.port }}' })).ok).toBe(true);
    expect(validate(plan('http', { url: '{{ inputs.url }}', expectStatus: '{{ inputs.code }}' })).ok).toBe(true);
  });

  it('a templated value in place of a whole array or object is not an error either', () => {
    expect(validate(plan('kubectl', { args: '{{ ["get", "pods"] }}' })).ok).toBe(true);
    expect(validate(plan('http', { url: 'x', headers: '{{ {"a": "b"} }}' })).ok).toBe(true);
  });

  it('a template does not excuse the other arguments', () => {
    const issues = issuesOf(plan('http', { url: '{{ inputs.url }}', expectStatus: 'ok' }));
    expect(issues.map((i) => i.path)).toEqual([['steps', 0, 'args', 'expectStatus']]);
  });

  it('an unknown argument is reported even when its value is templated', () => {
    const issues = issuesOf(plan('shell', { command: 'ls', timeout: '{{ inputs.port }}' }));
    expect(issues.map((i) => i.message)).toEqual(['unknown argument "timeout" (tool "shell")']);
  });
});
