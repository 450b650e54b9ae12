import { describe, expect, it } from 'vitest';
import { compileExpression, evaluateExpression } from '../../src/planning/expressions.js';
import { validatePlan } from '../../src/planning/validate.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';

// Items of a list (or mapping) input read as numbers while one of them is text: CEL would fail the step mid-run.

const tools = createBuiltinRegistry().catalog();
const problems = (inputs: Record<string, unknown>, when: string, given: Record<string, unknown> = {}) => {
  const result = validatePlan({ goal: 'Open ports', inputs, steps: [{ id: 'open', tool: 'shell', when, args: { command: 'echo open' } }] }, { tools, inputs: given });
  return result.ok ? [] : result.issues.map(({ code, path, message }) => `${code} ${path.join('.')}: ${message}`);
};

describe('a list input whose items a step reads as numbers', () => {
  it('is refused when an item is text, at the step and field, saying what to write', () => {
    expect(problems({ ports: ['80', '443'] }, 'inputs.ports.all(p, p < 1024)')).toEqual([
      'invalid_input steps.0.when: input ports holds text at ports[0] (the plan\'s default "80"); "inputs.ports.all(p, p < 1024)" in step "open" reads its items as numbers, which CEL does not compare or add with text: declare them as numbers (ports: [80, 443]), or convert each where it is read (int(p))',
    ]);
    expect(problems({ ports: [80, '443'] }, 'inputs.ports[1] + 1 > 2')).toEqual([
      'invalid_input steps.0.when: input ports holds text at ports[1] (the plan\'s default "443"); "inputs.ports[1] + 1 > 2" in step "open" reads ports[1] as a number, which CEL does not compare or add with text: declare it as a number (ports: [80, 443]), or convert it where it is read (int(inputs.ports[1]))',
    ]);
  });

  it('finds every way a comprehension variable or an index stands for an item', () => {
    const texts = { tags: ['a', 'b'], ports: ['80'] };
    for (const when of [
      'inputs.tags.exists(x, x > 2)',
      'inputs.tags.exists_one(x, 2 <= x)',
      'inputs.ports.map(p, p * 2).size() > 0',
      'inputs.ports.filter(p, -p < 0).size() > 0',
      'inputs.ports[0] + 1 > 2',
      'inputs["ports"][0] > 2',
      'dyn(inputs.ports)[0] > 2',
      'inputs.ports.exists(p, dyn(p) > 2)',
      'inputs.ports[size(inputs.tags) - 2] > 2',
      'inputs.tags.all(t, inputs.ports.all(p, p > 2))',
    ]) {
      expect(problems(texts, when), when).toEqual([expect.stringMatching(/^invalid_input steps\.0\.when: input (tags|ports) holds text at /)]);
    }
  });

  it('checks the given list, and the value of a mapping at its key', () => {
    expect(problems({ ports: [80] }, 'inputs.ports.all(p, p > 0)', { ports: [80, '8o'] })).toEqual([expect.stringContaining('input ports holds text at ports[1] (given with --input "8o"); ')]);
    expect(problems({ ports: [80] }, 'inputs.ports.all(p, p > 0)', { ports: [80, '443'] })[0]).toContain(": give them as numbers (--input 'ports=[80, 443]'), or convert each where it is read (int(p))");
    expect(problems({ ports: ['80'] }, 'inputs.ports.all(p, p > 0)', { ports: [80] })).toEqual([]);
    expect(problems({ limits: { cpu: '2', memory: 4 } }, 'inputs.limits.cpu > 1')[0]).toContain('input limits holds text at limits["cpu"] (the plan\'s default "2"); "inputs.limits.cpu > 1" in step "open" reads limits["cpu"] as a number');
    expect(problems({ limits: { cpu: '2', memory: 4 } }, 'inputs.limits.memory > 1')).toEqual([]);
    // A macro over a mapping runs over its keys, which are text.
    expect(problems({ limits: { cpu: 2 } }, 'inputs.limits.exists(k, k > 1)')[0]).toContain('input limits is a mapping, whose keys are text; ');
  });

  it('refuses true/false, null and nested lists as items, and does not show a secret input\'s items', () => {
    expect(problems({ flags: [1, true] }, 'inputs.flags.all(f, f > 0)')[0]).toContain('input flags holds true or false at flags[1] (the plan\'s default true)');
    expect(problems({ flags: [1, null] }, 'inputs.flags.all(f, f > 0)')[0]).toContain('input flags holds null at flags[1]');
    expect(problems({ flags: [[1]] }, 'inputs.flags.all(f, f > 0)')[0]).toContain('input flags holds a list at flags[0] (the plan\'s default)');
    const [secret] = problems({ apiKeys: ['4321'] }, 'inputs.apiKeys.all(k, k > 0)');
    expect(secret).toContain('input apiKeys holds text at apiKeys[0] (the plan\'s default); ');
    expect(secret).not.toContain('4321');
  });

  it('leaves alone numbers, items read as text, equality, conversions, shadowed variables and indexes past the end', () => {
    for (const [inputs, when] of [
      [{ ports: [80, 443.5] }, 'inputs.ports.all(p, p < 1024)'],
      [{ tags: ['a'] }, 'inputs.tags.exists(t, t > "a")'],
      [{ tags: ['a'] }, 'inputs.tags.exists(t, t == 3)'],
      [{ tags: ['3'] }, 'inputs.tags.exists(t, int(t) > 2)'],
      [{ tags: ['a'] }, 'inputs.tags.exists(t, [1].exists(t, t > 0))'],
      [{ tags: ['a'] }, 'inputs.tags.map(t, size(t)).exists(n, n > 0)'],
      [{ tags: ['a'] }, 'inputs.tags.size() > 0'],
      [{ ports: [80] }, 'inputs.ports[3] > 0'],
    ] as const) {
      expect(problems(inputs, when), when).toEqual([]);
    }
  });
});

describe('a read of a list or mapping input with a test of the same item beside it, or of a filter\'s items', () => {
  it('is not refused: the test or the filter may keep it from the item that is not a number', () => {
    for (const [inputs, when] of [
      [{ limits: { cpu: 2, memory: null } }, 'inputs.limits.memory == null || inputs.limits.memory > 1'],
      [{ limits: { cpu: 2, memory: null } }, 'inputs.limits.memory > 1 && inputs.limits.memory != null'],
      [{ limits: { cpu: 2, memory: null } }, 'inputs.limits.memory != null ? inputs.limits.memory > 1 : true'],
      [{ limits: { cpu: 2, memory: null } }, 'inputs.limits.all(k, inputs.limits[k] == null || inputs.limits[k] > 0)'],
      [{ limits: { cpu: 2, mode: 'auto' } }, 'inputs.limits.exists(k, k == "cpu" && inputs.limits[k] > 1)'],
      [{ limits: { cpu: 2, mode: 'auto' } }, '"cpu" in inputs.limits && inputs.limits.cpu > 1'],
      [{ vals: [1, 'auto', 3] }, 'inputs.vals.filter(v, v != "auto").all(v, v > 0)'],
      [{ vals: [1, 'auto', 3] }, 'inputs.vals.filter(v, v != "auto")[0] > 0'],
      [{ vals: [1, 'auto', 3] }, 'inputs.vals.all(v, v == "auto" || v > 0)'],
    ] as const) {
      expect(problems(inputs, when), when).toEqual([]);
    }
  });

  it('is refused where the test is of another item or input, or the read is the filter\'s own test', () => {
    for (const [inputs, when] of [
      [{ limits: { cpu: 2, memory: null } }, 'inputs.limits.cpu == null || inputs.limits.memory > 1'],
      [{ limits: { cpu: 2, memory: null }, on: true }, 'inputs.on && inputs.limits.memory > 1'],
      [{ vals: [1, 'auto', 3] }, 'inputs.vals.filter(v, v > 0).size() > 1'],
    ] as const) {
      expect(problems(inputs, when), when).toEqual([expect.stringMatching(/^invalid_input steps\.0\.when: input (limits|vals) holds (null|text) at /)]);
    }
  });

  it('names the read as written in the conversion to write', () => {
    expect(problems({ limits: { cpu: '2' } }, 'inputs.limits.all(k, inputs.limits[k] > 0)')[0]).toContain('convert each where it is read (int(inputs.limits[k]))');
  });
});

describe('dyn(…) of an input', () => {
  it('is the input: read as a number when text is refused as the input itself is', () => {
    expect(problems({ replicas: 'three' }, 'dyn(inputs.replicas) > 2')).toEqual([
      'invalid_input steps.0.when: input replicas is text (the plan\'s default "three"); "dyn(inputs.replicas) > 2" in step "open" reads it as a number, which CEL does not compare or add with text: declare it as a number (replicas: 0), convert it where it is read (int(inputs.replicas)), or compare it with a text',
    ]);
    expect(problems({ replicas: 3 }, 'dyn(inputs.replicas) > 2')).toEqual([]);
    // Without a declared value: what is given is read as the number it is, as for inputs.replicas itself.
    const given = validatePlan({ goal: 'g', inputs: { replicas: null }, steps: [{ id: 'a', tool: 'shell', when: 'dyn(inputs.replicas) > 2', args: { command: 'echo' } }] }, { tools, inputs: { replicas: '-2.5' } });
    expect(given.ok && given.inputs.replicas).toBe(-2.5);
  });
});

describe('a list input whose items a step reads as text, or an input read for items that holds none', () => {
  it('is refused when an item is a number, before anything runs, saying the list to give', () => {
    expect(problems({ tags: ['a'] }, 'inputs.tags.all(t, t.startsWith("v"))', { tags: [1, 2] })).toEqual([
      'invalid_input steps.0.when: input tags holds a number at tags[0] (given with --input 1); "inputs.tags.all(t, t.startsWith("v"))" in step "open" reads its items as text, which CEL does not join, order or call text functions on with a number: give them as text (--input \'tags=["1", "2"]\'), or convert each where it is read (string(t))',
    ]);
    expect(problems({ tags: ['a', true] }, 'inputs.tags.join(",") != ""')[0]).toContain('input tags holds true or false at tags[1] (the plan\'s default true); "inputs.tags.join(",") != """ in step "open" reads its items as text');
    expect(problems({ tags: [1] }, 'inputs.tags.exists(t, t + "-x" == "1-x")')[0]).toContain('reads its items as text');
    expect(problems({ tags: [1] }, 'inputs.tags[0].lowerAscii() == "a"')[0]).toContain('reads tags[0] as text');
    expect(problems({ tags: ['a'] }, 'inputs.tags.all(t, t.startsWith("v") && t.size() > 1 && t < "z") && inputs.tags.join(",") != ""', { tags: ['v1', 'v2'] })).toEqual([]);
  });

  it('advises a map of the items into text before a join, which CEL runs (it has no string() of a whole list)', () => {
    const [said] = problems({ ports: [80, 443] }, "inputs.ports.join(',') != ''");
    expect(said).toContain("declare them as text (ports: [\"80\", \"443\"]), or convert each where it is read (inputs.ports.map(p, string(p)).join(','))");
    const advised = compileExpression(/convert each where it is read \((.*)\)$/.exec(said!)![1]!);
    if (!advised.ok) throw new Error('the advice does not compile');
    expect(evaluateExpression(advised.expression, { inputs: { ports: [80, 443] }, steps: {}, env: {} })).toBe('80,443');
    expect(problems({ _ids: [1] }, 'inputs._ids.join("-") != ""')[0]).toContain('(inputs._ids.map(x, string(x)).join("-"))');
  });

  it('is refused when the input holds no list or mapping: one declared without a value is given as text', () => {
    expect(problems({ ports: null }, 'inputs.ports.all(p, p < 1024)', { ports: '[80, 443]' })).toEqual([
      'invalid_input steps.0.when: input ports is text (given with --input "[80, 443]"), no list or mapping; "inputs.ports.all(p, p < 1024)" in step "open" reads its items, which CEL cannot do: declare a list default (ports: []) or a mapping one (ports: {}) for --input to read a list or mapping',
    ]);
    expect(problems({ ports: null }, 'inputs.ports[0] > 1', { ports: 80 })[0]).toContain('input ports is a number (given with --input 80), no list or mapping;');
    expect(problems({ ports: '80' }, 'inputs.ports.exists(p, p.startsWith("8"))')[0]).toContain(': declare it as a list or mapping');
    expect(problems({ ports: null }, 'inputs.ports == null || inputs.ports.all(p, p < 1024)', { ports: [80] })).toEqual([]);
  });
});

describe('a join of a list built from an input, followed through fields, filters and maps', () => {
  it('is refused when the list inside an object input holds a number, naming where', () => {
    expect(problems({ cfg: { ports: [80, 443] } }, "inputs.cfg.ports.join(',') != ''")).toEqual([
      'invalid_input steps.0.when: input cfg holds a number at cfg["ports"][0] (the plan\'s default 80); "inputs.cfg.ports.join(\',\') != \'\'" in step "open" reads its items as text, which CEL does not join, order or call text functions on with a number: declare them as text, or convert each where it is read (inputs.cfg.ports.map(c, string(c)).join(\',\'))',
    ]);
    for (const when of ["inputs.m[0].join(',') != ''", "inputs.m.all(r, r.join(',') != '')", "dyn(inputs.m)[0].join('') != ''"]) {
      expect(problems({ m: [[1], ['a']], cfg: { a: ['x'], b: [true] }, key: 'a' }, when), when).toEqual([expect.stringMatching(/^invalid_input steps\.0\.when: input (m|cfg) holds (a number|true or false) at (m\[0\]\[0\]|cfg\["b"\]\[0\]) /)]);
    }
    expect(problems({ m: [[1], ['a']], cfg: { ports: ['80'] } }, "inputs.m[1].join(',') + inputs.cfg.ports.join(',') != ''")).toEqual([]);
  });

  it('is not refused over an entry a key computed at run time picks: the one read may join', () => {
    expect(problems({ cfg: { a: ['x'], b: [true] }, key: 'a' }, "inputs.cfg[inputs.key].join('') != ''")).toEqual([]);
    expect(problems({ which: 'web', groups: { web: ['a', 'b'], db: [5432] } }, "inputs.groups[inputs.which].join(',') == 'a,b'")).toEqual([]);
    expect(problems({ i: 1, matrix: [[1], ['a']] }, "inputs.matrix[inputs.i].join(',') == 'a'")).toEqual([]);
  });

  it('is not refused over a filter, which may keep nothing or only the text items', () => {
    for (const [inputs, when] of [
      [{ ports: [80, 443] }, "inputs.ports.filter(p, p > 1000).join(',') == ''"],
      [{ ports: [80, 443] }, "inputs.ports.map(p, p > 1000, p).join(',') == ''"],
      [{ ports: [80, 'http'] }, "inputs.ports.filter(p, p != 80 && p != 443).join(',') == 'http'"],
    ] as const) {
      expect(problems(inputs, when), when).toEqual([]);
      const compiled = compileExpression(when);
      if (!compiled.ok) throw new Error(compiled.message);
      expect(evaluateExpression(compiled.expression, { inputs, steps: {}, env: {} }), when).toBe(true);
    }
  });

  it('follows the kind a map gives: text joins, a number or the item itself as it is', () => {
    expect(problems({ ports: [80, 443] }, "inputs.ports.map(p, string(p)).join(',') != ''")).toEqual([]);
    expect(problems({ cfg: { ports: [80] } }, "inputs.cfg.ports.filter(p, p > 1).map(p, 'port-' + string(p)).join(',') != ''")).toEqual([]);
    expect(problems({ ports: [80, 443] }, "inputs.ports.map(p, p).join(',') != ''")[0]).toContain('input ports holds a number at ports[0]');
    expect(problems({ ports: ['80'] }, "inputs.ports.map(p, p * 2).join(',') != ''")).toEqual([
      'invalid_input steps.0.when: "inputs.ports.map(p, p * 2).join(\',\') != \'\'" in step "open" joins the items of input ports after a map makes each a number, which CEL does not join (it joins text only): make the map give text (string(\u2026) of what it gives)',
    ]);
    // A map to what only the run tells, or an empty list, is not refused.
    expect(problems({ ports: [80], names: { 80: 'http' } }, "inputs.ports.map(p, inputs.names[string(p)]).join(',') != ''")).toEqual([]);
    expect(problems({ ports: [] }, "inputs.ports.map(p, p * 2).join(',') != ''")).toEqual([]);
  });

  it('agrees with CEL on what it lets through', () => {
    const inputs = { cfg: { ports: ['80', '443'] }, ports: [80, 443] };
    for (const when of ["inputs.cfg.ports.join(',') != ''", "inputs.ports.map(p, string(p)).filter(t, t != '80').join(',') == '443'"]) {
      expect(problems(inputs, when), when).toEqual([]);
      const compiled = compileExpression(when);
      if (!compiled.ok) throw new Error(compiled.message);
      expect(evaluateExpression(compiled.expression, { inputs, steps: {}, env: {} }), when).toBe(true);
    }
  });
});
