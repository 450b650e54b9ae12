import { describe, expect, it } from 'vitest';
import { classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// A quoted value attached to a short option that takes one is that option's value, one word whatever it holds: it
// cannot bring other options, so everyday reads stay read. Anything else known only at run time still may.

const classify = (command: string) => classifyShell(command, parseShell);

describe('a quoted value attached to a short option', () => {
  it.each<[string, RiskLevel]>([
    // The value of an option that takes one and cannot make the program write.
    ['git log -S"$TERM"', 'read'],
    ['git log -G"$RE" --oneline', 'read'],
    ['git log -n"$N"', 'read'],
    ['git show -U"$CTX" HEAD', 'read'],
    ['git log -pS"$TERM"', 'read'],
    ['git log "-S$TERM"', 'read'],
    ['git log -S"$A" -- src/', 'read'],
    ['sort -k"$K" data.txt', 'read'],
    ['sort -t"$SEP" -k2 data.txt', 'read'],
    ['sort -rk"$K" data.txt', 'read'],
    ['journalctl -u"$SVC"', 'read'],
    ['journalctl -n"$N"', 'read'],
    ['sudo journalctl -fu"$SVC" --since today', 'read'],
    ['tree -L"$N"', 'read'],
    ['tree -I"$PAT"', 'read'],
    ['date -d"$D"', 'read'],
    ['make -n -C"$DIR"', 'read'],
    ['crontab -l -u"$USER"', 'read'],
    ['wget -T"$T" -qO- https://example.com', 'read'],
    ['timeout 5 git log -S"$TERM" | head -5', 'read'],
    ["sh -c 'sort -k\"$K\" data.txt'", 'read'],
    ['for k in 1 2; do sort -k"$k" data.txt; done', 'read'],
    ['rg -e"$P" src', 'read'],
    ['rg -ig"$G" -t"$T" foo', 'read'],
    ['git log | less -p"$P"', 'read'],
    ['less -Rj"$N" f', 'read'],
    // An option that writes, letters that take no value (more flags may follow), a value the shell splits, a list.
    ['sort -o"$F" data.txt', 'write'],
    ['rg -e$P src', 'write'],
    ['rg -"$X" src', 'write'],
    ['less -o"$F" f', 'write'],
    ['less -Ro"$F" f', 'write'],
    ['sort -uo"$F" data.txt', 'write'],
    ['sort -s$F data.txt', 'write'],
    ['sort -k$K data.txt', 'write'],
    ['sort -k"$K"$X data.txt', 'write'],
    ['sort -k"${A[@]}" data.txt', 'write'],
    ['sort -"$X" data.txt', 'write'],
    ['sort -x"$A" data.txt', 'write'],
    ['git log -n$N', 'write'],
    ['git log -x"$A"', 'write'],
    ['git log -S"$X" -- -o', 'write'],
    ['git log -S"$X"*', 'write'],
    ['tree -o"$F"', 'write'],
    ['tree -R"$X"', 'write'],
    ['date -s"$D"', 'write'],
    ['date -us"$D"', 'write'],
    ['make -n -f"$MK"', 'write'],
    ['make -n -E"$E"', 'write'],
    ['crontab -l -r"$X"', 'write'],
    ['wget -e"$CMD" -qO- https://example.com', 'write'],
    ['journalctl -u"$SVC" $OPTS', 'write'],
    ["sh -c 'sudo sort -o\"$F\" data.txt'", 'write'],
    ['git log -S"$TERM" && rm -rf x', 'destroy'],
  ])('%s is %s', async (command, level) => {
    expect((await classify(command)).level).toBe(level);
  });
});

describe("terraform's options with a quoted value after =", () => {
  it.each<[string, RiskLevel]>([
    // Go flags: the option's name is written, the quoted value is one word.
    ['terraform plan -var="region=$REGION"', 'read'],
    ['terraform plan -var-file="$VARS"', 'read'],
    ['terraform plan -target="$T"', 'read'],
    ['tofu plan -var="env=$ENV"', 'read'],
    ['terraform plan "-var=region=$REGION" -lock-timeout="$LT"', 'read'],
    ['terraform show -var-file="$VARS"', 'read'],
    ['sudo terraform plan -var="region=$REGION"', 'read'],
    ['cd infra && terraform plan -var="region=$REGION" -input=false', 'read'],
    ["sh -c 'terraform plan -var-file=\"$VARS\"'", 'read'],
    ['timeout 600 tofu plan -target="$T" -var="env=$ENV"', 'read'],
    // -out writes a plan file; an unquoted value splits; a name made at run time may be any option.
    ['terraform plan -out="$P"', 'write'],
    ['terraform plan -var="region=$REGION" -out="$P"', 'write'],
    ['terraform plan -var=region=$REGION', 'write'],
    ['terraform plan -var-file=$VARS', 'write'],
    ['terraform plan -"$X"', 'write'],
    ['terraform plan -var"$X"', 'write'],
    ['terraform plan -state-out="$S"', 'write'],
    ['terraform plan -target="$T" $EXTRA', 'write'],
    ['terraform apply -var="region=$REGION"', 'write'],
    ['terraform plan -var="region=$REGION" && terraform destroy -auto-approve', 'destroy'],
  ])('%s is %s', async (command, level) => {
    expect((await classify(command)).level).toBe(level);
  });
});

describe("curl's options with a quoted value attached", () => {
  it.each<[string, RiskLevel, string]>([
    // A header, a time, a user, a referer, a proxy, a range only shape the GET.
    ['curl -H"Authorization: Bearer $TOKEN" https://example.com', 'read', 'curl GET'],
    ['curl -m"$T" https://example.com', 'read', 'curl GET'],
    ['curl -sH"Accept: $TYPE" https://example.com', 'read', 'curl GET'],
    ['curl -fsSL -A"$UA" https://example.com', 'read', 'curl GET'],
    ['curl -e"$REF" -x"$PROXY" -r"$RANGE" https://example.com', 'read', 'curl GET'],
    ['curl -sm"$T" -H"X-Id: $ID" "$URL" | jq .', 'read', 'curl GET'],
    ['sudo curl -u"$USER:$PASS" https://example.com', 'read', 'sudo curl GET'],
    ["sh -c 'curl -m\"$T\" https://example.com'", 'read', 'curl GET'],
    // Options that save, send or write are rated as themselves.
    ['curl -o"$F" https://example.com', 'write', 'curl saves a file'],
    ['curl -so"$F" https://example.com', 'write', 'curl saves a file'],
    ['curl -d"$BODY" https://example.com', 'write', 'curl sends data'],
    ['curl -w"$FMT" https://example.com', 'write', 'curl writes a file'],
    // A method, a file of options, FTP commands, flags or words made at run time may be DELETE.
    ['curl -X"$M" https://example.com', 'destroy', 'curl -X with a method chosen at run time (may be DELETE)'],
    ['curl -sX"$M" https://example.com', 'destroy', 'curl -X with a method chosen at run time (may be DELETE)'],
    ['curl -s$F https://example.com', 'destroy', 'curl -X with a method chosen at run time (may be DELETE)'],
    ['curl -H$H https://example.com', 'destroy', 'curl -X with a method chosen at run time (may be DELETE)'],
    ['curl -K"$CFG" https://example.com', 'destroy', 'curl -X with a method chosen at run time (may be DELETE)'],
    ['curl -Q"$CMD" ftp://example.com/', 'destroy', 'curl -X with a method chosen at run time (may be DELETE)'],
    ['curl -H"$H" $ARGS https://example.com', 'destroy', 'curl -X with a method chosen at run time (may be DELETE)'],
    ['curl -H"$H" -X DELETE https://example.com', 'destroy', 'curl -X DELETE'],
  ])('%s is %s (%s)', async (command, level, reason) => {
    expect(await classify(command)).toEqual({ level, reason });
  });
});
