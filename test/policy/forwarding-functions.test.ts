import { describe, expect, it } from 'vitest';
import { classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// A function that forwards its call's words (`k() { kubectl --context x "$@"; }`) runs what its calls say: its body
// as written, with any subcommand, says no more. Followed only when nothing else may call it or change its words,
// and only for a line that then reads: any other keeps the rating of its commands as written.

const classify = (command: string) => classifyShell(command, parseShell);

describe('classifyShell: functions that forward their words', () => {
  it.each<[string, RiskLevel]>([
    ['k() { kubectl --context x "$@"; }; k get pods', 'read'],
    ['k() { kubectl --context x $@; }; k get pods -n shop', 'read'],
    ['function k { kubectl --context x "$@"; }; k get pods; k describe pod web', 'read'],
    ['k() ( kubectl --context x "$@" ); k get pods', 'read'],
    ['k() { helm --kube-context x "$@"; }; k status web', 'read'],
    ['g() { git -C repo "$@"; }; g status', 'read'],
    ['k() { timeout 5 kubectl "$@"; }; k get pods | grep web', 'read'],
    ['k() { kubectl -n "$1" get pods; }; k shop', 'read'],
    // An option with a quoted value known at run time is one word, rated as the command written out (git log -S"$T").
    ['k() { git "$@"; }; k log -S"$T"', 'read'],
    ['k() { git "$@"; }; k log "-S$T" --author="$A"', 'read'],
    ['k() { kubectl --context x "$@"; }; k logs -l"$L"', 'read'],
    ['k() { timeout 5 kubectl "$@"; }; k get pods -l"$L" | grep web', 'read'],
    ['k() { git "$1" "$2"; }; k log -S"$T"', 'read'],
    // A quoted word known at run time is one word, rated where it stands, as in the command written out (kubectl get "$V").
    ['k() { kubectl "$@"; }; k get "$V"', 'read'],
    ['k() { kubectl --context x "$@"; }; k get pods "$P" -n "$NS"', 'read'],
    ['k() { kubectl get "$1"; }; k "$V"', 'read'],
    ['k() { timeout 5 kubectl "$@"; }; k logs "$POD" | grep web', 'read'],
    ["sudo sh -c 'k() { git \"$@\"; }; k log -S\"$T\"'", 'read'],
    ['k() { git "$@"; }; k log -S"$T" -o"$F"', 'destroy'],
    ['k() { git "$@"; }; k push -f"$X"', 'destroy'],
    ['k() { kubectl "$@"; }; k delete pod -l"$L"', 'destroy'],
    ['k() { git "$@"; }; k log -S$T', 'destroy'],
    ['k() { git "$@"; }; k log -"$X"', 'destroy'],
    ['k() { git "$@"; }; k log -S"${T[@]}"', 'destroy'],
    ['k() { git "$@"; }; k log -S"$(rm -rf x)"', 'destroy'],
    ['k() { git $@; }; k log -S"$T"', 'destroy'],
    ['k() { git "$@"; }; k log -S"$T"; rm -rf x', 'destroy'],
    ['k() { git "$@"; }; k log -S"$T"; k push -f', 'destroy'],
    // The call's words: a delete is a delete, and words known only at run time may be one.
    ['k() { kubectl --context x "$@"; }; k delete ns x', 'destroy'],
    ['k() { kubectl --context x "$@"; }; k get pods; k delete ns x', 'destroy'],
    ['k() { kubectl "$@"; }; k $V', 'destroy'],
    ['k() { kubectl "$@"; }; k "$V" pods', 'destroy'],
    ['k() { kubectl "$1" pods; }; k "$V"', 'destroy'],
    ['k() { kubectl "$@"; }; k get "$V"; k "$V" pods', 'destroy'],
    ['k() { kubectl $@; }; k get "$V"', 'destroy'],
    ['k() { kubectl "$@"; }; k get "${V[@]}"', 'destroy'],
    ['k() { kubectl "$@"; }; k get $V', 'destroy'],
    ['k() { kubectl "$@"; }; k get "$(rm -rf x)"', 'destroy'],
    ['k() { kubectl "$@"; }; k get "$V"; rm -rf x', 'destroy'],
    ['k() { "$@"; }; k "$V"', 'destroy'],
    ['k() { sh -c "$1"; }; k "$V"', 'destroy'],
    ['k() { sh -c "$*"; }; k rm -rf x', 'destroy'],
    // A body that moves its arguments, or reads them inside other words, or reads $0.
    ['k() { shift; kubectl --context x "$@"; }; k get pods', 'destroy'],
    ['k() { set -- delete ns x; kubectl "$@"; }; k get pods', 'destroy'],
    ['k() { kubectl --context x "x$@"; }; k get pods', 'destroy'],
    ['k() { kubectl "$0" "$@"; }; k get pods', 'destroy'],
    // Redefined, recursive, called from another function, before its definition, or not on every run.
    ['k() { kubectl "$@"; }; k get pods; k() { kubectl delete "$@"; }; k ns x', 'destroy'],
    ['k() { kubectl "$@"; }; k get pods; k() { rm -rf x; }', 'destroy'],
    ['k() { kubectl "$@"; k delete ns x; }; k get pods', 'destroy'],
    ['k() { kubectl "$@"; }; g() { k get pods; }; g', 'destroy'],
    ['g() { k get pods; }; k() { kubectl "$@"; }; g', 'destroy'],
    ['k get pods; k() { kubectl "$@"; }', 'destroy'],
    ['[ -n "$A" ] && k() { kubectl "$@"; }; k get pods', 'destroy'],
    ['k() { kubectl "$@"; } & k get pods', 'destroy'],
    // Called where ksa does not follow the words: a trap, another shell, xargs, a name known at run time.
    ['k() { kubectl "$@"; }; k get pods; trap k EXIT', 'destroy'],
    ["k() { kubectl \"$@\"; }; export -f k; k get pods; bash -c 'k delete ns x'", 'destroy'],
    ['k() { kubectl "$@"; }; echo delete ns x | xargs k', 'destroy'],
    ['k() { kubectl "$@"; }; sudo k get pods', 'destroy'],
    ['k() { kubectl "$@"; }; k get pods; eval "$X"', 'destroy'],
    ['k() { kubectl "$@"; }; k get pods; $X delete ns x', 'destroy'],
    ['cat() { kubectl "$@"; }; cat get pods; ${CMD:-ls} delete ns x', 'destroy'],
    ['k() { kubectl "$@"; }; k get pods; . ./env.sh', 'destroy'],
    // Unquoted in the body, a word of the call is a file name pattern too.
    ["k() { curl $@; }; k '*' https://x", 'write'],
    ["k() { kubectl $@; }; k get 'dele\\te'", 'destroy'],
    // IFS changes how the words split ("$*" joins with it).
    ['k() { kubectl "$*" ns x; }; IFS=e; k d l te', 'destroy'],
    // A line that writes or deletes anything else keeps the rating of the body as written.
    ['k() { kubectl "$@"; }; k get pods; rm -rf x', 'destroy'],
    ['k() { kubectl --context x "$@"; }; k apply -f x.yaml', 'destroy'],
    ['k() { kubectl "$@" > out.txt; }; k get pods', 'destroy'],
    ['k() { kubectl "$@"; }; k get pods | sh', 'destroy'],
    ["sudo sh -c 'k() { kubectl \"$@\"; }; k delete ns x'", 'destroy'],
  ])('%s is %s', async (command, level) => {
    const risk = await classify(command);
    expect(risk.level, risk.reason).toBe(level);
  });

  it('does not follow the words when the step sets IFS', async () => {
    const environment = { values: new Map([['IFS', 'e']]), anything: false };
    const risk = await classifyShell('k() { kubectl "$*" ns x; }; k d l te', parseShell, 0, new Set(), environment);
    expect(risk.level).toBe('destroy');
  });
});
