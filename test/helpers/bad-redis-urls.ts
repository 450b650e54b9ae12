/** Redis URLs ksa refuses as written, without connecting: each as given, as its refusal shows it, and why. */
export const BAD_REDIS_URLS = [
  { url: 'http://cache:6379', shown: 'http://cache:6379', reason: 'unsupported scheme "http:" (use redis:// or rediss://)' },
  { url: 'redis://cache:6379/+1', shown: 'redis://cache:6379/+1', reason: '"+1" is not a database number' },
  { url: 'redis://:s3cret@cache:6379?db=1', shown: 'redis://cache:6379', reason: 'ksa reads no options after ? in a Redis URL: give the database as /N (redis://[user:password@]host[:port][/db])' },
  { url: 'redis://cache:6379/99999999999999999999', shown: 'redis://cache:6379/99999999999999999999', reason: 'database 99999999999999999999 cannot exist: a Redis server numbers its databases from 0 to at most 2147483646' },
] as const;
