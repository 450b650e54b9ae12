import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/tui/run-view-model.js';

// Durations as the live views, ksa status and ksa runs show them: each unit rounded before the next is chosen.

describe('formatDuration', () => {
  it.each([
    [undefined, '–'],
    [0, '0ms'],
    [748, '748ms'],
    [999.6, '1.0s'],
    [1500, '1.5s'],
    [9949, '9.9s'],
    [9960, '10s'],
    [59_400, '59s'],
    [59_600, '1m00s'],
    [65_000, '1m05s'],
    [119_600, '2m00s'],
    [130_000, '2m10s'],
    [3_599_600, '1h00m'],
    [3_725_000, '1h02m'],
  ])('%s ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
