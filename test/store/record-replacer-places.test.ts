import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/store/index.js';
import { JOURNAL_ENTRY_SHAPE, RUN_RECORD_SHAPE, replacerFor } from '../../src/store/redact-record.js';

// The replacer keeps what it learned of each place between keys and between writes: a step named like a field, the
// same field under many step ids, and one replacer used for many writes must each still be written by the shape.
const token = 'ghp_' + 'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2';

describe('the record replacer, written field by field', () => {
  it('hides output under every step id, a step named like one of its fields too, and keeps ksa own fields', () => {
    const replacer = replacerFor(RUN_RECORD_SHAPE, createRedactor(['2026']))!;
    const steps = {
      output: { status: 'succeeded', attempts: 1, startedAt: '2026-12-07T00:00:00Z', output: `login ${token}` },
      status: { status: 'failed', attempts: 2, startedAt: '2026-12-07T00:00:01Z', error: `pin 2026 refused`, output: { code: 2026, text: 'pin 2026' } },
      plain: { status: 'pending', attempts: 0 },
    };
    const written = JSON.parse(JSON.stringify({ runId: '20261207-000000-abcd', state: { status: 'running', steps } }, replacer));
    expect(written).toEqual({
      runId: '20261207-000000-abcd',
      state: {
        status: 'running',
        steps: {
          output: { status: 'succeeded', attempts: 1, startedAt: '2026-12-07T00:00:00Z', output: 'login ***' },
          status: { status: 'failed', attempts: 2, startedAt: '2026-12-07T00:00:01Z', error: 'pin *** refused', output: { code: '***', text: 'pin ***' } },
          plain: { status: 'pending', attempts: 0 },
        },
      },
    });
  });

  it('writes the same way at each write with one replacer, and after a write it left half way', () => {
    const replacer = replacerFor(JOURNAL_ENTRY_SHAPE, createRedactor([]))!;
    const entry = (stepId: string) => ({ stepId, state: { status: 'succeeded', attempts: 1, output: { text: `printed ${token}` }, succeededOn: [`web ${token}`] } });
    const first = JSON.stringify(entry('a'), replacer);
    // A value that cannot be written stops a write part way: the next write starts afresh.
    expect(() => JSON.stringify({ stepId: 'x', state: { attempts: 1n } }, replacer)).toThrow();
    for (const id of ['b', 'c']) expect(JSON.stringify(entry(id), replacer)).toBe(first.replace('"a"', `"${id}"`));
    // The journal's output is stored already hidden (its own field); where the step succeeded is content.
    expect(JSON.parse(first).state).toEqual({ status: 'succeeded', attempts: 1, output: { text: `printed ${token}` }, succeededOn: ['web ***'] });
  });
});

describe('the record replacer\'s hide: the value as the replacer writes it', () => {
  const pin = '2026';
  const record = () => ({
    runId: '20261207-000000-abcd',
    createdAt: new Date('2026-12-07T00:00:00Z'),
    inputs: { dbPassword: 'hunter2', port: 2026, note: `pin ${pin}`, db: { password: 'p', host: 'h' }, apiTokens: ['a', 'b'] },
    plan: {
      goal: `deploy with ${token}`,
      inputs: { dbPassword: 'default-pw' },
      steps: [
        { id: 's1', tool: 'shell', args: { command: `echo ${token}`, env: { PIN: pin, N: 2026 } }, dependsOn: [], retry: { attempts: 2 } },
        { id: 's2', tool: 'http', args: { url: 'https://u:pw@example.com/x', list: [undefined, () => 1, 'x', { deep: [pin] }] }, dependsOn: ['s1'], rollback: { tool: 'shell', args: { command: `rm ${pin}` } } },
      ],
    },
    state: {
      status: 'failed',
      error: `step s2 failed: ${token}`,
      completed: ['s1'],
      steps: { s1: { status: 'succeeded', attempts: 1, output: { stdout: `ok ${pin}`, code: 2026 } }, s2: { status: 'failed', attempts: 2, error: `exit 1: ${pin}`, succeededOn: [`web ${token}`] } },
    },
    masked: { steps: [], rollbacks: [], inputs: [], outputs: [] },
  });

  it('writes the same text as the replacer, hiding the same secrets, and leaves the value as it was', () => {
    const replacer = replacerFor(RUN_RECORD_SHAPE, createRedactor([pin]), true)!;
    const value = record();
    const before = JSON.stringify(value);
    const text = JSON.stringify(value, replacer);
    expect(JSON.stringify(replacer.hide(value))).toBe(text);
    // Twice: the plan's hidden form is kept, and still right.
    expect(JSON.stringify(replacer.hide(value))).toBe(text);
    expect(JSON.stringify(value)).toBe(before);
    expect(text).not.toContain(token);
    expect(text).not.toContain('hunter2');
    expect(text).toContain('"runId":"20261207-000000-abcd"');
  });

  it('gives the value itself when it hides nothing, and walks a value too deep for it with the replacer instead', () => {
    const replacer = replacerFor(RUN_RECORD_SHAPE, createRedactor([]))!;
    const plain = { runId: 'r', plan: { goal: 'g', steps: [{ id: 'a', tool: 'noop', args: {} }] }, state: { status: 'running', steps: { a: { status: 'pending', attempts: 0 } } } };
    expect(replacer.hide(plain)).toBe(plain);
    let deep: unknown = `key ${token}`;
    for (let i = 0; i < 2000; i++) deep = { down: deep };
    const value = { runId: 'r', plan: { steps: [{ id: 'a', tool: 'noop', args: { deep } }] } };
    expect(JSON.stringify(replacer.hide(value))).toBe(JSON.stringify(value, replacer));
    expect(JSON.stringify(replacer.hide(value))).not.toContain(token);
  });
});
