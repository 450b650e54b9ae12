import type { Stdin } from './command-context.js';
import { destroyRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';

type Args = readonly (string | undefined)[];

/** Database clients and the flags that carry a statement on the command line. */
const CLIENTS: Readonly<Record<string, readonly string[]>> = {
  psql: ['-c', '--command'],
  mysql: ['-e', '--execute'],
  mariadb: ['-e', '--execute'],
  sqlite3: [],
  cqlsh: ['-e', '--execute'],
  'clickhouse-client': ['-q', '--query'],
  sqlcmd: ['-Q', '-q'],
  mongosh: ['--eval'],
  mongo: ['--eval'],
  'redis-cli': [],
};

export function isDatabaseClient(name: string): boolean {
  return Object.hasOwn(CLIENTS, name);
}

/** `psql -c "DROP TABLE x"`, `mysql -e …`, `echo "DELETE …" | psql`, `redis-cli FLUSHALL`. */
export function classifyDatabaseClient(name: string, args: Args, stdin: Stdin): StepRisk {
  if (name === 'redis-cli') return redisRisk(args);
  const statements: (string | undefined)[] = [];
  const flags = CLIENTS[name]!;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) continue;
    const flag = flags.find((candidate) => arg === candidate || arg.startsWith(`${candidate}=`) || (candidate.length === 2 && arg.startsWith(candidate) && !arg.startsWith('--')));
    if (flag === undefined) continue;
    statements.push(arg === flag ? args[++i] : arg.slice(arg.startsWith(`${flag}=`) ? flag.length + 1 : flag.length));
  }
  if (name === 'sqlite3') {
    const positional = args.filter((arg) => arg === undefined || !arg.startsWith('-'));
    if (positional.length > 1) statements.push(...positional.slice(1));
  }
  if (args.some((arg) => arg === '-f' || arg === '--file' || arg?.startsWith('--file=') || arg === '--init-command')) statements.push(undefined);
  if (statements.length === 0) {
    if (stdin.kind === 'none') return writeRisk(`${name} session`);
    statements.push(stdin.kind === 'text' || stdin.kind === 'pipe' ? stdin.literal : undefined);
  }
  let worst: StepRisk = readRisk(`${name} query`);
  for (const statement of statements) {
    const risk = statement === undefined ? writeRisk(`${name} runs SQL that is not on the command line`) : sqlRisk(statement, name);
    if (risk.level === 'destroy') return risk;
    if (risk.level === 'write') worst = risk;
  }
  return worst;
}

/** The riskiest statement of an SQL text; anything not known to read is a write. */
export function sqlRisk(sql: string, client = 'SQL'): StepRisk {
  const text = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
  const destroy = /\b(DROP|TRUNCATE)\b|\bDELETE\s+FROM\b|\bDELETE\b|\bdb\.\w+\.(drop|remove|deleteMany|deleteOne)\b|\bdropDatabase\b/i.exec(text);
  if (destroy) return destroyRisk(`${destroy[1]?.toUpperCase() ?? destroy[0]} through ${client}`);
  const statements = text.split(';').map((part) => part.trim()).filter(Boolean);
  if (statements.length === 0) return readRisk(`${client} query`);
  const write = statements.find((statement) => !/^(SELECT|SHOW|EXPLAIN|DESCRIBE|DESC|WITH|VALUES|TABLE|\\[a-zA-Z]+|PRAGMA\s+\w+\s*$|db\.\w+\.(find|count|aggregate)|USE)\b/i.test(statement) || /\bINTO\b|\bFOR\s+UPDATE\b/i.test(statement));
  if (write !== undefined) return writeRisk(`${write.split(/\s+/)[0]!.toUpperCase()} through ${client}`);
  return readRisk(`${client} query`);
}

const REDIS_DESTROY = /^(FLUSHALL|FLUSHDB|DEL|UNLINK|GETDEL|SHUTDOWN|SCRIPT|FUNCTION|DEBUG|CONFIG|SWAPDB|RESTORE|MIGRATE|EXPIRE|PEXPIRE|CLUSTER)$/i;
const REDIS_READ = /^(GET|MGET|KEYS|SCAN|INFO|PING|EXISTS|TTL|PTTL|TYPE|STRLEN|HGET|HGETALL|HKEYS|HVALS|HLEN|HMGET|LRANGE|LLEN|LINDEX|SMEMBERS|SCARD|SISMEMBER|ZRANGE|ZCARD|ZSCORE|DBSIZE|TIME|CLIENT|MONITOR|SUBSCRIBE|XRANGE|XLEN|MEMORY|OBJECT|LATENCY|SLOWLOG|ROLE|COMMAND|ECHO|--version|-v)$/i;
const REDIS_VALUE_FLAGS = new Set(['-h', '-p', '-s', '-a', '-u', '-n', '-r', '-i', '--user', '--pass', '--askpass']);

function redisRisk(args: Args): StepRisk {
  let i = 0;
  while (i < args.length && args[i]?.startsWith('-')) i += REDIS_VALUE_FLAGS.has(args[i]!) ? 2 : 1;
  const command = args[i];
  if (i >= args.length) return writeRisk('redis-cli session');
  if (command === undefined) return writeRisk('redis-cli command built at run time');
  if (REDIS_DESTROY.test(command)) return destroyRisk(`redis-cli ${command.toUpperCase()}`);
  if (REDIS_READ.test(command)) return readRisk(`redis-cli ${command.toUpperCase()}`);
  return writeRisk(`redis-cli ${command.toUpperCase()}`);
}
