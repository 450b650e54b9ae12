import { access, readdir, readFile, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { currentKubeTarget, quickCommand } from '../tools/index.js';
import { formatProjectInstructions, readProjectInstructions, type ProjectInstructions } from './project-instructions.js';

/** What the planner is told about the place it deploys from. Gathered once per turn; bounded. */
export type WorkspaceContext = {
  readonly dir: string;
  readonly files: readonly string[];
  /**
   * The root's package.json; when the root has none, those one folder down (a monorepo's `api/`, `web/`), up to
   * MAX_PACKAGES. `folder`: the subfolder holding one (its scripts run there, not at the root).
   */
  readonly packages: readonly PackageFacts[];
  /** package.json files one folder down beyond MAX_PACKAGES: named, not described. */
  readonly morePackages?: readonly string[];
  /** package.json files that were there but could not be used, with why (`api/package.json: not valid JSON (line 3)`). */
  readonly unreadablePackages?: readonly string[];
  readonly dockerfiles: readonly string[];
  readonly composeFiles: readonly string[];
  readonly manifests: readonly { readonly file: string; readonly kinds: readonly string[] }[];
  readonly helmCharts: readonly string[];
  readonly binaries: Readonly<Record<string, boolean>>;
  readonly kubeContext?: string;
  /** The namespace of the current kube context (default when it names none: "default"). */
  readonly kubeNamespace?: string;
  /** docker / podman: whether each is installed and answers (`version` reaches its engine). */
  readonly containerEngines: Readonly<Partial<Record<ContainerEngine, 'ready' | 'unreachable'>>>;
  /** The container tool plans should use: the first that answers (docker, then podman), else the first installed. */
  readonly containerEngine?: ContainerEngine;
  /** AGENTS.md and .ksa/instructions.md, bounded. */
  readonly instructions?: ProjectInstructions;
};

export type ContainerEngine = 'docker' | 'podman';

export type PackageFacts = { readonly name?: string; readonly scripts: readonly string[]; readonly dependencies: number; readonly main?: string; readonly folder?: string };

const BINARIES = ['kubectl', 'helm', 'docker', 'podman', 'kind', 'minikube', 'node', 'npm'] as const;
const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'build', '.deploy', 'coverage', '.venv', 'vendor', 'target']);
const MAX_FILES = 400;
const MAX_DEPTH = 3;
/** Apps one folder down described in full; the others are named, so the prompt stays small in a large monorepo. */
const MAX_PACKAGES = 5;

export async function gatherWorkspaceContext(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
  /** The current kube target when the caller knows it already (the chat does, for its header). */
  kubeTarget?: { readonly context?: string; readonly namespace?: string },
): Promise<WorkspaceContext> {
  const files = await listFiles(dir);
  const [packages, manifests, binaries] = await Promise.all([readPackages(dir), findManifests(dir, files), findBinaries(env)]);
  const [kube, containerEngines, instructions] = await Promise.all([
    binaries.kubectl ? (kubeTarget ?? currentKubeTarget(env)) : undefined,
    probeContainerEngines(binaries, env),
    readProjectInstructions(dir),
  ]);
  const containerEngine = pickContainerEngine(containerEngines);
  return {
    dir,
    files: files.slice(0, 60),
    ...packages,
    dockerfiles: files.filter((file) => /(^|\/)(Dockerfile|Containerfile)(\.[\w-]+)?$/.test(file)),
    composeFiles: files.filter((file) => /(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(file)),
    manifests,
    helmCharts: files.filter((file) => file.endsWith('Chart.yaml')).map((file) => path.dirname(file) || '.'),
    binaries,
    ...(kube?.context ? { kubeContext: kube.context, kubeNamespace: kube.namespace ?? 'default' } : {}),
    containerEngines,
    ...(containerEngine ? { containerEngine } : {}),
    ...(instructions ? { instructions } : {}),
  };
}

/** The context as the model reads it. */
export function formatWorkspaceContext(context: WorkspaceContext): string {
  const lines = [`Workspace: ${context.dir} (relative paths and file tools resolve here)`];
  for (const pkg of context.packages) {
    // One found a folder down is named with its folder: `npm test` at the root would find no package.json.
    const where = pkg.folder === undefined ? '' : `; run its scripts with cwd: ${pkg.folder} (the workspace root has no package.json)`;
    lines.push(`- ${packageJsonFile(pkg)}: name ${pkg.name ?? '(none)'}, scripts: ${pkg.scripts.join(', ') || '(none)'}, ${pkg.dependencies} dependencies${pkg.main ? `, main ${pkg.main}` : ''}${where}`);
  }
  if (context.morePackages?.length) lines.push(`- and ${context.morePackages.length} more: ${context.morePackages.join(', ')} (read one before planning for it)`);
  for (const problem of context.unreadablePackages ?? []) lines.push(`- ${problem}; not described (read it before planning for that app)`);
  if (context.dockerfiles.length) lines.push(`- Dockerfiles: ${context.dockerfiles.join(', ')}`);
  if (context.composeFiles.length) lines.push(`- Compose files: ${context.composeFiles.join(', ')}`);
  if (context.manifests.length) lines.push(`- Kubernetes manifests: ${context.manifests.map((m) => `${m.file} (${m.kinds.join(', ')})`).join('; ')}`);
  if (context.helmCharts.length) lines.push(`- Helm charts: ${context.helmCharts.join(', ')}`);
  const present = Object.entries(context.binaries).filter(([, ok]) => ok).map(([name]) => name);
  const missing = Object.entries(context.binaries).filter(([, ok]) => !ok).map(([name]) => name);
  lines.push(`- Installed: ${present.join(', ') || 'none of ' + BINARIES.join(', ')}${missing.length ? `; NOT installed: ${missing.join(', ')}` : ''}`);
  if (context.kubeContext) lines.push(`- Current kube context: ${context.kubeContext} (namespace ${context.kubeNamespace ?? 'default'}); kubectl/helm/k8s_* steps name it with args.context`);
  const containerLine = describeContainerEngines(context);
  if (containerLine) lines.push(containerLine);
  lines.push(`- Files: ${context.files.join(', ')}${context.files.length >= 60 ? ', …' : ''}`);
  const instructions = formatProjectInstructions(context.instructions);
  if (instructions) lines.push('', instructions);
  return lines.join('\n');
}

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (out.length >= MAX_FILES || depth > MAX_DEPTH) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (out.length >= MAX_FILES) return;
      // Never read secrets into a prompt.
      if (entry.name.startsWith('.env') || entry.name.endsWith('.pem') || entry.name.endsWith('.key')) continue;
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full);
      if (entry.isDirectory()) {
        if (SKIP_DIRS.has(entry.name) || entry.name.startsWith('.')) continue;
        await walk(full, depth + 1);
      } else if (entry.isFile()) {
        out.push(rel);
      }
    }
  };
  await walk(root, 0);
  return out;
}

/**
 * Looked for where an app's package.json sits, by name (not in the capped file list: a big folder sorted
 * before it would hide it), so "the root has none" is said only when the root was seen to have none.
 */
async function readPackages(dir: string): Promise<Pick<WorkspaceContext, 'packages' | 'morePackages' | 'unreadablePackages'>> {
  const atRoot = await isFile(path.join(dir, 'package.json'));
  // No package.json at the root: a monorepo's apps each sit one folder down, and each is described.
  const files = atRoot === false ? await packageJsonsOneDown(dir) : atRoot ? ['package.json'] : [];
  const read = await Promise.all(files.slice(0, MAX_PACKAGES).map((file) => readPackageJson(dir, file)));
  // One that does not parse is named with why, not left out: the draft and the plan would not know the app is there.
  const unreadable = read.filter((pkg) => typeof pkg === 'string');
  const more = files.slice(MAX_PACKAGES);
  return {
    packages: read.filter((pkg) => typeof pkg !== 'string'),
    ...(more.length ? { morePackages: more } : {}),
    ...(unreadable.length ? { unreadablePackages: unreadable } : {}),
  };
}

/** true / false; undefined when it could not be checked (no permission): nothing is claimed then. */
async function isFile(file: string): Promise<boolean | undefined> {
  try {
    return (await stat(file)).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? false : undefined;
  }
}

/** `api/package.json`, …: the folders the scan walks (no node_modules, no dot-folders), in its order. */
async function packageJsonsOneDown(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const folders = entries
    .filter((entry) => entry.isDirectory() && !SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  const found = await Promise.all(folders.map(async (folder) => ((await isFile(path.join(dir, folder, 'package.json'))) ? `${folder}/package.json` : undefined)));
  return found.filter((file) => file !== undefined);
}

/** Its facts, or why it cannot be used (`api/package.json: not valid JSON (line 3)`). */
async function readPackageJson(dir: string, file: string): Promise<PackageFacts | string> {
  let text;
  try {
    text = await readFile(path.join(dir, file), 'utf8');
  } catch (error) {
    return `${file}: could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  let pkg;
  try {
    pkg = JSON.parse(text) as unknown;
  } catch (error) {
    return `${file}: not valid JSON (line ${jsonErrorLine(text, error)})`;
  }
  if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg)) return `${file}: not a JSON object`;
  const { name, scripts, dependencies, main } = pkg as { name?: string; scripts?: Record<string, string>; dependencies?: object; main?: string };
  const folder = path.dirname(file);
  return { name, scripts: Object.keys(scripts ?? {}), dependencies: Object.keys(dependencies ?? {}).length, main, ...(folder !== '.' ? { folder } : {}) };
}

/** JSON.parse names a position (or nothing, at an early end): the line a person finds it on. */
function jsonErrorLine(text: string, error: unknown): number {
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
  const upTo = position ? text.slice(0, Number(position[1])) : text.trimEnd();
  return upTo.split('\n').length;
}

/** The package.json as a workspace-relative path: `package.json`, or `app/package.json` one folder down. */
function packageJsonFile(pkg: PackageFacts): string {
  return pkg.folder === undefined ? 'package.json' : `${pkg.folder}/package.json`;
}

async function findManifests(dir: string, files: readonly string[]): Promise<{ file: string; kinds: string[] }[]> {
  const out: { file: string; kinds: string[] }[] = [];
  for (const file of files) {
    if (!/\.ya?ml$/.test(file) || file.endsWith('Chart.yaml') || /(^|\/)(docker-)?compose/.test(file) || /(^|\/)templates\//.test(file)) continue;
    try {
      const info = await stat(path.join(dir, file));
      if (info.size > 256 * 1024) continue;
      const text = await readFile(path.join(dir, file), 'utf8');
      if (!/^apiVersion:/m.test(text)) continue;
      const kinds = [...text.matchAll(/^kind:\s*(\w+)/gm)].map((match) => match[1]!);
      if (kinds.length) out.push({ file, kinds: [...new Set(kinds)] });
    } catch {
      continue;
    }
    if (out.length >= 30) break;
  }
  return out;
}

async function findBinaries(env: NodeJS.ProcessEnv): Promise<Record<string, boolean>> {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const result: Record<string, boolean> = {};
  await Promise.all(
    BINARIES.map(async (name) => {
      for (const dir of dirs) {
        try {
          await access(path.join(dir, name), constants.X_OK);
          result[name] = true;
          return;
        } catch {
          // Not in this directory.
        }
      }
      result[name] = false;
    }),
  );
  return result;
}

function describeContainerEngines(context: WorkspaceContext): string | undefined {
  const engine = context.containerEngine;
  if (!engine) return undefined;
  const state = context.containerEngines[engine];
  const other = engine === 'docker' ? 'podman' : 'docker';
  const otherState = context.containerEngines[other];
  const otherNote = otherState === undefined ? `${other} is not installed` : otherState === 'ready' ? `${other} also works` : `${other} is installed but does not answer`;
  const stateNote = state === 'ready' ? 'answers' : 'is installed but its engine does not answer';
  return `- Containers: use the ${engine} tool (${engine} ${stateNote}; ${otherNote}); never the other one`;
}

/** Prefers an engine that answers; docker first (a podman-docker wrapper is podman anyway). */
export function pickContainerEngine(engines: WorkspaceContext['containerEngines']): ContainerEngine | undefined {
  const order: ContainerEngine[] = ['docker', 'podman'];
  return order.find((name) => engines[name] === 'ready') ?? order.find((name) => engines[name] !== undefined);
}

async function probeContainerEngines(binaries: Record<string, boolean>, env: NodeJS.ProcessEnv): Promise<WorkspaceContext['containerEngines']> {
  const result: Partial<Record<ContainerEngine, 'ready' | 'unreachable'>> = {};
  await Promise.all(
    (['docker', 'podman'] as const).map(async (name) => {
      if (!binaries[name]) return;
      // `version` asks the engine too: docker without its daemon exits non-zero.
      const answer = await quickCommand(name, ['version'], { env, timeoutMs: 3000 });
      result[name] = answer?.exitCode === 0 ? 'ready' : 'unreachable';
    }),
  );
  return result;
}
