import { describe, expect, it } from 'vitest';
import { compileExpression, evaluateExpression, ExpressionEvaluationError, type CompiledExpression, type ExpressionContext } from '../../src/planning/index.js';

const context: ExpressionContext = {
  steps: {
    build: { status: 'succeeded', attempts: 2, output: { exitCode: 0, stdout: 'built web:1.2', image: { name: 'web', tags: ['1.2', 'latest'] } } },
    opt: { status: 'skipped' },
  },
  inputs: { port: 8080, name: 'web', ratio: 1.5, replicas: [1, 2, 3], flags: { debug: true }, empty: null },
  env: { HOME: '/home/u' },
};

function compiled(source: string): CompiledExpression {
  const result = compileExpression(source);
  if (!result.ok) throw new Error(`does not compile: ${result.message}`);
  return result.expression;
}

const evaluate = (source: string, ctx: ExpressionContext = context) => evaluateExpression(compiled(source), ctx);

describe('compileExpression', () => {
  it('compiles CEL and lists what it reads', () => {
    const { references } = compiled('steps.build.output.exitCode == 0 && inputs.port > 1 && env.HOME != "" && steps["deploy-web"].status == "x"');
    expect(references.steps.sort()).toEqual(['build', 'deploy-web']);
    expect(references.inputs).toEqual(['port']);
    expect(references.env).toEqual(['HOME']);
    expect(references.unknownRoots).toEqual([]);
    expect(references.dynamicStepAccess).toBe(false);
  });

  it('notices unknown roots and computed step keys', () => {
    expect(compiled('step.build.status == "x"').references.unknownRoots).toEqual(['step']);
    expect(compiled('steps[inputs.which].status').references.dynamicStepAccess).toBe(true);
  });

  it('does not count macro variables as roots', () => {
    const { references } = compiled('inputs.replicas.exists(r, r > 2) && inputs.replicas.map(x, x * 2).size() == 3');
    expect(references.unknownRoots).toEqual([]);
    expect(references.inputs).toEqual(['replicas']);
  });

  it('reports a syntax error in one line with the column', () => {
    const result = compileExpression('inputs.port ==');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message.split('\n')).toHaveLength(1);
    expect(result.message).toMatch(/column \d+/);
  });

  it('never uses eval: JavaScript is not CEL', () => {
    expect(compileExpression('(() => 1)()').ok).toBe(false);
    expect(compileExpression('process.exit(1)').ok).toBe(true); // parses as CEL member access…
    expect(() => evaluate('process.exit(1)')).toThrow(ExpressionEvaluationError); // …but there is no such variable
  });
});

describe('evaluateExpression', () => {
  it('reads steps, inputs and output keys named constructor or __proto__ (valid ids) like any other', () => {
    const output = { stdout: 'hello', constructor: 'c', ['__proto__']: 'p' };
    const odd: ExpressionContext = { steps: { constructor: { status: 'succeeded', output } }, inputs: { constructor: 'zz' }, env: {} };
    expect(evaluate("steps.constructor.status == 'succeeded'", odd)).toBe(true);
    expect(evaluate('steps.constructor.output.stdout', odd)).toBe('hello');
    expect(evaluate('inputs.constructor', odd)).toBe('zz');
    expect(evaluate('steps.constructor.output.constructor', odd)).toBe('c');
    const read = evaluate('steps.constructor.output', odd) as Record<string, unknown>;
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.hasOwn(read, '__proto__')).toBe(true);
    expect(read.constructor).toBe('c');
  });

  it('gives a type value by its CEL name, never cel-js\'s Type<…> (whose < and > a shell line would read as redirections)', () => {
    expect(evaluate('type(inputs.port)')).toBe('int');
    expect(evaluate('[int, string, type(null), null_type, type(1u), type([1]), type({"a": 1}), type(1.5), type(true), type(b"x"), type(type(1))]')).toEqual(['int', 'string', 'null_type', 'null_type', 'uint', 'list', 'map', 'double', 'bool', 'bytes', 'type']);
    expect(evaluate('{"k": int}')).toEqual({ k: 'int' });
    expect(evaluate("[type(duration('1s')), type(timestamp('2024-01-01T00:00:00Z'))]")).toEqual(['google.protobuf.Duration', 'google.protobuf.Timestamp']);
  });

  it('integers from JSON are usable in arithmetic: inputs.port + 1 is the number 8081', () => {
    const value = evaluate('inputs.port + 1');
    expect(value).toBe(8081);
    expect(typeof value).toBe('number');
    expect(evaluate('inputs.replicas[0] + inputs.port')).toBe(8081);
    expect(evaluate('steps.build.output.exitCode == 0')).toBe(true);
    expect(evaluate('steps.build.attempts * 10')).toBe(20);
  });

  it('non-whole numbers stay doubles', () => {
    expect(evaluate('inputs.ratio * 2.0')).toBe(3);
    expect(evaluate('double(inputs.port) / 2.0')).toBe(4040);
  });

  it('returns objects, lists, strings, booleans and null as plain values', () => {
    expect(evaluate('steps.build.output.image')).toEqual({ name: 'web', tags: ['1.2', 'latest'] });
    expect(evaluate('inputs.replicas.map(r, r * 2)')).toEqual([2, 4, 6]);
    expect(evaluate('{"port": inputs.port, "name": inputs.name}')).toEqual({ port: 8080, name: 'web' });
    expect(evaluate('inputs.flags.debug')).toBe(true);
    expect(evaluate('inputs.empty')).toBeNull();
    expect(evaluate('inputs.name')).toBe('web');
  });

  it('has the CEL string functions', () => {
    expect(evaluate('inputs.name.startsWith("we")')).toBe(true);
    expect(evaluate('inputs.name.endsWith("b")')).toBe(true);
    expect(evaluate('steps.build.output.stdout.contains("web")')).toBe(true);
    expect(evaluate('inputs.name.matches("^w[a-z]+$")')).toBe(true);
    expect(evaluate('inputs.name.size()')).toBe(3);
    expect(evaluate('size(inputs.name)')).toBe(3);
    expect(evaluate('inputs.name + ":" + string(inputs.port)')).toBe('web:8080');
    expect(evaluate('int("42") + 1')).toBe(43);
  });

  it('conditionals, has() and logical operators', () => {
    expect(evaluate('inputs.flags.debug ? "debug" : "release"')).toBe('debug');
    expect(evaluate('has(inputs.flags.debug) && !has(inputs.flags.trace)')).toBe(true);
    expect(evaluate('steps.opt.status == "skipped" || steps.opt.output.x == 1')).toBe(true);
  });

  it('env values are readable', () => {
    expect(evaluate('env.HOME + "/bin"')).toBe('/home/u/bin');
  });

  it('a missing key is an error of one line that names the key and the expression', () => {
    let error: unknown;
    try {
      evaluate('inputs.nope + 1');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ExpressionEvaluationError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain('nope');
    expect(message).toContain('"inputs.nope + 1"');
    expect((error as ExpressionEvaluationError).source).toBe('inputs.nope + 1');
  });

  it('reading the output of a step without one (e.g. skipped) is an error', () => {
    expect(() => evaluate('steps.opt.output.value')).toThrow(/output/);
  });

  it('a type mismatch is an error, not a silent coercion', () => {
    expect(() => evaluate('inputs.name + 1')).toThrow(ExpressionEvaluationError);
    expect(() => evaluate('inputs.name > 1')).toThrow(ExpressionEvaluationError);
  });

  it('evaluates only what it reads, so the cost does not grow with the run', () => {
    const record: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) record[`s${i}`] = { status: 'succeeded', output: { n: i } };
    // Every way of looking at the run's steps is counted: an evaluation that copied or walked them would show.
    const touched: string[] = [];
    const steps = new Proxy(record, {
      get: (target, key, receiver) => (touched.push(`get ${String(key)}`), Reflect.get(target, key, receiver)),
      has: (target, key) => (touched.push(`has ${String(key)}`), Reflect.has(target, key)),
      ownKeys: (target) => (touched.push('ownKeys'), Reflect.ownKeys(target)),
      getOwnPropertyDescriptor: (target, key) => (touched.push(`describe ${String(key)}`), Reflect.getOwnPropertyDescriptor(target, key)),
    });
    const expression = compiled('steps.s99999.output.n + 1');
    expect(evaluateExpression(expression, { steps, inputs: {}, env: {} })).toBe(100_000);
    expect(touched).not.toContain('ownKeys');
    expect(new Set(touched.map((what) => what.split(' ')[1]))).toEqual(new Set(['s99999']));
  });

  it('gives the same result for the same compiled expression over different contexts', () => {
    const expression = compiled('inputs.port * 2');
    expect(evaluateExpression(expression, { steps: {}, inputs: { port: 1 }, env: {} })).toBe(2);
    expect(evaluateExpression(expression, { steps: {}, inputs: { port: 21 }, env: {} })).toBe(42);
  });
});
