import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupThousands } from '../../src/tui/StatusLine.js';

describe('the status line token count', () => {
  it('is written as toLocaleString("en-US") writes it, for any integer and for fractions', () => {
    for (const count of [0, 7, 999, 1000, 12_345, 1_000_000, -4321]) expect(groupThousands(count)).toBe(count.toLocaleString('en-US'));
    fc.assert(fc.property(fc.maxSafeInteger(), (count) => groupThousands(count) === count.toLocaleString('en-US')), { seed: 33 });
    expect(groupThousands(1234.5)).toBe('1,234.5');
  });
});
