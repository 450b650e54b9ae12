import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from '../../src/workers/redis-connection.js';
import { otherRedisRefusal, recordedRedisUrl, sameRedisServer, shownRedisUrl } from '../../src/workers/redis-url.js';

// A Redis URL is shown and recorded as the user wrote it, less its password; one whose password holds a ?, # or /
// as written (where a URL ends its host) or that has no // (no host) is refused, and no part of a password is shown.

const CUT_SHORT = ['redis://u:123?S3cretPW@cache:6379', 'redis://u:12#S3cretPW@cache:6379', 'redis://u:12/S3cretPW@cache:6379', 'rediss://S3cret?PW@cache', 'redis://:ab/S3cret@cache:1/2', 'redis://u:pw@cache:6379/0?x@y'];

describe('a Redis URL whose user info holds a ?, # or / as written', () => {
  it.each(CUT_SHORT)('%s is refused as a bad URL naming the characters to percent-encode, with none of its password', (url) => {
    let thrown: unknown;
    try {
      parseRedisUrl(url);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ badUrl: true });
    const message = (thrown as Error).message;
    expect(message).toContain('percent-encode them (? as %3F, # as %23, / as %2F)');
    expect(message).not.toMatch(/S3cret|123|:12\b|:ab\b/);
  });

  it.each(CUT_SHORT)('%s is shown and recorded with all up to its last @ masked, and compared with no server', (url) => {
    for (const named of [shownRedisUrl(url), recordedRedisUrl(url), otherRedisRefusal('r1', 'redis://cache:6379', url, 'resume')!]) {
      expect(named).not.toMatch(/S3cret|123|:12\b|:ab\b/);
    }
    expect(recordedRedisUrl('redis://u:123?S3cretPW@cache:6379')).toBe('redis://u:***@cache:6379');
    expect(sameRedisServer(url, 'redis://u:123')).toBeUndefined();
    expect(sameRedisServer(url, 'redis://cache:6379')).toBeUndefined();
  });
});

describe('a Redis URL without // after its scheme', () => {
  it.each(['redis:/:S3cret@cache:1', 'redis:/0', 'rediss:cache:6379'])('%s is refused naming the form to write, its password masked', (url) => {
    expect(() => parseRedisUrl(url)).toThrow(/: not a URL \(expected redis:\/\/\[user:password@\]host\[:port\]\[\/db\]\)$/);
    expect(() => parseRedisUrl(url)).not.toThrow(/S3cret/);
    // Read as no host, it named the default one: a resume through it is not known to reach the recorded server.
    expect(sameRedisServer(url, 'redis://127.0.0.1:6379')).toBeUndefined();
  });
});

describe('a Redis URL as written', () => {
  it('an IPv4-mapped address is shown and recorded as written, not as a parser rewrites it', () => {
    expect(parseRedisUrl('redis://[::ffff:127.0.0.1]:6380/2').display).toBe('redis://[::ffff:127.0.0.1]:6380/2');
    expect(parseRedisUrl('redis://[::ffff:127.0.0.1]:6380').options.host).toBe('::ffff:7f00:1');
    expect(recordedRedisUrl('redis://app:pw@[::FFFF:127.0.0.1]:6380')).toBe('redis://app:***@[::FFFF:127.0.0.1]:6380');
    expect(shownRedisUrl('redis://:pw@[0:0:0:0:0:0:0:1]:6380')).toBe('redis://[0:0:0:0:0:0:0:1]:6380');
    expect(sameRedisServer('redis://[::ffff:127.0.0.1]:6380', 'redis://localhost:6380')).toBe(true);
  });
});
