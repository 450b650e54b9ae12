import { describe, expect, it } from 'vitest';
import { classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// Bash evaluates as arithmetic what is assigned to an integer variable, and a substring's offset and length; a
// subscript in that text runs command substitutions: `declare -i n; n='x[$(rm -rf ~)]'` runs rm.

const classify = (command: string, env: Record<string, string> = {}) => classifyShell(command, parseShell, 0, new Set(), { values: new Map(Object.entries(env)), anything: false });

const CODE = "'x[$(rm -rf marker)]'";

describe('classifyShell: text assigned to an integer variable, and substring offsets', () => {
  it.each<[string, Record<string, string>]>([
    [`declare -i n; n=${CODE}; echo "$n"`, {}],
    [`typeset -i n; n=${CODE}`, {}],
    [`f() { local -i n; n=${CODE}; }; f`, {}],
    [`v=${CODE}; declare -i B; B=v`, {}],
    [`v=${CODE}; declare -i B; B+=v`, {}],
    [`declare -i n; read n <<< ${CODE}`, {}],
    [`declare -i n; mapfile n <<< ${CODE}`, {}],
    [`declare -i n; printf -v n '%s' ${CODE}`, {}],
    [`declare -i n; n[0]=${CODE}`, {}],
    [`declare -ai n; n=(${CODE})`, {}],
    [`declare -i n; export n=${CODE}`, {}],
    [`declare -i n; for n in ${CODE}; do :; done`, {}],
    [`declare -i n; : \${n:=${CODE}}`, {}],
    [`declare -i 'n=v'`, { v: 'x[1]' }],
    // The attribute may be given after the assignment, which a loop runs again.
    [`for i in 1 2; do n=${CODE}; declare -i n; done`, {}],
    ['declare -i n; n=$(cat count)', {}],
    ['declare -i n; n=$COUNT', {}],
    ['declare -i n; n=$COUNT', { COUNT: 'x[1]' }],
    [`v=${CODE}; s=abc; echo \${s:v}`, {}],
    [`v=${CODE}; s=abc; echo \${s:$v}`, {}],
    [`v=${CODE}; a=(a b); echo \${a[@]:v:1}`, {}],
    [`v=${CODE}; s=abc; echo \${s: -v}`, {}],
    [`v=${CODE}; s=abc; echo "\${s:0:v}"`, {}],
    ['echo ${s:$(cat offset)}', {}],
    ['echo "${@:$START}"', {}],
    // A literal expression still evaluates what the names it reads hold.
    ['declare -i n=0; n=n+STEP', { STEP: 'x[1]' }],
    ['declare -i n=0; n=n+STEP', {}],
    [`v=${CODE}; declare -i n=0; n=n+v`, {}],
    // The attribute is taken off only where that surely happens first.
    [`declare -i n; [ -n "$A" ] && unset n; n=${CODE}`, {}],
    [`declare -i n; unset n | cat; n=${CODE}`, {}],
    [`declare -i n; unset -f n; n=${CODE}`, {}],
    [`declare -i n; unset n & n=${CODE}`, {}],
    [`f() { declare -gi n; }; unset n; f; n=${CODE}`, {}],
    [`declare -i n; unset n; f() { n=${CODE}; }; f`, {}],
    [`unset n; for i in 1 2; do n=${CODE}; declare -i n; done`, {}],
    // local -i holds in the functions its call runs.
    [`f() { local -i n; g; }; g() { n=${CODE}; }; f`, {}],
  ])('%s with %j is destroy', async (command, env) => {
    const risk = await classify(command, env);
    expect(risk.level, risk.reason).toBe('destroy');
    expect(risk.reason).toMatch(/^arithmetic evaluates text read at run time as code: /);
  });

  it('names the text assigned', async () => {
    expect((await classify(`v=${CODE}; declare -i B; B=v`)).reason).toBe('arithmetic evaluates text read at run time as code: v');
    expect((await classify('declare -i n; read n')).reason).toBe('arithmetic evaluates text read at run time as code: n');
  });

  it.each<[string, Record<string, string>, RiskLevel]>([
    ['declare -i n; n=5; n+=2; echo $n', {}, 'read'],
    ['declare -i n; n=$COUNT; echo $n', { COUNT: '3' }, 'read'],
    ['declare -i n=0; n=$((n+1)); echo $n', {}, 'read'],
    ['declare -i n; for n in 1 2 3; do echo $n; done', {}, 'read'],
    // Without the attribute the text is kept as written.
    [`n=${CODE}; echo "$n"`, {}, 'read'],
    [`declare -x n; n=${CODE}; read m; echo "$n $m"`, {}, 'read'],
    [`v=${CODE}; echo "\${v:1:2}" "\${GITHUB_SHA:0:7}" "\${@:2}" "\${v:-x}" "\${v:+y}"`, {}, 'read'],
    ['s=abc; for i in 1 2; do echo "${s:i:1}"; done', {}, 'read'],
    ['echo "${s:OFFSET}"', { OFFSET: '2' }, 'read'],
    // A literal expression over numbers the line counts with leaves a number.
    ['declare -i count=0; count=count+1; echo $count', {}, 'read'],
    ['declare -i n=0; n=n*2; kubectl get pods', {}, 'read'],
    ["declare -i n=1; n='n + 2*3 - n/2%5 && n'; echo $n", {}, 'read'],
    ['declare -i n=0; n=n+STEP', { STEP: '2' }, 'read'],
    // Without the attribute any more, or outside the function that gave it, text is kept as written.
    [`declare -i n; declare +i n; n=${CODE}; echo "$n"`, {}, 'read'],
    [`typeset -i n; typeset +i n; n=${CODE}`, {}, 'read'],
    [`declare -i n; unset n; n=${CODE}; echo "$n"`, {}, 'read'],
    [`declare -i n; unset -v n && n=${CODE}`, {}, 'read'],
    [`f() { local -i n; n=1; }; f; n=${CODE}; echo "$n"`, {}, 'read'],
    [`f() { declare -i n; n=1; }; f; n=${CODE}`, {}, 'read'],
  ])('%s with %j is %s', async (command, env, level) => {
    const risk = await classify(command, env);
    expect(risk.level, risk.reason).toBe(level);
  });
});
