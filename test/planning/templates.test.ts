import { describe, expect, it } from 'vitest';
import { compileTemplate, findTemplates, hasTemplate, renderTemplate, type ExpressionContext } from '../../src/planning/index.js';

const context: ExpressionContext = {
  steps: { start: { status: 'succeeded', output: { pid: 4242, host: 'localhost', meta: { tags: ['a', 'b'] } } } },
  inputs: { port: 8080, name: 'web', on: true, nothing: null, ratio: 0.5 },
  env: { MODE: 'ci' },
};

const render = (value: unknown) => renderTemplate(compileTemplate(value), context);

describe('findTemplates', () => {
  it('finds every {{ }} with the path of the string holding it', () => {
    const sites = findTemplates({ command: 'run {{ inputs.name }} on {{inputs.port}}', list: ['x', '{{ steps.start.output.pid }}'], plain: 'none', n: 3 }, ['steps', 0, 'args']);
    expect(sites).toEqual([
      { path: ['steps', 0, 'args', 'command'], source: 'inputs.name' },
      { path: ['steps', 0, 'args', 'command'], source: 'inputs.port' },
      { path: ['steps', 0, 'args', 'list', 1], source: 'steps.start.output.pid' },
    ]);
  });

  it('a quoted CEL string may hold }} (a quote never closed still makes a template, to be reported)', () => {
    expect(findTemplates({ command: "echo {{ 'a}}b' }} {{ \"}}\" + 'x' }}" }).map((site) => site.source)).toEqual(["'a}}b'", '"}}" + \'x\'']);
    expect(render("[{{ 'a}}b' }}]")).toBe('[a}}b]');
    expect(findTemplates({ command: "echo {{ 'a }}" }).map((site) => site.source)).toEqual(["'a"]);
    // Many quotes and no end: read once, not tried every way.
    expect(findTemplates({ command: `{{ ${"'' ".repeat(50_000)}` })).toEqual([]);
  });

  it('hasTemplate spots "{{"', () => {
    expect(hasTemplate('a {{ b }}')).toBe(true);
    expect(hasTemplate('a { b }')).toBe(false);
  });
});

describe('renderTemplate', () => {
  it('a string that is exactly one {{ expr }} takes the typed value', () => {
    expect(render('{{ inputs.port }}')).toBe(8080);
    expect(render('{{ inputs.port + 1 }}')).toBe(8081);
    expect(render('{{inputs.port}}')).toBe(8080);
    expect(render('{{ inputs.on }}')).toBe(true);
    expect(render('{{ inputs.nothing }}')).toBeNull();
    expect(render('{{ inputs.ratio }}')).toBe(0.5);
    expect(render('{{ steps.start.output.meta }}')).toEqual({ tags: ['a', 'b'] });
    expect(render('{{ steps.start.output.meta.tags }}')).toEqual(['a', 'b']);
  });

  it("CEL's own types read as CEL writes them, never as {}: uint, duration, bytes, timestamp", () => {
    expect(render("uint=[{{ uint(7) }}] dur=[{{ duration('90s') }}] bytes=[{{ b'hi' }}] ts=[{{ timestamp('2024-01-02T03:04:05Z') }}]")).toBe(
      'uint=[7] dur=[90s] bytes=[hi] ts=[2024-01-02T03:04:05.000Z]',
    );
    expect(render('{{ uint(7) }}')).toBe(7);
    expect(render("{{ duration('1h2m3.5s') }}")).toBe('3723.5s');
    expect(render("{{ [b'x', b'y'] }}")).toEqual(['x', 'y']);
    expect(render("{{ {'a': uint(2)} }}")).toEqual({ a: 2 });
    expect(render("{{ timestamp('2024-01-02T03:04:05Z') }}")).toBe('2024-01-02T03:04:05.000Z');
  });

  it('anything else is interpolated as text', () => {
    expect(render('http://{{ steps.start.output.host }}:{{ inputs.port }}/')).toBe('http://localhost:8080/');
    expect(render(' {{ inputs.port }}')).toBe(' 8080');
    expect(render('{{ inputs.port }}{{ inputs.port }}')).toBe('80808080');
    expect(render('on={{ inputs.on }} none={{ inputs.nothing }}.')).toBe('on=true none=.');
    expect(render('meta={{ steps.start.output.meta }}')).toBe('meta={"tags":["a","b"]}');
    expect(render('{{ env.MODE }}-{{ inputs.name.upperAscii() }}')).toBe('ci-WEB');
  });

  it('renders nested objects and arrays, leaving literals untouched', () => {
    const args = { pid: '{{ steps.start.output.pid }}', cmd: ['kill', '-9', '{{ string(steps.start.output.pid) }}'], opts: { port: '{{ inputs.port }}', keep: false, n: 1 }, text: 'plain' };
    expect(render(args)).toEqual({ pid: 4242, cmd: ['kill', '-9', '4242'], opts: { port: 8080, keep: false, n: 1 }, text: 'plain' });
  });

  it('a value without templates compiles to a literal and is returned as is', () => {
    const value = { a: [1, 'two', { three: null }] };
    const template = compileTemplate(value);
    expect(template.kind).toBe('literal');
    expect(renderTemplate(template, context)).toBe(value);
  });

  it('compiles once and renders against different contexts', () => {
    const template = compileTemplate({ port: '{{ inputs.port }}', url: 'x:{{ inputs.port }}' });
    expect(renderTemplate(template, { ...context, inputs: { port: 1 } })).toEqual({ port: 1, url: 'x:1' });
    expect(renderTemplate(template, { ...context, inputs: { port: 2 } })).toEqual({ port: 2, url: 'x:2' });
  });

  it('a run-time error is one line naming the expression', () => {
    expect(() => render('port {{ inputs.missing }}')).toThrow(/^expression "inputs.missing" failed: [^\n]*missing[^\n]*$/);
  });

  it('refuses to compile a template that does not parse', () => {
    expect(() => compileTemplate('{{ 1 + }}')).toThrow(/does not compile/);
  });
});
