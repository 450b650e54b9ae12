import { describe, expect, it } from 'vitest';
import { readGivenText } from '../../src/planning/given-text.js';
import { validatePlan } from '../../src/planning/validate.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';

// A number given with --input is read as a plan file's: one YAML 1.1 tools read otherwise is refused, not run.

const tools = createBuiltinRegistry().catalog();
const validated = (inputs: Record<string, unknown>, given: Record<string, string>) =>
  validatePlan(
    { goal: 'Open', inputs: { dbPassword: 1, ...inputs }, steps: [{ id: 'open', tool: 'shell', args: { command: 'echo {{ inputs.port }} {{ inputs.dbPassword }}' } }] },
    { tools, inputs: Object.fromEntries(Object.entries(given).map(([name, text]) => [name, readGivenText(inputs[name] ?? 1, text)])) },
  );

describe('a number given with --input with a leading zero', () => {
  it('is refused for a number input when YAML 1.1 tools read it otherwise, saying what each reads; a secret not repeated', () => {
    for (const [text, reading] of [['017', 'which ksa reads as 17 and YAML 1.1 tools as octal 15'], ['-09', 'which ksa reads as -9 and YAML 1.1 tools as text']] as const) {
      const result = validated({ port: 8080 }, { port: text });
      expect(result.ok ? [] : result.issues.map((issue) => issue.message)).toEqual([`--input port: ${text} is a number written with a leading zero, ${reading}: give it without`]);
    }
    const secret = validated({ port: 1, dbPassword: 1234 }, { dbPassword: '0742' });
    expect(secret.ok ? [] : secret.issues.map((issue) => issue.message)).toEqual(['--input dbPassword: the value is a number written with a leading zero: give it without']);
  });

  it('is taken where both read the same number, or the input is text', () => {
    for (const [text, value] of [['03', 3], ['00.5', 0.5], ['0', 0]] as const) {
      const result = validated({ port: 8080 }, { port: text });
      expect(result.ok && result.inputs.port, text).toBe(value);
    }
    const text = validated({ port: '8080' }, { port: '017' });
    expect(text.ok && text.inputs.port).toBe('017');
  });
});
