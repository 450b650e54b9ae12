import { describe, expect, it } from 'vitest';
import { classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// A loop over literal words runs its body once per word: `kubectl $v pods` with v in get, describe is rated as
// `kubectl get pods` and `kubectl describe pods`, when nothing else may set v, and only for a line that then
// reads: any other keeps the rating of its commands as written.

const classify = (command: string) => classifyShell(command, parseShell);

describe('classifyShell: a loop over literal words', () => {
  it.each<[string, RiskLevel]>([
    ['for v in get describe; do kubectl $v pods; done', 'read'],
    ['for v in get describe; do kubectl "$v" pods -n shop; done', 'read'],
    ['for v in get describe; do kubectl ${v} pods; kubectl logs web; done', 'read'],
    ['for v in "get pods" "describe pods"; do kubectl $v; done', 'read'],
    ['for v in get describe; do for n in a b; do kubectl $v pods -n $n; done; done', 'read'],
    ['for v in get describe; do sudo kubectl $v pods | grep web; done', 'read'],
    ['for v in list status; do helm $v; done', 'read'],
    ['for m in GET HEAD; do curl -X $m https://x; done', 'read'],
    // A word that deletes is rated so.
    ['for v in get delete; do kubectl $v pods; done', 'destroy'],
    ['for v in "delete ns" "get pods"; do kubectl $v x; done', 'destroy'],
    ['for v in get delete; do sudo kubectl $v pods; done', 'destroy'],
    ['for m in GET DELETE; do curl -X $m https://x; done', 'destroy'],
    ['for v in status push; do git $v --force; done', 'destroy'],
    // Words that are not literal: brace expansions, globs, variables, substitutions; no `in` at all.
    ['for v in r{m,}; do $v -rf x; done', 'destroy'],
    ['for v in get de{lete,}; do kubectl $v pods; done', 'destroy'],
    ['for v in get *; do kubectl $v pods; done', 'destroy'],
    ['for v in get $X; do kubectl $v pods; done', 'destroy'],
    ['for v in get $(cat verbs); do kubectl $v pods; done', 'destroy'],
    ['for v; do kubectl $v pods; done', 'destroy'],
    // The variable set again in the body, in any way, or by a loop reusing its name.
    ['for v in get describe; do v=delete; kubectl $v pods; done', 'destroy'],
    ['for v in get describe; do read v; kubectl $v pods; done', 'destroy'],
    ['for v in get describe; do printf -v v delete; kubectl $v pods; done', 'destroy'],
    ['for v in get describe; do eval v=delete; kubectl $v pods; done', 'destroy'],
    ['for v in get describe; do declare v=delete; kubectl $v pods; done', 'destroy'],
    ['for v in get describe; do : ${v:=delete}; kubectl $v pods; done', 'destroy'],
    ['for v in get describe; do declare -n r=v; r=delete; kubectl $v pods; done', 'destroy'],
    ['for v in get describe; do ((v++)); kubectl $v pods; done', 'destroy'],
    ['for v in get; do for v in delete; do :; done; kubectl $v pods; done', 'destroy'],
    ['for v in get; do kubectl $v pods; done; for v in delete; do kubectl $v ns x; done', 'destroy'],
    ['for v in get describe; do kubectl $v pods; . ./x.sh; done', 'destroy'],
    // Unquoted, a word of the loop is a file name pattern too.
    ["for v in 'de\\lete'; do kubectl $v pods; done", 'write'],
    // Read inside another word, or by code built at run time.
    ['for v in get describe; do kubectl ${v/get/delete} pods; done', 'destroy'],
    ['IFS=e; for v in d_l_te; do kubectl $v ns x; done', 'destroy'],
    // A line that writes or deletes anything else keeps the rating of the body as written.
    ['for v in get describe; do kubectl $v pods; done; rm -rf x', 'destroy'],
    ['for v in get describe; do kubectl $v pods > out; done', 'destroy'],
    ['for v in get describe; do kubectl $v pods; done | sh', 'destroy'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });
});
