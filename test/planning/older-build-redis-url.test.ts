import { describe, expect, it } from 'vitest';
import { olderBuildRedisUrl } from '../../src/planning/redis-hints.js';

// Builds before plain digits were required read a Redis URL's database with Number(): a run they recorded with
// `/1e0` used database 1, and is resumed and cancelled through `/1`.

describe('a recorded Redis URL, read as an older build read its database', () => {
  it.each([
    ['redis://cache:6380/1e0', 'redis://cache:6380/1'],
    ['redis://cache:6380/+1', 'redis://cache:6380/1'],
    ['redis://cache:6380/0x2', 'redis://cache:6380/2'],
    ['redis://cache:6380/3.0', 'redis://cache:6380/3'],
    ['redis://cache:6380/-0', 'redis://cache:6380/0'],
    ['rediss://app:***@cache/1e0', 'rediss://app:***@cache/1'],
  ])('%s is read as %s', (recorded, read) => {
    expect(olderBuildRedisUrl(recorded)).toBe(read);
  });

  it.each(['redis://cache:6380', 'redis://cache:6380/', 'redis://cache:6380/2', 'redis://cache:6380/007', 'redis://cache:6380/-1', 'redis://cache:6380/1.5', 'redis://cache:6380/x', 'redis:/cache/1e0'])('%s, which it read alike or not at all, stays as recorded', (recorded) => {
    expect(olderBuildRedisUrl(recorded)).toBe(recorded);
  });
});
