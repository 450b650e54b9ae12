import { describe, expect, it } from 'vitest';
import { classifyShell, type RiskLevel } from '../../src/policy/index.js';
import { simpleCommands } from '../../src/policy/shell-risk.js';
import { parseShell } from '../../src/tools/index.js';

// Bash lets a redirection stand anywhere among a simple command's words: the words after it are still the command's.

const classify = async (command: string) => (await classifyShell(command, parseShell)).level;
const lastWords = async (command: string) => (await simpleCommands(command, parseShell)).commands.at(-1)!.map((word) => word.literal ?? word.text);

describe('words written after a redirection', () => {
  it.each<[string, RiskLevel]>([
    ['terraform 2>/dev/null destroy -auto-approve', 'destroy'],
    ['terraform < /dev/null destroy -auto-approve', 'destroy'],
    ['terraform 2>&1 destroy -auto-approve', 'destroy'],
    ['terraform &>/dev/null destroy -auto-approve', 'destroy'],
    ['terraform 2>/dev/null >/dev/null destroy -auto-approve', 'destroy'],
    ['terraform 2>&- destroy', 'destroy'],
    ['kubectl 2>&- delete ns prod', 'destroy'],
    ['terraform {fd}>/dev/null destroy -auto-approve', 'destroy'],
    ['kubectl < /dev/null delete ns prod', 'destroy'],
    ['kubectl 2> err.log delete ns prod', 'destroy'],
    ['kubectl 2>/dev/null delete ns prod | tee 2>/dev/null log.txt', 'destroy'],
    ['git 2>/dev/null push --force origin main', 'destroy'],
    ['helm 2>/dev/null uninstall web', 'destroy'],
    ['ls && helm 2>/dev/null uninstall web', 'destroy'],
    ['! helm 2>/dev/null uninstall web', 'destroy'],
    ['echo $(helm 2>/dev/null uninstall web)', 'destroy'],
    ['sh -c "helm 2>/dev/null uninstall web"', 'destroy'],
    ['cat <<EOF 2>/dev/null -\nhi\nEOF\nhelm <<EOF uninstall web\nx\nEOF', 'destroy'],
    ['echo >/dev/null x $(rm -rf victim)', 'destroy'],
    // The redirections stay redirections: what they write is still a write, what they read a read.
    ['tee < in.txt out.txt', 'write'],
    ['echo > out.txt hi', 'write'],
    ['cat <<EOF > out.txt\nhi\nEOF', 'write'],
    ['cat < in.txt -n', 'read'],
    ['kubectl 2>/dev/null get pods -n prod', 'read'],
    ['terraform 2>/dev/null plan', 'read'],
  ])('%s is %s', async (command, level) => {
    expect(await classify(command)).toBe(level);
  });

  it.each<[string, string[]]>([
    ['terraform 2>/dev/null destroy -auto-approve', ['terraform', 'destroy', '-auto-approve']],
    ['echo >out hi', ['echo', 'hi']],
    ['>out echo hi > b z', ['echo', 'hi', 'z']],
    ['echo 2>&1 y', ['echo', 'y']],
    ['echo a <<<"x" b', ['echo', 'a', 'b']],
    ['echo a >out`date` b', ['echo', 'a', 'b']],
    ['exec {fd}>file', ['exec']],
    ['echo 2>/dev/null {fd}>f x', ['echo', 'x']],
    ['cat 0<&3 x', ['cat', 'x']],
    ['echo 2>&- x', ['echo', 'x']],
    ['cat <<EOF x "y z" w\nhi\nEOF', ['cat', 'x', 'y z', 'w']],
    ['cat <<EOF 2>/dev/null w\nhi\nEOF', ['cat', 'w']],
    ['a | b >o x y', ['b', 'x', 'y']],
  ])('%s has the words %j', async (command, words) => {
    expect(await lastWords(command)).toEqual(words);
  });

  // tree-sitter-bash reads `>&-` and `<&-` as one token taking at most one word: bash reads the `-` as the
  // redirection's word, and every word after it as the command's.
  it.each<[string, string[]]>([
    ['git 2>&- clean -fdx', ['git', 'clean', '-fdx']],
    ['kubectl 2>&- delete ns prod', ['kubectl', 'delete', 'ns', 'prod']],
    ['kubectl 3>&- delete ns prod', ['kubectl', 'delete', 'ns', 'prod']],
    ['kubectl 0<&- delete ns prod', ['kubectl', 'delete', 'ns', 'prod']],
    ['git 2<&- clean -fdx', ['git', 'clean', '-fdx']],
    ['git >&- clean -fdx', ['git', 'clean', '-fdx']],
    ['git <&- clean -fdx > out', ['git', 'clean', '-fdx']],
    ['kubectl {fd}>&- delete ns prod', ['kubectl', 'delete', 'ns', 'prod']],
    ['git 2>& - clean -fdx', ['git', 'clean', '-fdx']],
    ['git 3>&2- clean -fdx', ['git', 'clean', '-fdx']],
    ['kubectl 0<&3- delete ns prod', ['kubectl', 'delete', 'ns', 'prod']],
    ['rm 2>&- -rf x', ['rm', '-rf', 'x']],
    ["echo 'a 2>&- b' 2>&- c", ['echo', 'a 2>&- b', 'c']],
  ])('%s, which closes or moves a descriptor, has the words %j', async (command, words) => {
    expect(await lastWords(command)).toEqual(words);
  });

  it.each<[string, RiskLevel]>([
    ['git 2>&- clean -fdx', 'destroy'],
    ['git 2<&- clean -fdx', 'destroy'],
    ['kubectl 0<&- delete ns prod', 'destroy'],
    ['rm 2>&- -rf x', 'destroy'],
    ['kubectl 2>&- get pods', 'read'],
    ['git 2>&- clean -fdx > out', 'destroy'],
  ])('%s, which closes a descriptor, is %s', async (command, level) => {
    expect(await classify(command)).toBe(level);
  });

  it('keeps the redirection targets as the streams of the command', async () => {
    const line = await simpleCommands('tee < in.txt out.txt > copy.txt', parseShell);
    expect(line.commands[0]!.map((word) => word.literal)).toEqual(['tee', 'out.txt']);
    expect(line.streams[0]).toMatchObject({ input: ['in.txt'], output: ['copy.txt'] });
  });

  it('rates a line bash refuses, words after a compound command, as one that does not parse', async () => {
    expect(await classify('(ls) > out.txt x')).toBe('write');
    expect(await classify('{ ls; } 2>/dev/null rm -rf x')).toBe('destroy');
  });
});
