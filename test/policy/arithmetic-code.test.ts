import { describe, expect, it } from 'vitest';
import { classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// Bash evaluates the text of an arithmetic operand as an expression, and a subscript in it runs command substitutions:
// `n='x[$(rm -rf ~)]'; (( n > 1 ))` runs rm. Arithmetic over text read at run time is rated as eval of it is.

const classify = (command: string, env: Record<string, string> = {}) => classifyShell(command, parseShell, 0, new Set(), { values: new Map(Object.entries(env)), anything: false });

describe('classifyShell: arithmetic that evaluates text read at run time', () => {
  it.each<[string, Record<string, string>]>([
    ['n=$(cat count); (( n > 1 )) && echo many', {}],
    ['n=$(cat count); (( $n > 1 )) && echo many', {}],
    ['[[ $(cat f) -eq 1 ]] && echo one', {}],
    ['echo $(( n + 0 ))', { n: 'x' }],
    ['let n', { n: 'x[1]' }],
    ['echo ${a[$n]}', {}],
    ['a[$I]=x; ls', {}],
    ['[[ -v a[$E] ]] && ls', {}],
    ['declare -i x=$y; ls', {}],
    ['read -r n; (( n > 1 )) && ls', {}],
    ['mapfile -t rows < f; (( rows[0] > 1 )) && ls', {}],
    ['(( E )); kubectl get pods', { E: 'DRY=1' }],
    ['let E; kubectl get pods', { E: 'DRY=1' }],
    ['(( $1 > 0 )) && ls', {}],
    ['(( ${N:-x} > 0 )) && ls', {}],
    ['for i in $(seq 3); do (( i > 1 )) && ls; done', {}],
    // A count kept with $((…)) earlier on the line does not vouch for a later value read at run time.
    ['n=$((1)); n=$(cat f); (( n > 1 )) && ls', {}],
    ['n=$((1)); unset n; n=$(cat f); (( n > 1 )) && ls', {}],
    // A name the line's arithmetic reads before anything sets it holds what the step's environment gives.
    ['for ((i=0; i<N; i++)); do ls; done', {}],
    ['for (( i = 0 ; i < N ; i++ )); do ls; done', {}],
    ['((count++)); echo $count', {}],
    ['let n=n+1; helm upgrade web ./chart', {}],
    ['(( n = n + 1 )); ls', {}],
    ['(( a = 1, b = c )); ls', {}],
    // An element named to a builtin: its subscript is arithmetic.
    ['test -v "a[$X]"; echo ok', {}],
    ["test -v 'a[$X]'; echo ok", {}],
    ['[ -v "a[$X]" ] && echo ok', {}],
    ["unset 'a[$X]'; echo ok", {}],
    ['unset "a[$X]"; echo ok', {}],
    ['read "a[$X]" <<< hi', {}],
    ["printf -v 'a[$X]' x", {}],
    ["declare 'a[$X]=1'; echo ok", {}],
    ['declare "a[$X]=1"; echo ok', {}],
    // What is assigned through a name reference lands in the integer variable it names.
    ['declare -i n; declare -n r=n; r=$X; echo ok', {}],
    ['declare -i n=0; declare -n r=n; declare -n q=r; q=$X; echo ok', {}],
    // A builtin expands an associative array's key once more: $(…) in its value runs.
    ['declare -A m; unset "m[$X]"; echo ok', {}],
    ['declare -A m; k=$(cat key.txt); [ -v "m[$k]" ] && echo cached', {}],
    ['declare -A m; test -v "m[$X]"; read "m[$X]" <<< x; echo ok', {}],
    // A variable named by a value read at run time: bash evaluates the subscript in the name it holds.
    ['name=$(cat name.txt); [[ -v $name ]] && echo set', {}],
    ['test -v "$X"; echo ok', {}],
    ['x=$(cat f); echo "${!x}"', {}],
    ['x=$(cat f); echo "${!x:-none}"', {}],
    ['x=$(cat f); printf -v "$x" y', {}],
    ['x=$(cat f); declare -n r=$x; echo $r', {}],
    ['unset "$V"; echo ok', {}],
    // The same with the option's value joined to it, or the assignment quoted as one word.
    ['printf -v"$N" x; echo ok', {}],
    ['printf -v"${N}" x; echo ok', {}],
    ['declare -A m; read -r k < key.txt; printf -v"m[$k]" x; echo ok', {}],
    ['declare -n "r=$N"; echo "$r"', {}],
    ['read -r n < name.txt; declare "$n=1"; echo ok', {}],
    ['typeset "$N=1"; echo ok', {}],
    ['f() { local "$N=1"; }; f', {}],
    // A reference given its target later: what is assigned or read into it is a name read at run time.
    ['declare -n r; r=$(cat name.txt); echo "$r"', {}],
    ['declare -n r; IFS= read -r r < g; echo "$r"', {}],
    ['f() { local -n ref; ref=$(cat g); echo "${ref}"; }; f', {}],
    ['N=$(cat f); typeset -n r; r="$N"; echo "$r"', {}],
  ])('%s with %j is destroy', async (command, env) => {
    const risk = await classify(command, env);
    expect(risk.level, risk.reason).toBe('destroy');
    expect(risk.reason).toMatch(/^(arithmetic evaluates text read at run time as code|a variable named by text read at run time, whose subscript bash evaluates as code|an array key bash expands again, holding text read at run time): /);
  });

  it('names the operand read at run time', async () => {
    expect((await classify('n=$(cat count); (( n > 1 ))')).reason).toBe('arithmetic evaluates text read at run time as code: n');
    expect((await classify('echo $(( $(wc -l < f) ))')).reason).toBe('arithmetic evaluates text read at run time as code: $(wc -l < f)');
  });

  it.each<[string, Record<string, string>, RiskLevel]>([
    ['[ "$(cat count)" -ge 1 ] && echo ready', {}, 'read'],
    // A value assigned as a whole $((…)) is the number bash computed: counting with it runs nothing read at run time.
    ['n=0; n=$((n+1)); echo $n', {}, 'read'],
    ["i=0; while [ ! -f done ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done", {}, 'read'],
    ['i=0; until (( i >= 3 )); do i=$(( i + 1 )); done; ls', {}, 'read'],
    ['test "$(cat count)" -ge 1 && echo ready', {}, 'read'],
    ['[[ $N -eq 1 ]] && kubectl get pods -n $NS', { N: '1', NS: 'prod' }, 'read'],
    ['(( X == 1 )) && kubectl get pods', { X: '1' }, 'read'],
    ['X=2; (( X == 1 )) && kubectl get pods', {}, 'read'],
    ['(( E )); helm uninstall web $DRY', { DRY: '--dry-run', E: '1' }, 'read'],
    // E=DRY=1 sets DRY: a real uninstall.
    ['(( E )); helm uninstall web $DRY', { DRY: '--dry-run', E: 'DRY=1' }, 'destroy'],
    ['let E; helm uninstall web $DRY', { DRY: '--dry-run', E: 'DRY=1' }, 'destroy'],
    ['n=0; let n=n+1; helm upgrade web ./chart', {}, 'write'],
    // Set to a number by the line where it may not have run yet: in a function, a branch, a loop, a subshell.
    ['f() { local c=0; ((c++)); echo $c; }; f', {}, 'read'],
    ['f() { local -i c=0; ((c++)); }; f', {}, 'read'],
    ['for f in a b; do n=0; ((n++)); done; echo ok', {}, 'read'],
    ['if [ -f x ]; then n=1; else n=2; fi; echo $((n+1))', {}, 'read'],
    ['[ -f x ] && n=1 || n=0; case "$1" in a) m=1;; *) m=2;; esac; echo $((n+m))', {}, 'read'],
    ['( n=1; echo $((n+1)) ); { k=1; }; echo $((k+1))', {}, 'read'],
    // A plain name set by name, and the names the setting reads.
    ['name=web; printf -v "$name" x; echo "$web"', {}, 'write'],
    ['for v in OLD_A OLD_B; do unset "$v"; done; echo ok', {}, 'write'],
    ['for v in A B; do declare -n r=$v; echo "$r"; done', {}, 'write'],
    ['export "$N=1"; export $(cat .env); readonly "$N=1"; echo ok', {}, 'write'],
    ['declare -n r; r=HOME; echo $r', {}, 'read'],
    // A function's arguments given as names: the names its callers write, set by name (write, as before).
    ['set_var() { printf -v "$1" "%s" "$2"; }; set_var tag v1; echo "tag=$tag"', {}, 'write'],
    ['join_by_comma() { local -n arr=$1; local IFS=,; echo "${arr[*]}"; }; hosts=(web api); join_by_comma hosts', {}, 'write'],
    ['set_var() { declare -g "$1=$2"; }; set_var a b', {}, 'write'],
    ['let n=n+1; helm upgrade web ./chart', { n: '2' }, 'write'],
    ['(( n = 1 )); (( n = n + 1 )); ls', {}, 'read'],
    ['(( a = 1, b = a )); (( b > 0 )); ls', {}, 'read'],
    ['((F=0)); ((F > 1)); ls', { F: 'x' }, 'read'],
    ['for ((i=0; i<N; i++)); do ls; done', { N: '3' }, 'read'],
    ['count=0; ((count++)); echo $count', {}, 'read'],
    ['i=1; test -v "a[$i]"; unset "a[$i]"; [ -v "a[2]" ]; read "a[0]" <<< x; printf -v "a[$i]" x; echo ok', {}, 'read'],
    // An associative key with no run-time text in it; [[ -v ]] does not expand a key again.
    ['declare -A m; k=foo; unset "m[$k]"; test -v "m[$k]"; [ -v "m[lit]" ]; [[ -v m[$X] ]]; echo', {}, 'read'],
    // Names that are plain names where bash reads a variable named by a value.
    ['for v in A B; do echo ${!v}; done; x=HOME; test -v "$x"; echo ${!x} ${!BASH*}', {}, 'read'],
    ['declare -i n=0; declare -n r=n; r=5; echo $n', {}, 'read'],
    ['declare -n r=n; r=$X; echo ok', {}, 'read'],
    ['for ((i=0; i<3; i++)); do kubectl apply -f x; done', {}, 'write'],
    ['for i in 1 2 3; do ((i++)); done; kubectl apply -f x', {}, 'write'],
    ['(( $# > 0 )); (( $? == 0 )); (( RANDOM % 2 )); echo $(( ${#x} + 16#ff + 0x1F + LINENO ))', {}, 'read'],
    ['(( ${N:-0} > 0 )) && ls', { N: '3' }, 'read'],
    ['declare -A m; m[$k]=v; echo "${m[$k]}"', {}, 'read'],
    ['(( F = 0 )); ls', { F: 'x' }, 'read'],
  ])('%s with %j is %s', async (command, env, level) => {
    const risk = await classify(command, env);
    expect(risk.level, risk.reason).toBe(level);
  });
});
