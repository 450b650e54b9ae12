import { describe, expect, it } from 'vitest';
import { globMatches, GlobSyntaxError } from '../../../src/policy/rules/index.js';

describe('command-line globs', () => {
  it.each([
    ['npm run *', 'npm run build', true],
    ['npm run *', 'npm run build -- --out=/tmp/a/b', true],
    ['npm test', 'npm test', true],
    ['npm test', 'npm test --watch', false],
    ['get *', 'get pods/web -n shop', true],
    ['get *', 'delete pods', false],
    ['* -n prod *', 'get pods -n prod -o wide', true],
    ['* -n prod *', 'get pods -n production -o wide', false],
    ['* -n prod *', 'get pods -n prod', true],
    ['* -n prod *', 'get pods -n production', false],
    ['* -n prod *', 'get pods -n prodx', false],
    ['npm run *', 'npm run', true],
    ['npm run *', 'npm runner', false],
    ['get *', 'get', true],
    ['get\\ *', 'get', false],
    [' *', '', true],
    ['GET https://*.example.com/*', 'GET https://api.example.com/v1/items?x=1', true],
    ['GET https://*.example.com/*', 'POST https://api.example.com/v1/items', false],
    ['rm -rf /*', 'rm -rf /', true],
    ['rm -rf /*', 'rm -rf /.ssh', true],
    ['github__*', 'github__create_issue', true],
    ['github__*', 'gitlab__create_issue', false],
    ['Get *', 'get pods', false],
    ['!rm *', '!rm x', true],
    ['!rm *', 'ls', false],
    ['*', 'echo a\nrm -rf /', true],
    ['echo *', 'echo a\nrm -rf /', true],
    // Quotes are characters to match, as in an MCP call's JSON or a shell line as written.
    ['{"repo":"*"}', '{"repo":"prod"}', true],
    ['{"repo":"prod*"}', '{"repo":"prod-eu"}', true],
    ['{"repo":"prod*"}', '{"repo":"dev"}', false],
    ['*"repo":"prod"*', '{"owner":"me","repo":"prod"}', true],
    ['*"path":"/tmp*', '{"path":"/tmp/x","recursive":true}', true],
    ['{"repo":"prod"}', '{repo:prod}', false],
    ['echo "*"', 'echo "hi there"', true],
    ['"a"', 'a', false],
    ['"a"', '"a"', true],
    ["'a' *", "'a' b", true],
    ['rm -rf "/var/*"', 'rm -rf "/var/x"', true],
    ['x \\"*', 'x "y', true],
    ['./secrets/*', 'secrets/a', true],
    ['./secrets/*', './secrets/a', true],
    ['a?c', 'a/c', true],
    ['*([a-z])r', 'fr', true],
    ['-*([a-z])r*([a-z])', '-frv', true],
    ['[!a]x', 'bx', true],
    ['[!a]x', 'ax', false],
    ['{get,describe} *', 'describe pods', true],
    ['{get,describe} *', 'delete pods', false],
    ['*.{pem,key}', 'a/b.key', true],
    ['{a,{b,c}}x', 'cx', true],
    ['{,sudo }rm *', 'sudo rm x', true],
    ['@(get|describe) *', 'describe pods', true],
    ['@(get|describe) *', 'delete pods', false],
    // A whole-segment `**` may stand for no folder, as in picomatch.
    ['**/.env', '.env', true],
    ['**/.env', 'a/b/.env', true],
    ['**/.env', 'x.env', false],
    ['**/*.pem', 'key.pem', true],
    ['secrets/**', 'secrets', true],
    ['secrets/**', 'secrets/a/b', true],
    ['secrets/**', 'secretsx', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'ab', false],
    ['**/a/**', 'a/x', true],
    ['**/a/**', 'a', true],
    ['**/a/**', 'ba/x', false],
    ['./**/.env', '.env', true],
    ['rm -rf /**', 'rm -rf ', true],
    ['x **/y', 'x y', false],
  ])('%j against %j → %s', (pattern, subject, expected) => {
    expect(globMatches(pattern, subject)).toBe(expected);
  });

  it.each([
    // A deny or ask rule also holds when its double quotes are read as quoting, as rules once were.
    ['*"rm -rf"*', 'cd . && rm -rf victim', 'deny', true],
    ['"rm" -rf *', 'rm -rf victim', 'ask', true],
    ['"rm" -rf *', '"rm" -rf victim', 'deny', true],
    ['*"rm -rf"*', 'cd . && rm -rf victim', 'allow', false],
    ['"rm" -rf *', 'rm -rf victim', 'allow', false],
    ['"rm" -rf *', 'rm -rfx victim', 'deny', false],
    // ... and when `{…}` and `[…]` are the characters of a JSON pattern.
    ['{"text":"rm -rf","times":2}', '{"text":"rm -rf","times":2}', 'deny', true],
    ['{"a":1,"b":2}', '{"a":1,"b":2}', 'ask', true],
    ['{"paths":["/*"]}', '{"paths":["/etc"]}', 'deny', true],
    ['{"paths":["/*"]}', '{"paths":"/etc"}', 'deny', false],
    // An allow rule reads a JSON object's braces as JSON too: it covers the call whose arguments it spells.
    ['{"a":1,"b":2}', '{"a":1,"b":2}', 'allow', true],
    ['{"a":1,"b":2}', '"a":1', 'allow', false],
    ['{get,describe} *', 'describe pods', 'deny', true],
    ['[!a]x', 'bx', 'deny', true],
  ] as const)('%j against %j for a %s rule → %s', (pattern, subject, effect, expected) => {
    expect(globMatches(pattern, subject, effect)).toBe(expected);
  });

  it('a pattern with many * and braces or an extended glob answers over a long line', () => {
    const line = `echo ${'a'.repeat(40)}`;
    expect(globMatches(`${'*a'.repeat(12)}*{b,c}`, line)).toBe(false);
    expect(globMatches(`${'*a'.repeat(12)}*{b,c}`, `${line}c`)).toBe(true);
    // @(c|d) of plain choices is {c,d}: matched in linear time too.
    expect(globMatches(`${'*a'.repeat(12)}*b@(c|d)`, line)).toBe(false);
    expect(globMatches(`${'*a'.repeat(12)}*b@(c|d)`, `${line}bd`)).toBe(true);
    expect(() => globMatches(`${'*a'.repeat(12)}*b+(c|d)`, line)).toThrow(/at most 3 \* or repeats are matched in time, this has 14/);
    expect(() => globMatches(`${'*a'.repeat(12)}*b!(x)`, line, 'deny')).toThrow(GlobSyntaxError);
  });

  it('an extended glob with a * or a repeat inside a repeat, or with more than 3 * or repeats, is refused; with fewer it answers over a long line', () => {
    expect(() => globMatches('+(a|*)*+(b|*)*', 'ab')).toThrow(/a \* or a repeat inside \+\(…\) or \*\(…\) can take for ever/);
    expect(() => globMatches('*(+(a)b)', 'ab', 'deny')).toThrow(GlobSyntaxError);
    expect(() => globMatches('*+(x)*+(x)*+(x)*+(z)', 'x', 'deny')).toThrow(/write @\(a\|b\) as \{a,b\}/);
    // Found hanging ksa validate: the pattern read with its extended globs as * matches, picomatch's expression never ended.
    const long = `echo ${'x'.repeat(300)}`;
    for (const effect of ['allow', 'deny'] as const) {
      expect(globMatches('*+(x)*@(z)', long, effect)).toBe(false);
      expect(globMatches('*+(x)*@(z)', `${long}z`, effect)).toBe(true);
    }
    // Past what can be matched in time, a rule that forbids holds and an allow rule does not.
    const longer = `echo ${'x'.repeat(20_000)}`;
    expect(globMatches('*+(x)*@(z)', longer, 'deny')).toBe(true);
    expect(globMatches('*+(x)*@(z)', longer, 'ask')).toBe(true);
    expect(globMatches('*+(x)*@(z)', `${longer}z`, 'allow')).toBe(false);
    expect(globMatches('@(get|describe) *', `get ${'x'.repeat(200_000)}`, 'allow')).toBe(true);
  });

  it('a deny or ask rule ending in /**/* also covers the folder itself, as picomatch reads it; an allow rule does not', () => {
    expect(globMatches('*/**/*', 'a', 'deny')).toBe(true);
    expect(globMatches('secrets/**/*', 'secrets', 'ask')).toBe(true);
    expect(globMatches('secrets/**/*', 'secrets/a/b', 'deny')).toBe(true);
    expect(globMatches('secrets/**/*', 'secretsx', 'deny')).toBe(false);
    expect(globMatches('secrets/**/*', 'secrets', 'allow')).toBe(false);
  });

  it('rules naming a literal a long line lacks do not match it; with the literal they do', () => {
    const line = `echo ${'x'.repeat(1_000_000)}`;
    for (let n = 1; n <= 20; n++) expect(globMatches(`*rm -rf /srv${n}/*`, line, 'deny')).toBe(false);
    expect(globMatches('*rm -rf /srv1/*', `${line} && rm -rf /srv1/x`, 'deny')).toBe(true);
  });

  it('a pattern with many * answers over a long line, matching or not (picomatch never ended)', () => {
    // Picomatch's regular expression took 3.5 s for 7 stars over this line, 11 s for 8; 17 never ended.
    const pattern = `${'*a'.repeat(7)}*b`;
    expect(globMatches(pattern, `echo ${'a'.repeat(40)}`)).toBe(false);
    expect(globMatches(pattern, `echo ${'a'.repeat(40)}b`)).toBe(true);
    expect(globMatches(`rm -rf ${'*a'.repeat(17)}*b`, `rm -rf ${'a'.repeat(400)}`)).toBe(false);
  });
});

describe('a pattern with several literal runs', () => {
  it('matches a line holding each of them in their order, and no other', () => {
    expect(globMatches('delete * prod17* *', 'delete ns prod17-eu -n x', 'deny')).toBe(true);
    expect(globMatches('delete * prod17* *', 'delete ns prod17', 'deny')).toBe(true);
    expect(globMatches('delete * prod17* *', 'delete ns prod1 -n prod17', 'deny')).toBe(true);
    expect(globMatches('delete * prod17* *', 'delete ns prod1-eu', 'deny')).toBe(false);
    expect(globMatches('delete * prod17* *', 'prod17 delete', 'deny')).toBe(false);
    expect(globMatches('a*bc*a', 'abca', 'allow')).toBe(true);
    expect(globMatches('a*bc*a', 'bca', 'allow')).toBe(false);
  });
});

describe('a pattern of literals, or one beginning or ending with them', () => {
  it('matches only the line itself, or a line holding them at its edges', () => {
    expect(globMatches('delete ns prod', 'delete ns prod', 'deny')).toBe(true);
    expect(globMatches('delete ns prod', 'delete ns prod ', 'deny')).toBe(false);
    expect(globMatches('delete ns prod', 'xdelete ns prod', 'deny')).toBe(false);
    expect(globMatches('rm \\*', 'rm *', 'deny')).toBe(true);
    expect(globMatches('rm \\*', 'rm x', 'deny')).toBe(false);
    expect(globMatches('ab*ba', 'aba', 'allow')).toBe(false);
    expect(globMatches('ab*ba', 'abba', 'allow')).toBe(true);
    expect(globMatches('ab*ba', 'ab-ba', 'allow')).toBe(true);
    expect(globMatches('delete ns prod', 'delete ns\nprod', 'deny')).toBe(true);
  });
});
