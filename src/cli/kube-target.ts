import { stat } from 'node:fs/promises';
import path from 'node:path';
import { PrivateJSONFile } from '../store/private-json-file.js';
import { makeDirs } from '../store/make-dirs.js';
import { userHome } from '../store/paths.js';
import { currentKubeTarget } from '../tools/kube/context-guard.js';

/** The current kube context and its namespace (`kubectl config`), when there is one. */
export type KubeTarget = { readonly context?: string; readonly namespace?: string; readonly namespaces?: Readonly<Record<string, string>> };

type Remembered = { readonly fingerprint: string; readonly target: KubeTarget };

/**
 * kubectl's current context and namespace for the chat's header, asked of
 * kubectl the first time and again whenever what its answer depends on has
 * changed: the kubeconfig files it reads ($KUBECONFIG, else ~/.kube/config)
 * and which kubectl runs. Asking costs one or two process starts (50–150 ms
 * each, more on a busy machine) before the first frame; looking at those files
 * costs a few stat calls. The answer is kept in `kube-target.json` of the ksa
 * home; a missing or unreadable record is asked again, and one that cannot be
 * written is not kept.
 */
export async function rememberedKubeTarget(env: NodeJS.ProcessEnv, home: string): Promise<KubeTarget> {
  const fingerprint = await kubeFingerprint(env);
  const file = new PrivateJSONFile<Remembered>(path.join(home, 'kube-target.json'));
  const remembered = await file.read().catch(() => null);
  // One kept before every context's namespace was asked for is asked again.
  if (remembered?.fingerprint === fingerprint && isKubeTarget(remembered.target) && (remembered.target.context === undefined || remembered.target.namespaces !== undefined)) return remembered.target;
  const target = await currentKubeTarget(env);
  // Asked while kubectl or a kubeconfig changed under it: nothing to keep.
  if ((await kubeFingerprint(env)) === fingerprint) {
    await makeDirs(home, 0o700)
      .then(() => file.write({ fingerprint, target }))
      .catch(() => {});
  }
  return target;
}

/** What kubectl's `config current-context` / `config view` answers depend on, as one string. */
export async function kubeFingerprint(env: NodeJS.ProcessEnv): Promise<string> {
  const user = userHome(env);
  const configs = env.KUBECONFIG ? env.KUBECONFIG.split(path.delimiter).filter(Boolean) : user ? [path.join(user, '.kube', 'config')] : [];
  const [files, kubectl] = await Promise.all([Promise.all(configs.map(fileStamp)), findKubectl(env)]);
  return JSON.stringify({ files, kubectl });
}

async function fileStamp(file: string): Promise<unknown> {
  const info = await stat(file).catch(() => undefined);
  return info ? [file, info.ino, info.size, info.mtimeMs, info.ctimeMs] : [file, null];
}

/** The kubectl a command search finds first on PATH (with its stamp), or null. */
async function findKubectl(env: NodeJS.ProcessEnv): Promise<unknown> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'kubectl');
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile() && (info.mode & 0o111) !== 0) return [candidate, info.ino, info.size, info.mtimeMs];
  }
  return null;
}

function isKubeTarget(value: unknown): value is KubeTarget {
  if (typeof value !== 'object' || value === null) return false;
  const { context, namespace, namespaces } = value as Record<string, unknown>;
  const names = namespaces === undefined || (typeof namespaces === 'object' && namespaces !== null && Object.values(namespaces).every((name) => typeof name === 'string'));
  return (context === undefined || typeof context === 'string') && (namespace === undefined || typeof namespace === 'string') && names;
}
