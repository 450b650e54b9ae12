import { describe, expect, it } from 'vitest';
import { otherRedisRefusal, recordedRedisUrl, redisFlagHint, runCommandHint, sameRedisServer, shownRedisUrl } from '../../src/workers/redis-url.js';

describe('Redis URLs as runs record them', () => {
  it('a password is recorded as *** (the user kept), so a hint can say the resume needs it', () => {
    expect(recordedRedisUrl('redis://:s3cret@cache:6380/2')).toBe('redis://:***@cache:6380/2');
    expect(recordedRedisUrl('rediss://app:s3cret@cache')).toBe('rediss://app:***@cache');
    expect(recordedRedisUrl('redis://cache:6379')).toBe('redis://cache:6379');
    expect(shownRedisUrl('redis://app:s3cret@cache:6380')).toBe('redis://cache:6380');
  });

  it('a URL that cannot be taken apart is named with what sits between the first : after its scheme and its last @ as ***', () => {
    expect(recordedRedisUrl('redis://:s3cret@host:99999')).toBe('redis://:***@host:99999');
    expect(recordedRedisUrl('redis://u:s3:cr@et@[::1:16391')).toBe('redis://u:***@[::1:16391');
    expect(recordedRedisUrl('redis://s3cret@bad host:1')).toBe('redis://***@bad host:1');
    expect(shownRedisUrl('redis:/:s3cret@localhost:16391/x')).toBe('redis:/:***@localhost:16391/x');
    expect(recordedRedisUrl('redis://bad host:1')).toBe('redis://bad host:1');
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
  it('the IPv4 loopback names are one, and the default port and database are the ones written out', () => {
    for (const other of ['redis://127.0.0.1:6380', 'redis://LocalHost:6380/0', 'redis://:pw@[::ffff:127.0.0.1]:6380'])
      expect(sameRedisServer('redis://localhost:6380', other), other).toBe(true);
    expect(sameRedisServer('redis://[::1]:6380', 'redis://:pw@[0:0:0:0:0:0:0:1]:6380/0')).toBe(true);
    expect(sameRedisServer('redis://localhost', 'redis://127.0.0.1:6379/0')).toBe(true);
    expect(redisFlagHint('redis://localhost:6380', 'redis://127.0.0.1:6380')).toBe('');
  });

  it('another port, database, scheme or address is another server', () => {
    expect(sameRedisServer('redis://localhost:6380', 'redis://127.0.0.1:6381')).toBe(false);
    expect(sameRedisServer('redis://localhost:6380/1', 'redis://127.0.0.1:6380/2')).toBe(false);
    expect(sameRedisServer('redis://localhost:6380', 'rediss://127.0.0.1:6380')).toBe(false);
    expect(sameRedisServer('redis://127.0.0.2:6380', 'redis://127.0.0.1:6380')).toBe(false);
    expect(sameRedisServer('redis://cache:6380', 'redis://other:6380')).toBe(false);
    // Another server may listen on ::1 at the same port (ksa connects to localhost over IPv4), and `localhost.` does not connect.
    for (const other of ['redis://[::1]:6380', 'redis://localhost.:6380']) expect(sameRedisServer('redis://localhost:6380', other), other).toBe(false);
  });

  it('other host names are compared as written, in any case: names that may be one machine are two', () => {
    expect(sameRedisServer('redis://Queue-Host:6380', 'redis://queue-host:6380/0')).toBe(true);
    expect(sameRedisServer('redis://queue-host.:6380', 'redis://queue-host:6380')).toBe(false);
    expect(sameRedisServer('redis://queue-host.invalid:6380', 'redis://127.0.0.1:6380')).toBe(false);
    expect(sameRedisServer('redis://127.1:6380', 'redis://localhost:6380')).toBe(false);
    expect(sameRedisServer('redis://cache:6380', 'redis://cache.example.com:6380')).toBe(false);
  });

  it('resume and cancel go on only through a URL known to name the recorded server: any doubt refuses, naming the recorded URL', () => {
    expect(otherRedisRefusal('r1', 'redis://localhost:6380', 'redis://127.0.0.1:6380/0', 'cancel')).toBeUndefined();
    expect(otherRedisRefusal('r1', 'redis://[::1]:6380', 'redis://localhost:6380', 'cancel')).toMatch(/^run r1 sent its steps to workers through redis:\/\/\[::1\]:6380, not redis:\/\/localhost:6380/);
    for (const given of ['redis://127.0.0.1:6380', 'redis://:pw@127.0.0.1:6380/x', 'redis://:pw@127.0.0.1:99999'])
      expect(otherRedisRefusal('r1', 'redis://queue-host.invalid:6380', given, 'cancel'), given).toMatch(/^run r1 sent its steps to workers through redis:\/\/queue-host\.invalid:6380, not redis:\/\/(:\*\*\*@)?127\.0\.0\.1:[^ ]*: its jobs are there, and none of them would be stopped; cancel it with --redis redis:\/\/queue-host\.invalid:6380$/);
    expect(otherRedisRefusal('r1', 'not a recorded url', 'redis://127.0.0.1:6380', 'resume')).toContain('sent its steps to workers through not a recorded url, not redis://127.0.0.1:6380');
  });
});
