import { isNode, literalString, type Node } from './cel-ast.js';
import { guardedReadsOf, type GuardReading, type Names } from './guard-walk.js';

/**
 * How an expression treats allow-listed variables that may be unset: such a variable is not in `env`, and
 * reading it fails ("No such key"). A read counts as guarded only where the expression tested that very
 * variable on the way to it: `has(env.BRANCH) ? env.BRANCH : "main"`, `"BRANCH" in env && env.BRANCH != ""`,
 * `!has(env.BRANCH) || env.BRANCH == "main"` (or on the other side of that `&&`, `||`, which then answers alone).
 * A test of another variable (`env.A != null && env.B > 1` guards neither: `env.A != null` reads A), or of
 * nothing (`env.B || "x"`), leaves the read to fail mid-run.
 */
export type EnvGuards = {
  /** Variables the expression reads somewhere without such a test before it. */
  readonly unguardedEnv: readonly string[];
  /** Variables the expression being true proves set (`has(env.X) && …`): a step whose `when` it is may read them. */
  readonly setWhenTrue: readonly string[];
};

export const NO_ENV_GUARDS: EnvGuards = { unguardedEnv: [], setWhenTrue: [] };

const ENV_SET: GuardReading = { read: envRead, test: setTest, readFails: true };

export function envGuardsOf(ast: Node): EnvGuards {
  const { unguarded, thereWhenTrue } = guardedReadsOf(ast, ENV_SET);
  return { unguardedEnv: unguarded, setWhenTrue: thereWhenTrue };
}

/** `has(env.X)` or `"X" in env`: true says X is set. */
function setTest(node: Node, bound: Names): { name: string; thereWhen: boolean } | undefined {
  if (node.op === 'call') {
    const [name, callArgs] = node.args as [string, unknown[]];
    const read = name === 'has' && callArgs.length === 1 ? envRead(callArgs[0], bound) : undefined;
    return read === undefined ? undefined : { name: read, thereWhen: true };
  }
  if (node.op === 'in') {
    const [key, map] = node.args as [unknown, unknown];
    const name = literalString(key);
    return name !== undefined && isEnv(map, bound) ? { name, thereWhen: true } : undefined;
  }
  return undefined;
}

/** The variable `env.X` or `env["X"]` reads, unless `env` is a macro's variable there. */
function envRead(node: unknown, bound: Names): string | undefined {
  if (!isNode(node) || (node.op !== '.' && node.op !== '[]')) return undefined;
  const [target, key] = node.args as [unknown, unknown];
  if (!isEnv(target, bound)) return undefined;
  return node.op === '.' ? (key as string) : literalString(key);
}

function isEnv(node: unknown, bound: Names): boolean {
  return isNode(node) && node.op === 'id' && node.args === 'env' && !bound.has('env');
}
