import { describe, expect, it } from 'vitest';
import { compileExpression, evaluateExpression } from '../../src/planning/index.js';
import { issuesOf, shell, validate } from '../helpers/catalog.js';

const base = (steps: unknown[], inputs: Record<string, unknown> = { port: 8080 }) => ({ goal: 'g', inputs, steps });

describe('validatePlan: expressions that do not compile', () => {
  it('in `when`', () => {
    const issues = issuesOf(base([shell('a', { when: 'inputs.port ==' })]));
    expect(issues).toEqual([{ code: 'invalid_expression', path: ['steps', 0, 'when'], message: expect.stringContaining('does not compile') }]);
    expect(issues[0]!.message).toContain('"inputs.port =="');
    expect(issues[0]!.message.split('\n')).toHaveLength(1);
  });

  it('in an args template, at the path of the argument', () => {
    const issues = issuesOf(base([{ id: 'a', tool: 'shell', args: { command: 'echo {{ inputs.port + }}' } }]));
    expect(issues).toEqual([{ code: 'invalid_expression', path: ['steps', 0, 'args', 'command'], message: expect.stringContaining('"inputs.port +" does not compile') }]);
  });

  it('in a nested args template', () => {
    const issues = issuesOf(base([{ id: 'a', tool: 'kubectl', args: { args: ['get', '{{ ) }}'] } }]));
    expect(issues.map((i) => [i.code, i.path])).toEqual([['invalid_expression', ['steps', 0, 'args', 'args', 1]]]);
  });

  it('in an llm_query prompt', () => {
    const issues = issuesOf(base([{ id: 'q', type: 'llm_query', prompt: 'Why {{ inputs. }}?' }]));
    expect(issues).toEqual([{ code: 'invalid_expression', path: ['steps', 0, 'prompt'], message: expect.stringContaining('does not compile') }]);
  });

  it('in a condition step and in rollback args', () => {
    const issues = issuesOf(
      base([{ id: 'c', type: 'condition', when: '&& true' }, shell('a', { rollback: { tool: 'shell', args: { command: 'kill {{ ( }}' } } })]),
    );
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['invalid_expression', ['steps', 0, 'when']],
      ['invalid_expression', ['steps', 1, 'rollback', 'args', 'command']],
    ]);
  });

  it('each template of a string is checked', () => {
    const issues = issuesOf(base([{ id: 'a', tool: 'shell', args: { command: '{{ inputs.port }} {{ 1 + }} {{ inputs.nope }}' } }]));
    expect(issues.map((i) => i.code)).toEqual(['invalid_expression', 'unknown_input']);
  });
});

describe('validatePlan: a "{{" that no "}}" closes', () => {
  const unclosed = '"{{" with no closing "}}"; write \\{{ for a literal {{';

  it('is a problem at the string that holds it (args, nested args, prompt, rollback), not text run as written', () => {
    const issues = issuesOf(
      base([
        { id: 'a', tool: 'shell', args: { command: 'kubectl scale --replicas={{ inputs.port' } },
        { id: 'b', tool: 'kubectl', args: { args: ['get', '{{ inputs.port }} {{'] } },
        { id: 'q', type: 'llm_query', prompt: 'Why {{ inputs.port' },
        shell('r', { rollback: { tool: 'shell', args: { command: 'kill {{ inputs.port' } } }),
      ]),
    );
    expect(issues).toEqual([
      { code: 'invalid_expression', path: ['steps', 0, 'args', 'command'], message: unclosed },
      { code: 'invalid_expression', path: ['steps', 1, 'args', 'args', 1], message: unclosed },
      { code: 'invalid_expression', path: ['steps', 2, 'prompt'], message: unclosed },
      { code: 'invalid_expression', path: ['steps', 3, 'rollback', 'args', 'command'], message: unclosed },
    ]);
  });

  it('an escaped \\{{, a closed one, or a quoted }} inside one is fine', () => {
    const plan = base([{ id: 'a', tool: 'shell', args: { command: "docker inspect -f '\\{{.State}}' {{ inputs.port }} {{ 'a}}b' }}" } }]);
    expect(validate(plan).ok).toBe(true);
  });
});

describe('validatePlan: step references', () => {
  it('a reference to an unknown step, with "did you mean"', () => {
    const issues = issuesOf(base([shell('build'), shell('test', { dependsOn: ['build'], when: 'steps.biuld.output.exitCode == 0' })]));
    expect(issues).toEqual([{ code: 'unknown_reference', path: ['steps', 1, 'when'], message: expect.stringContaining('unknown step "biuld" (did you mean "build"?)') }]);
  });

  it('"did you mean" names only a step the expression may read: an ancestor, never the step itself or a sibling', () => {
    const message = (steps: unknown[]) => issuesOf(base(steps))[0]!.message;
    expect(message([shell('a', { when: 'steps.zz.output.exitCode == 0' })])).toBe('"steps.zz.output.exitCode == 0" references unknown step "zz"');
    const tests = [shell('build'), shell('built'), shell('test', { dependsOn: ['build'], when: 'steps.buil.output.exitCode == 0' })];
    expect(message(tests)).toContain('(did you mean "build"?)');
    expect(message([shell('build'), shell('built'), shell('test', { dependsOn: ['built'], when: 'steps.bilt.output.exitCode == 0' })])).toContain('(did you mean "built"?)');
    expect(message([shell('build'), shell('test', { when: 'steps.biuld.output.exitCode == 0' })])).not.toContain('did you mean');
  });

  it('a rollback may read its own step, so "did you mean" may name it there', () => {
    const step = shell('web', { rollback: { tool: 'shell', args: { command: 'echo {{ steps.wb.output.stdout }}' } } });
    expect(issuesOf(base([step]))[0]!.message).toContain('(did you mean "web"?)');
  });

  it('a reference to a step that is not an ancestor', () => {
    const issues = issuesOf(base([shell('build'), shell('test', { args: { command: 'echo {{ steps.build.output.stdout }}' } })]));
    expect(issues).toEqual([{ code: 'not_an_ancestor', path: ['steps', 1, 'args', 'command'], message: expect.stringContaining('"test" does not depend on') }]);
    expect(issues[0]!.message).toContain('add "build" to dependsOn');
  });

  it('a reference to a sibling or a descendant is not allowed', () => {
    const steps = [shell('root'), shell('left', { dependsOn: ['root'], when: 'steps.right.status == "succeeded"' }), shell('right', { dependsOn: ['root'] }), shell('leaf', { dependsOn: ['left'] })];
    const issues = issuesOf(base(steps));
    expect(issues.map((i) => [i.code, i.path])).toEqual([['not_an_ancestor', ['steps', 1, 'when']]]);
    const down = issuesOf(base([shell('a', { when: 'steps.b.status == "x"' }), shell('b', { dependsOn: ['a'] })]));
    expect(down.map((i) => i.code)).toEqual(['not_an_ancestor']);
  });

  it('a transitive ancestor IS allowed', () => {
    const steps = [
      shell('a'),
      shell('b', { dependsOn: ['a'] }),
      shell('c', { dependsOn: ['b'] }),
      shell('d', { dependsOn: ['c'], when: 'steps.a.status == "succeeded"', args: { command: 'echo {{ steps.b.output.stdout }}' } }),
    ];
    expect(validate(base(steps)).ok).toBe(true);
  });

  it('a reference to the step itself in `when` or args is an error', () => {
    const whenSelf = issuesOf(base([shell('a', { when: 'steps.a.status == "succeeded"' })]));
    expect(whenSelf).toEqual([{ code: 'not_an_ancestor', path: ['steps', 0, 'when'], message: expect.stringContaining('the step itself') }]);
    const argsSelf = issuesOf(base([{ id: 'a', tool: 'shell', args: { command: 'echo {{ steps.a.output.stdout }}' } }]));
    expect(argsSelf.map((i) => [i.code, i.path])).toEqual([['not_an_ancestor', ['steps', 0, 'args', 'command']]]);
    const promptSelf = issuesOf(base([{ id: 'q', type: 'llm_query', prompt: '{{ steps.q.output }}' }]));
    expect(promptSelf.map((i) => i.code)).toEqual(['not_an_ancestor']);
  });

  it('a reference to the step itself in rollback args is allowed', () => {
    const step = shell('start', { rollback: { tool: 'shell', args: { command: 'kill {{ steps.start.output.pid }}' } } });
    expect(validate(base([step])).ok).toBe(true);
  });

  it('rollback args may read ancestors but not other steps', () => {
    const steps = [shell('net'), shell('web', { dependsOn: ['net'], rollback: { tool: 'shell', args: { command: '{{ steps.net.output.stdout }} {{ steps.db.output.stdout }}' } } }), shell('db')];
    const issues = issuesOf(base(steps));
    expect(issues.map((i) => [i.code, i.path])).toEqual([['not_an_ancestor', ['steps', 1, 'rollback', 'args', 'command']]]);
    expect(issues[0]!.message).toContain('"db"');
  });

  it('ids with "-" are read with steps["id"]; steps.deploy-web is an error, not silently wrong', () => {
    const ok = [shell('deploy-web'), shell('check', { dependsOn: ['deploy-web'], when: 'steps["deploy-web"].status == "succeeded"' })];
    expect(validate(base(ok)).ok).toBe(true);
    const dotted = [shell('deploy-web'), shell('check', { dependsOn: ['deploy-web'], when: 'steps.deploy-web.status == "succeeded"' })];
    expect(issuesOf(base(dotted)).length).toBeGreaterThan(0);
  });

  it('steps[...] with a computed key cannot be checked and is an error', () => {
    const issues = issuesOf(base([shell('a'), shell('b', { dependsOn: ['a'], when: 'steps[inputs.which].status == "x"' })], { which: 'a' }));
    expect(issues).toEqual([expect.objectContaining({ code: 'unknown_reference', path: ['steps', 1, 'when'], message: expect.stringContaining('computed key') })]);
  });

  it('variables bound by macros are not unknown roots', () => {
    const when = 'steps.a.output.items.exists(i, i > 1) && steps.a.output.items.all(x, x < 10) && has(steps.a.output.items)';
    expect(validate(base([shell('a'), shell('b', { dependsOn: ['a'], when })])).ok).toBe(true);
  });
});

describe('validatePlan: inputs, env and unknown variables', () => {
  it('an unknown input, with "did you mean"', () => {
    const issues = issuesOf(base([shell('a', { when: 'inputs.prot == 8080' })]));
    expect(issues).toEqual([{ code: 'unknown_input', path: ['steps', 0, 'when'], message: expect.stringContaining('inputs.prot') }]);
    expect(issues[0]!.message).toContain('(did you mean "port"?)');
  });

  it('an input named __proto__ (lost on its way to the expressions) is a reserved name, said before anything runs', () => {
    const plan = JSON.parse('{"goal":"proto","inputs":{"__proto__":"p"},"steps":[{"id":"a","tool":"shell","args":{"command":"echo {{ inputs.__proto__ }}"}}]}') as unknown;
    expect(issuesOf(plan)).toEqual([{ code: 'invalid_field', path: ['inputs', '__proto__'], message: 'is a reserved name (JavaScript objects treat __proto__ specially); choose another input name' }]);
  });

  it('an unknown input with nothing close suggests declaring it', () => {
    const issues = issuesOf(base([shell('a', { when: 'inputs.replicas > 1' })]));
    expect(issues[0]!.message).toContain('add it under inputs');
  });

  it('inputs supplied via options.inputs are accepted', () => {
    const plan = base([shell('a', { when: 'inputs.replicas > 1' })]);
    expect(validate(plan, { inputs: { replicas: 3 } }).ok).toBe(true);
  });

  it('env references must be allow-listed', () => {
    const plan = base([{ id: 'a', tool: 'shell', args: { command: 'echo {{ env.HOME }}' } }]);
    const issues = issuesOf(plan);
    expect(issues).toEqual([{ code: 'env_not_allowed', path: ['steps', 0, 'args', 'command'], message: expect.stringContaining('env.HOME') }]);
    expect(issues[0]!.message).toContain('not allow-listed');
    expect(issues[0]!.message).toContain('--allow-env HOME');
    expect(validate(plan, { allowedEnv: ['HOME'] }).ok).toBe(true);
    expect(issuesOf(plan, { allowedEnv: ['PATH'] })[0]!.code).toBe('env_not_allowed');
  });

  it('an unknown root variable such as `step.build.status`', () => {
    const issues = issuesOf(base([shell('build'), shell('test', { dependsOn: ['build'], when: 'step.build.status == "succeeded"' })]));
    expect(issues).toEqual([{ code: 'unknown_reference', path: ['steps', 1, 'when'], message: expect.stringContaining('unknown variable "step"') }]);
    expect(issues[0]!.message).toContain('steps, inputs and env');
  });

  it("CEL's type names are values, not unknown variables, as the CEL library runs them", () => {
    const values = { port: 8080, count: 2, ratio: 1.5, on: true, name: 'web', tags: ['a'], limits: { cpu: 2 } };
    const checks: Record<string, string> = {
      int: 'inputs.port', uint: 'uint(inputs.count)', double: 'inputs.ratio', bool: 'inputs.on', string: 'inputs.name',
      bytes: 'bytes(inputs.name)', list: 'inputs.tags', map: 'inputs.limits', null_type: 'null', type: 'int',
    };
    for (const [name, value] of Object.entries(checks)) {
      const when = `type(${value}) == ${name} && type(${name}) == type && [int, ${name}].exists(t, t == type(${value}))`;
      expect(validate(base([shell('a', { when })], values)).ok, when).toBe(true);
      const compiled = compileExpression(when);
      if (!compiled.ok) throw new Error(compiled.message);
      expect(evaluateExpression(compiled.expression, { inputs: values, steps: {}, env: {} }), when).toBe(true);
    }
    expect(issuesOf(base([shell('a', { when: 'type(inputs.port) == strng' })]))).toEqual([
      { code: 'unknown_reference', path: ['steps', 0, 'when'], message: expect.stringContaining('unknown variable "strng"') },
    ]);
  });

  it('one expression with several problems reports each of them', () => {
    const when = 'step.x == 1 && steps.nope.status == "x" && inputs.prot == 1 && env.SECRET == ""';
    const codes = issuesOf(base([shell('a', { when })])).map((i) => i.code);
    expect(codes).toEqual(['unknown_reference', 'unknown_reference', 'unknown_input', 'env_not_allowed']);
  });
});

describe('validatePlan: size', () => {
  it('validates a 16k-step chain whose steps all read the first step', () => {
    const n = 16_000;
    const steps = Array.from({ length: n }, (_, i) =>
      i === 0 ? shell('s0') : { id: `s${i}`, tool: 'shell', args: { command: 'echo {{ steps.s0.output.stdout }}' }, dependsOn: [`s${i - 1}`] },
    );
    expect(validate({ goal: 'g', steps }, { maxSteps: n }).ok).toBe(true);
  });

  it('validates a 100k-step chain without references', () => {
    const n = 100_000;
    const steps = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, tool: 'shell', args: { command: 'x' }, dependsOn: i ? [`s${i - 1}`] : [] }));
    expect(validate({ goal: 'g', steps }, { maxSteps: n }).ok).toBe(true);
  });

  it('a given input the plan neither declares nor reads is a typo, with a suggestion; one it reads, or declares, is fine', () => {
    const plan = base([shell('a', { when: 'inputs.port > 0' }), { id: 'b', tool: 'shell', args: { command: 'echo {{ inputs.tag }}' } }]);
    expect(issuesOf(plan, { inputs: { prot: 9090, tag: 'v1' } })).toEqual([
      { code: 'unknown_input', path: ['inputs'], message: '--input prot: the plan has no input "prot" (did you mean "port"?); its inputs: port' },
    ]);
    expect(validate(plan, { inputs: { port: 9090, tag: 'v1' } }).ok).toBe(true);
    expect(issuesOf(base([shell('a')], {}), { inputs: { x: 1 } })[0]!.message).toBe('--input x: the plan has no input "x"; its inputs: none');
  });

  it('a given input of another kind than its number or true/false default is refused before the run; strings take anything', () => {
    const plan = { goal: 'g', inputs: { port: 8080, debug: false, tag: 'v1', apiKey: 0 }, steps: [shell('a', { when: 'inputs.port > 1000 && !inputs.debug' })] };
    expect(issuesOf(plan, { inputs: { port: 'abc', debug: 'yes', tag: 7, apiKey: 'hunter22' } })).toEqual([
      { code: 'invalid_input', path: ['inputs'], message: '--input port: expected a number, as the plan\'s default 8080 is; got string "abc"' },
      { code: 'invalid_input', path: ['inputs'], message: '--input debug: expected true or false, as the plan\'s default false is; got string "yes"' },
      { code: 'invalid_input', path: ['inputs'], message: '--input apiKey: expected a number, as the plan\'s default is; got a string' },
    ]);
    expect(validate(plan, { inputs: { port: 9090, debug: true, tag: 'v2' } }).ok).toBe(true);
  });

  it('an input declared without a value that a step reads (template, when, rollback, prompt) is a problem unless given; one no step reads is fine', () => {
    const inputs = { image: null, tag: null, region: null, zone: null, note: null, unused: null, given: null };
    const plan = base(
      [
        { id: 'push', tool: 'shell', args: { command: 'docker push {{ inputs.image }}' }, rollback: { tool: 'shell', args: { command: 'echo {{ inputs.zone }}' } } },
        shell('tagit', { when: "inputs.tag != ''" }),
        { id: 'sum', type: 'llm_query', prompt: 'Say {{ inputs.note }}' },
        { id: 'where', tool: 'shell', args: { command: 'echo {{ inputs.region }} {{ inputs.given }}' } },
      ],
      inputs,
    );
    expect(issuesOf(plan, { inputs: { given: '' } })).toEqual(
      [
        ['image', 'push'],
        ['zone', 'push'],
        ['tag', 'tagit'],
        ['note', 'sum'],
        ['region', 'where'],
      ].map(([name, step]) => ({ code: 'missing_input', path: ['inputs', name], message: `input "${name}" has no value (step ${step} reads it): pass --input ${name}=…, or give it a value in the plan` })),
    );
    expect(validate(plan, { inputs: { image: 'web', tag: 'v1', region: 'eu', zone: 'a', note: 'hi', given: '' } }).ok).toBe(true);
  });

  it('an input without a value read where the plan tested it against null first (in the expression, or a when requiring it) is fine; has(), || or a plain read elsewhere is not', () => {
    const inputs = { tag: null, image: null, region: null, zone: null, flag: null, other: null };
    const plan = base(
      [
        shell('a', { args: { command: "echo tag={{ inputs.tag == null ? 'latest' : inputs.tag }}" } }),
        shell('b', { when: 'inputs.image != null', args: { command: 'docker push {{ inputs.image }}' }, rollback: { tool: 'shell', args: { command: 'docker rmi {{ inputs.image }}' } } }),
        shell('c', { args: { command: "echo {{ null == inputs.region ? 'eu' : inputs.region }} {{ inputs.zone || 'a' }} {{ has(inputs.flag) }}" } }),
        shell('d', { when: 'inputs.image != null', args: { command: 'echo {{ inputs.other }}' } }),
        shell('e', { args: { command: 'echo {{ inputs.tag }}' } }),
      ],
      inputs,
    );
    expect(issuesOf(plan).map((issue) => issue.path)).toEqual([
      ['inputs', 'zone'],
      ['inputs', 'flag'],
      ['inputs', 'other'],
      ['inputs', 'tag'],
    ]);
  });

  it('a whole number past 2^53 written in a step\'s arguments or rollback is refused at its path; quoted, or within 2^53, it is fine', () => {
    const plan = base([
      { id: 'a', tool: 'shell', args: { command: 'echo', env: { ID: '1234567890123456789' } }, rollback: { tool: 'shell', args: { command: 'echo', timeoutMs: 9007199254740993 } } },
      { id: 'b', tool: 'shell', args: { command: 'echo', env: { N: 9007199254740991 } } },
      { id: 'c', tool: 'shell', args: { command: 'echo', list: [1, 12345678901234567890] } },
    ]);
    expect(issuesOf(plan).filter((issue) => issue.message.includes('too large'))).toEqual([
      { code: 'invalid_args', path: ['steps', 0, 'rollback', 'args', 'timeoutMs'], message: 'is a whole number too large to keep exact (more than 9007199254740991; it would be read as 9007199254740992): quote it to pass it as text' },
      { code: 'invalid_args', path: ['steps', 2, 'args', 'list', 1], message: 'is a whole number too large to keep exact (more than 9007199254740991; it would be read as 12345678901234567000): quote it to pass it as text' },
    ]);
  });

  it('a number that is not finite (.inf, .nan, 1e400), as a plan input or in a step\'s arguments, is refused at its path (a command would get Infinity, the records null)', () => {
    const plan = { goal: 'g', inputs: { limit: Infinity, ids: [1, Number.NaN], port: 8080 }, steps: [{ id: 'a', tool: 'shell', args: { command: 'echo', list: [1, -Infinity] } }] };
    const problem = (readAs: string) => `is not a finite number (it would be read as ${readAs}, and recorded as null): write a number (at most about 1.8e308), or quote it to pass it as text`;
    expect(issuesOf(plan).filter((issue) => issue.message.includes('not a finite number'))).toEqual([
      { code: 'invalid_field', path: ['inputs', 'limit'], message: problem('Infinity') },
      { code: 'invalid_field', path: ['inputs', 'ids', 1], message: problem('NaN') },
      { code: 'invalid_args', path: ['steps', 0, 'args', 'list', 1], message: problem('-Infinity') },
    ]);
    expect(validate({ ...plan, inputs: { limit: 1.5, ids: [1, 0.5, 1e-300], port: 8080 }, steps: [shell('a')] }).ok).toBe(true);
    expect(issuesOf({ ...plan, inputs: { limit: 5, ids: [1], port: 8080 }, steps: [shell('a')] }, { inputs: { limit: Infinity } })).toEqual([
      { code: 'invalid_input', path: ['inputs'], message: `--input limit: the value ${problem('Infinity')}` },
    ]);
  });

  it('a whole number past 2^53, as a plan input or given for a number or list input, is refused (it would run as another number)', () => {
    const plan = { goal: 'g', inputs: { channelId: 1234567890123456789, ids: [1, 12345678901234567890], port: 8080, limit: 9007199254740991 }, steps: [shell('a', { when: 'inputs.port > 0 && inputs.channelId != ""' })] };
    expect(issuesOf(plan)).toEqual([
      { code: 'invalid_field', path: ['inputs', 'channelId'], message: 'is a whole number too large to keep exact (more than 9007199254740991; it would be read as 1234567890123456800): quote it to pass it as text' },
      { code: 'invalid_field', path: ['inputs', 'ids', 1], message: 'is a whole number too large to keep exact (more than 9007199254740991; it would be read as 12345678901234567000): quote it to pass it as text' },
    ]);
    const fine = { ...plan, inputs: { channelId: '1234567890123456789', ids: [1], port: 8080, limit: 9007199254740991 } };
    expect(validate(fine).ok).toBe(true);
    expect(issuesOf(fine, { inputs: { port: '1234567890123456789', ids: [99999999999999999999] } })).toEqual([
      { code: 'invalid_input', path: ['inputs'], message: "--input port: 1234567890123456789 is a whole number too large to keep exact (more than 9007199254740991): to pass it as text, quote the plan's default" },
      { code: 'invalid_input', path: ['inputs'], message: '--input ids: item [0] is a whole number too large to keep exact (more than 9007199254740991; it would be read as 100000000000000000000): quote it to pass it as text' },
    ]);
  });

  it('a given input of another kind than its list or mapping default is refused before the run', () => {
    const plan = { goal: 'g', inputs: { regions: ['eu-west-1', 'us-east-1'], limits: { cpu: '1' } }, steps: [shell('a', { when: "inputs.regions.join(',') != '' && inputs.limits.cpu != ''" })] };
    expect(issuesOf(plan, { inputs: { regions: 'eu-west-1', limits: ['1'] } })).toEqual([
      { code: 'invalid_input', path: ['inputs'], message: '--input regions: expected a list (YAML or JSON: [a, b]), as the plan\'s default is; got string "eu-west-1"' },
      { code: 'invalid_input', path: ['inputs'], message: '--input limits: expected a mapping (YAML or JSON: {key: value}), as the plan\'s default is; got array' },
    ]);
    expect(validate(plan, { inputs: { regions: ['eu-west-1'], limits: { cpu: '2' } } }).ok).toBe(true);
  });
});
