import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from '../../src/workers/redis-connection.js';

// A URL naming no host, or options after `?` ksa does not read, would go unsaid to another server or database.
describe('a Redis URL ksa could only read as another server or database', () => {
  it.each([
    ['redis://', 'names no host'],
    ['redis:///1', 'names no host'],
    ['redis://127.0.0.1:6379?db=1', 'ksa reads no options after ? in a Redis URL: give the database as /N'],
    ['redis://:s3cret@cache:6380/?family=6', 'ksa reads no options after ? in a Redis URL: give the database as /N'],
  ])('%s is refused: %s', (url, reason) => {
    expect(() => parseRedisUrl(url)).toThrow(reason);
    try {
      parseRedisUrl(url);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('s3cret');
    }
  });

  it.each(['+1', '1e0', '0x1', '1.0', '%31'])('a database written %s (not in plain digits) is refused, not taken for database 1', (db) => {
    expect(() => parseRedisUrl(`redis://:s3cret@cache:6380/${db}`)).toThrow(`cannot use Redis at redis://cache:6380/${db}: "${db}" is not a database number`);
  });

  it('one with a host, a port, a database or a fragment is read as before', () => {
    expect(parseRedisUrl('redis://cache:6380/2').options).toMatchObject({ host: 'cache', port: 6380, db: 2 });
    expect(parseRedisUrl('redis://cache:6380/15').options).toMatchObject({ db: 15 });
    expect(parseRedisUrl('redis://cache/').options).toMatchObject({ host: 'cache', port: 6379, db: 0 });
    expect(parseRedisUrl('redis://cache:6380#x').options).toMatchObject({ host: 'cache', port: 6380 });
  });
});
