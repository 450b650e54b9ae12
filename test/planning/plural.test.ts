import { describe, expect, it } from 'vitest';
import { plural } from '../../src/planning/plural.js';

describe('plural', () => {
  it('adds an s to every count but one', () => {
    expect(plural(1, 'step')).toBe('1 step');
    expect(plural(0, 'step')).toBe('0 steps');
    expect(plural(2, 'running job')).toBe('2 running jobs');
  });
});
