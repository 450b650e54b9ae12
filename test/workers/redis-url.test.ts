import { describe, expect, it } from 'vitest';
import { recordedRedisUrl, redisFlagHint, runCommandHint, sameRedisServer, sameRedisServerResolved, shownRedisUrl } from '../../src/workers/redis-url.js';

describe('Redis URLs as runs record them', () => {
  it('a password is recorded as *** (the user kept), so a hint can say the resume needs it', () => {
    expect(recordedRedisUrl('redis://:s3cret@cache:6380/2')).toBe('redis://:***@cache:6380/2');
    expect(recordedRedisUrl('rediss://app:s3cret@cache')).toBe('rediss://app:***@cache');
    expect(recordedRedisUrl('redis://cache:6379')).toBe('redis://cache:6379');
    expect(shownRedisUrl(new URL('redis://app:s3cret@cache:6380'))).toBe('redis://cache:6380');
  });

  it('the --redis hint asks for the password where the recorded URL had one', () => {
    expect(redisFlagHint('redis://:***@cache:6380')).toBe(' --redis redis://:***@cache:6380 (with its password in place of ***)');
    expect(redisFlagHint('redis://cache:6380')).toBe(' --redis redis://cache:6380');
  });

  it('no --redis in the hint when KSA_REDIS_URL names the same server (resume takes it by itself)', () => {
    expect(redisFlagHint('redis://:***@cache:6380', 'redis://:pw@cache:6380')).toBe('');
    expect(redisFlagHint('redis://cache', 'redis://cache:6379/0')).toBe('');
    expect(redisFlagHint('redis://cache:6380', 'redis://other:6380')).toBe(' --redis redis://cache:6380');
    expect(redisFlagHint('redis://cache:6380/1', 'redis://cache:6380/2')).toBe(' --redis redis://cache:6380/1');
  });

  it('names ksa resume and ksa cancel with the run\'s --redis, after their flags, unless KSA_REDIS_URL names that server', () => {
    expect(runCommandHint('cancel', 'r1', undefined)).toBe('ksa cancel r1');
    expect(runCommandHint('resume', 'r1', 'redis://cache:6380')).toBe('ksa resume r1 --redis redis://cache:6380');
    expect(runCommandHint('cancel', 'r1', 'redis://:***@cache:6380', undefined, '--yes')).toBe('ksa cancel r1 --yes --redis redis://:***@cache:6380 (with its password in place of ***)');
    expect(runCommandHint('cancel', 'r1', 'redis://cache:6380', 'redis://cache:6380/0')).toBe('ksa cancel r1');
  });
});

describe('whether two Redis URLs name one server', () => {
  it('the loopback names are one, and the default port and database are the ones written out', () => {
    for (const other of ['redis://127.0.0.1:6380', 'redis://[::1]:6380', 'redis://LocalHost:6380/0', 'redis://localhost.:6380', 'redis://:pw@[0:0:0:0:0:0:0:1]:6380'])
      expect(sameRedisServer('redis://localhost:6380', other), other).toBe(true);
    expect(sameRedisServer('redis://localhost', 'redis://127.0.0.1:6379/0')).toBe(true);
    expect(redisFlagHint('redis://localhost:6380', 'redis://127.0.0.1:6380')).toBe('');
  });

  it('another port, database, scheme or address is another server', () => {
    expect(sameRedisServer('redis://localhost:6380', 'redis://127.0.0.1:6381')).toBe(false);
    expect(sameRedisServer('redis://localhost:6380/1', 'redis://127.0.0.1:6380/2')).toBe(false);
    expect(sameRedisServer('redis://localhost:6380', 'rediss://127.0.0.1:6380')).toBe(false);
    expect(sameRedisServer('redis://127.0.0.2:6380', 'redis://127.0.0.1:6380')).toBe(false);
    expect(sameRedisServer('redis://cache:6380', 'redis://other:6380')).toBe(false);
  });

  it('other names are looked up: a common address is one server, none two, no answer in time not known', async () => {
    expect(await sameRedisServerResolved('redis://127.1:6380', 'redis://localhost:6380')).toBe(true);
    expect(await sameRedisServerResolved('redis://10.0.0.1:6380', 'redis://10.0.0.2:6380')).toBe(false);
    expect(await sameRedisServerResolved('redis://10.0.0.1:6380', 'redis://10.0.0.1:6381')).toBe(false);
    expect(await sameRedisServerResolved('redis://no-such-host.invalid:6380', 'redis://127.0.0.1:6380', 500)).toBeUndefined();
  });
});
