import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '../../src/cli/json-error-offset.js';

/** Node's own offset for the error, when its message gives one. */
function nodeOffset(text: string): number | undefined {
  try {
    JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message);
    return position ? Number(position[1]) : undefined;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be invalid JSON`);
}

describe('jsonErrorOffset', () => {
  it('finds nothing wrong in valid JSON', () => {
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e+3, true, false, null, "x\\n\\u00e9"], "b": {}} ', '"s"', '0', '[[[[]]]]']) {
      expect(jsonErrorOffset(text), text).toBeUndefined();
    }
  });

  it('points at what Node stops at when Node gives no position: a trailing comma, a missing value, the end of the text', () => {
    expect(jsonErrorOffset('[1,]')).toBe(3);
    expect(jsonErrorOffset('{\n  "steps": [\n    {"id": "a"},\n  ]\n}')).toBe('{\n  "steps": [\n    {"id": "a"},\n  '.length);
    expect(jsonErrorOffset('[,1]')).toBe(1);
    expect(jsonErrorOffset('{"a":}')).toBe(5);
    expect(jsonErrorOffset('{"goal":\n')).toBe(9);
    expect(jsonErrorOffset('')).toBe(0);
  });

  it('agrees with Node wherever Node gives a position', () => {
    const broken = ['{"a":1,}', '{"a" 1}', '[1 2]', '{,}', '{"a":1}}', '{"a":"x\\q"}', '{"a":"\u0001"}', '[01]', '[1.]', '[1e]', '[-]', '{"a":tru}', '["\\u12G4"]', '{"a":"unterminated'];
    for (const text of broken) {
      const expected = nodeOffset(text);
      if (expected !== undefined) expect(jsonErrorOffset(text), text).toBe(expected);
      else expect(jsonErrorOffset(text), text).toBeDefined();
    }
  });

  it('scans a deeply nested document without exhausting the stack', () => {
    expect(jsonErrorOffset(`${'['.repeat(100_000)}1,${']'.repeat(100_000)}`)).toBe(100_002);
  });
});
