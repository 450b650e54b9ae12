import { describe, expect, it } from 'vitest';
import { formatEstimate } from '../../src/tui/estimate-text.js';

// The time left as ksa status, the chat's panel and /status say it.

const estimate = (lowMs: number, highMs: number, longerThanUsual: string[] = [], untimedSteps = 0) => ({ lowMs, highMs, untimedSteps, longerThanUsual });

describe('formatEstimate', () => {
  it('the time left, a range while history is thin, steps never timed', () => {
    expect(formatEstimate(estimate(5000, 5000))).toBe('about 5.0s left');
    expect(formatEstimate(estimate(5000, 9000), true)).toBe('5.0s–9.0s left once resumed');
    expect(formatEstimate(estimate(5000, 5000, [], 2))).toBe('about 5.0s left (+ 2 steps never timed)');
  });

  it('a step running past its usual time is said to take longer than usual: never "about 0ms left"', () => {
    expect(formatEstimate(estimate(0, 0, ['work']))).toBe('work taking longer than usual: time left unknown');
    expect(formatEstimate(estimate(20_000, 20_000, ['build'], 1))).toBe('about 20s left (+ build taking longer than usual; + 1 step never timed)');
  });
});
