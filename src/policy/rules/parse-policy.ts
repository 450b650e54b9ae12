import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { compileGlob, GlobSyntaxError } from './command-glob.js';
import { flagSubsetPattern } from './flag-spelling.js';
import { PolicyFileError } from './policy-file-error.js';
import { POLICY_EFFECTS, type Policy, type PolicyEffect, type PolicyRule } from './policy-rule.js';

const EXAMPLE = 'e.g. deny: [ { kubectl: "delete *" } ]';

/**
 * Reads a policy document (YAML, already read as text): `allow`, `ask` and `deny`
 * lists of one-key maps from a tool glob to a command-line glob. A bare string is
 * a tool glob with any command line. The first problem throws, with its line.
 */
export function parsePolicy(text: string, file: string): Policy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : undefined;
  };
  const fail = (node: unknown, problem: string): never => {
    throw new PolicyFileError({ file, line: lineOf(node), problem });
  };
  const [syntax] = doc.errors;
  if (syntax) {
    const message = (syntax.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new PolicyFileError({ file, line: lineCounter.linePos(syntax.pos[0]).line, problem: `YAML syntax error: ${message}${startsWithStar(text, syntax.pos[0]) ? QUOTE_STAR : ''}` });
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return { rules: [], files: [file] };
  if (!isMap(root)) return fail(root, `expected a map with allow, ask and deny lists (${EXAMPLE})`);

  const rules: PolicyRule[] = [];
  for (const pair of root.items) {
    const key = pair.key;
    const name = isScalar(key) ? String(key.value) : undefined;
    if (!name || !(POLICY_EFFECTS as readonly string[]).includes(name)) {
      fail(key, `unknown key ${JSON.stringify(name ?? '?')}; a policy has only allow, ask and deny lists (${EXAMPLE})`);
    }
    const effect = name as PolicyEffect;
    const list = pair.value as Node | null;
    if (list === null || (isScalar(list) && list.value === null)) continue;
    if (isAlias(list)) fail(list, 'aliases are not allowed in policy files; write each rule out');
    if (!isSeq(list)) fail(list ?? key, `${effect} must be a list of rules (${EXAMPLE})`);
    for (const item of (list as { items: unknown[] }).items) rules.push(parseRule(item, effect, file, fail, lineOf));
  }
  return { rules, files: [file] };
}

/** In YAML an unquoted `*` starts an alias: `kubectl: * -n prod *` is not a pattern. */
const QUOTE_STAR = ' (a pattern that starts with * must be quoted: kubectl: "* -n prod *")';

/** Whether the line of the error holds a value starting with `*` after `:` or `- `. */
function startsWithStar(text: string, offset: number): boolean {
  const start = text.lastIndexOf('\n', Math.max(0, offset - 1)) + 1;
  const end = text.indexOf('\n', offset);
  return /(:|^\s*-)\s+\*/.test(text.slice(start, end === -1 ? undefined : end));
}

function parseRule(item: unknown, effect: PolicyEffect, file: string, fail: (node: unknown, problem: string) => never, lineOf: (node: unknown) => number | undefined): PolicyRule {
  if (isAlias(item)) fail(item, 'aliases are not allowed in policy files; write each rule out');
  let tool: unknown;
  let command: unknown;
  let commandNode: unknown = item;
  if (isScalar(item)) {
    // `- github__*`: every call of the matching tools.
    tool = item.value;
    command = '*';
  } else if (isMap(item)) {
    if (item.items.length !== 1) fail(item, `a rule is a map with exactly one key, the tool name (e.g. - { shell: "npm test" }); this one has ${item.items.length}`);
    const [pair] = item.items;
    if (isAlias(pair!.key) || isAlias(pair!.value)) fail(item, `aliases are not allowed in policy files; write each rule out${isAlias(pair!.value) ? QUOTE_STAR : ''}`);
    tool = isScalar(pair!.key) ? pair!.key.value : undefined;
    command = isScalar(pair!.value) ? pair!.value.value : undefined;
    commandNode = pair!.value ?? item;
  } else {
    fail(item, `a rule is a one-key map from a tool to a command-line pattern (e.g. - { kubectl: "get *" })`);
  }
  if (typeof tool !== 'string' || tool.trim() === '') fail(item, 'the tool name must be a non-empty string (globs allowed: github__*)');
  if (typeof command !== 'string' || command === '') {
    fail(commandNode, `the command-line pattern of ${String(tool)} must be a non-empty string (e.g. "get *"; "*" for every call)`);
  }
  // A deny or ask rule is also read other ways (deny-readings.ts, its flags as a cluster): each must compile now, so its problem names this line.
  const readings: [string, PolicyEffect][] = [[tool as string, 'allow'], [command as string, effect]];
  if (effect !== 'allow') readings.push([flagSubsetPattern(command as string), effect]);
  for (const [pattern, as] of readings) {
    try {
      compileGlob(pattern, as);
    } catch (error) {
      if (error instanceof GlobSyntaxError) fail(item, error.message);
      throw error;
    }
  }
  return { effect, tool: tool as string, command: command as string, source: { file, line: lineOf(item) ?? 0 } };
}
