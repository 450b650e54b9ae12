import { test } from 'vitest';
import { compileExpression, evaluateExpression } from '../../src/planning/index.js';
test('x', () => {
  for (const src of ['inputs.name.startsWith("we")', 'inputs.name.size()', 'size(inputs.name)', 'inputs.name.contains("e")', 'inputs.name.endsWith("b")', 'inputs.name.matches("^w")', 'inputs.name + "-x"', 'inputs.name.lowerAscii()', 'inputs.name.upperAscii()', 'inputs.name.split("e")', 'inputs.name.indexOf("b")', 'inputs.name.replace("w","W")', 'inputs.name.trim()', 'string(inputs.port)', 'int("42") + 1', 'inputs.ratio * 2.0', 'inputs.ratio * 2', 'inputs.port / 3', 'inputs.list.map(x, x * 2)', '{"a": inputs.port}', 'inputs.list.size() > 2', 'inputs.port > 8000.5', 'has(inputs.nope)', 'inputs.port == 8080.0', 'inputs.list[0] + inputs.port', 'inputs.nested.a.b', 'inputs.nul == null', 'inputs.flag ? "yes" : "no"', 'inputs.name.substring(1)','double(inputs.port) / 3.0', 'inputs.big + 1', 'inputs.neg - 1','"x" + 1', 'nope.x', 'inputs.name.size() == inputs.port']) {
    const c = compileExpression(src);
    if (!c.ok) { console.log(src, 'COMPILE', c.message); continue; }
    try { const v = evaluateExpression(c.expression, { steps: {}, inputs: { name: 'web', port: 8080, ratio: 1.5, list: [1, 2, 3], nested: { a: { b: 'deep' } }, nul: null, flag: true, big: 2 ** 53 - 1, neg: -5 }, env: {} }); console.log(src, '=>', JSON.stringify(v), typeof v); }
    catch (e) { console.log(src, 'ERR', (e as Error).message); }
  }
});
