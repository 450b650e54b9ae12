import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rememberedKubeTarget } from '../../src/cli/kube-target.js';

// A kubectl that answers from the kubeconfig it is given (its first line is the context), as the real one
// does, and counts its calls. Shell builtins only: PATH holds nothing else.
const KUBECTL = `#!/bin/sh
printf "%s\\n" "$*" >> "$CALLS"
if [ "$1 $2" = "config current-context" ]; then
  read -r context < "$KUBECONFIG" || exit 1
  [ -n "$context" ] || { echo "error: current-context is not set" >&2; exit 1; }
  echo "$context"
elif [ "$1 $2" = "config view" ]; then
  # Each context with its namespace, as the jsonpath ksa asks for prints them.
  ns=shop
  read -r context < "$KUBECONFIG" || exit 1
  printf '%s\\t%s\\n' "$context" "$ns"
else
  exit 1
fi
`;

let dir: string;
let env: NodeJS.ProcessEnv;
let home: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ksa-kube-target-'));
  const bin = path.join(dir, 'bin');
  await mkdir(bin);
  await writeFile(path.join(bin, 'kubectl'), KUBECTL);
  await chmod(path.join(bin, 'kubectl'), 0o755);
  await writeFile(path.join(dir, 'config'), 'kind-dev\n');
  home = path.join(dir, 'home');
  env = { PATH: bin, KUBECONFIG: path.join(dir, 'config'), CALLS: path.join(dir, 'calls'), HOME: dir };
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function kubectlCalls(): Promise<number> {
  const text = await readFile(path.join(dir, 'calls'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}

describe('the kube target the chat header shows', () => {
  it('asks kubectl once, then answers from what it kept while the kubeconfig and kubectl stay the same', async () => {
    expect(await rememberedKubeTarget(env, home)).toEqual({ context: 'kind-dev', namespace: 'shop', namespaces: { 'kind-dev': 'shop' } });
    expect(await kubectlCalls()).toBe(2);
    expect((await stat(path.join(home, 'kube-target.json'))).mode & 0o777).toBe(0o600);

    expect(await rememberedKubeTarget(env, home)).toEqual({ context: 'kind-dev', namespace: 'shop', namespaces: { 'kind-dev': 'shop' } });
    expect(await kubectlCalls()).toBe(2);
  });

  it('asks again when the kubeconfig changed (use-context in another terminal)', async () => {
    await rememberedKubeTarget(env, home);
    await writeFile(path.join(dir, 'config'), 'prod-eu\n');
    expect(await rememberedKubeTarget(env, home)).toEqual({ context: 'prod-eu', namespace: 'shop', namespaces: { 'prod-eu': 'shop' } });
    expect(await kubectlCalls()).toBe(4);
  });

  it('asks again for another KUBECONFIG, and for a kubeconfig that appears', async () => {
    await rememberedKubeTarget(env, home);
    const other = path.join(dir, 'other');
    const withOther = { ...env, KUBECONFIG: other };
    expect(await rememberedKubeTarget(withOther, home)).toEqual({});
    await writeFile(other, 'kind-other\n');
    expect(await rememberedKubeTarget(withOther, home)).toEqual({ context: 'kind-other', namespace: 'shop', namespaces: { 'kind-other': 'shop' } });
  });

  it('asks again when kubectl changed, and knows no context without one', async () => {
    await rememberedKubeTarget(env, home);
    expect(await rememberedKubeTarget({ ...env, PATH: path.join(dir, 'nowhere') }, home)).toEqual({});
    await writeFile(path.join(dir, 'bin', 'kubectl'), KUBECTL.replace('ns=shop', 'ns=web'));
    expect(await rememberedKubeTarget(env, home)).toEqual({ context: 'kind-dev', namespace: 'web', namespaces: { 'kind-dev': 'web' } });
  });

  it('a damaged record is asked again and replaced; a home it cannot write still gets the answer', async () => {
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, 'kube-target.json'), '{"fingerprint": 1');
    expect(await rememberedKubeTarget(env, home)).toEqual({ context: 'kind-dev', namespace: 'shop', namespaces: { 'kind-dev': 'shop' } });
    expect(await rememberedKubeTarget(env, home)).toEqual({ context: 'kind-dev', namespace: 'shop', namespaces: { 'kind-dev': 'shop' } });
    expect(await kubectlCalls()).toBe(2);

    const fileAsHome = path.join(dir, 'config');
    expect(await rememberedKubeTarget(env, fileAsHome)).toEqual({ context: 'kind-dev', namespace: 'shop', namespaces: { 'kind-dev': 'shop' } });
  });
});
